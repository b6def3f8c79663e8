#pragma once
// Test-only helpers for transfers on top of testing_b2bua.hpp: REFERs (and other requests) crafted in a
// phone's dialog, since ua::UserAgent does not transfer, and the transferor's answers to NOTIFY.
//
//   net.send(b, net.flow_to_server(b, "TLS"), phone_refer(bob, bob_call, "<sips:carol@localhost>"));
//   answer_notifies(net, b);   ...   sipfrag(net.received(b, "NOTIFY")[0]) == "SIP/2.0 100 Trying"

#include <string>

#include "core/b2bua/testing_b2bua.hpp"
#include "core/ua/call.hpp"

namespace sotto::b2bua::testing {

// A request in `phone`'s dialog of `call`, as the phone would send it (ua::UserAgent does not send REFER):
// Via on its first binding, CSeq `bump` above the phone's last. The phone's own CSeq does not move, so
// its later requests in that dialog would get 500 (CSeq must grow): tests end such calls from the other
// side. Send it with net.send(node, net.flow_to_server(node, "TLS"), msg).
inline SipMessage phone_request(const ua::UserAgent& phone, ua::CallHandle call, sip::MethodId method,
                                std::uint32_t bump = 100) {
  static int branch = 0;
  const ua::Call* c = phone.find_call(call);
  EXPECT_TRUE(c && c->dialog) << "no dialog for call " << call;
  if (!c || !c->dialog) return SipMessage::request(method, sip::Uri{});
  dialog::Dialog d = *c->dialog;
  SipMessage req = d.make_request(method);
  auto cseq = req.header(sip::hdr::cseq);
  req.remove(sip::HeaderId::cseq);
  req.add(sip::hdr::cseq, sip::CSeq{(cseq ? cseq->number : 1) + bump, method});
  req.push_front(sip::hdr::via, ua::make_via(phone.config().bindings.front(), "z9hG4bKtest" + std::to_string(++branch)));
  if (!req.find(sip::HeaderId::max_forwards)) req.add(sip::hdr::max_forwards, std::uint8_t{70});
  return req;
}

// A REFER from `phone` in its dialog of `call` (RFC 3515); `refer_to` as written in the header.
inline SipMessage phone_refer(const ua::UserAgent& phone, ua::CallHandle call, const std::string& refer_to,
                              std::uint32_t bump = 100) {
  SipMessage req = phone_request(phone, call, sip::MethodId::refer, bump);
  if (!refer_to.empty()) (void)req.add_raw("Refer-To", refer_to);
  return req;
}

// `node` answers every NOTIFY it gets with `status` (ua::UserAgent would answer 405): the transferor's
// side of the implicit subscription. The NOTIFYs stay in net.received(node, "NOTIFY").
inline void answer_notifies(Net& net, int node, int status = 200) {
  net.gates[node] = [status](Net& n, int self, Flow flow, const SipMessage& m) {
    if (!m.is_request() || m.method().id() != sip::MethodId::notify) return;
    auto r = sip::make_response(m, status, status == 200 ? "OK" : "Call/Transaction Does Not Exist");
    if (r) n.send(self, flow, *r);
    n.gate_consumed = true;
  };
}

// The status line a message/sipfrag NOTIFY body carries, without its CRLF.
inline std::string sipfrag(const SipMessage& notify) {
  std::string b(notify.body());
  if (auto e = b.find("\r\n"); e != std::string::npos) b.resize(e);
  return b;
}

}  // namespace sotto::b2bua::testing
