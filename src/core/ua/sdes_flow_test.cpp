// The SDES rule (RFC 4568 section 8.3: keys are only as secret as the signalling) applied to every offer
// and answer on the flow that carries it: a call set up over TLS whose re-INVITE travels over UDP must
// not put keys on UDP, in either role, unless --allow-sdes-over-insecure-transport says so.
#include <gtest/gtest.h>

#include "core/negotiation/testing_negotiation.hpp"
#include "core/ua/testing_peers.hpp"

namespace sotto::ua {
namespace {

using testing::Network;
using testing::uri;
using Kind = UaEvent::Kind;
using sip::SipMessage;
using namespace std::chrono_literals;

bool carries_keys(const SipMessage& m) { return m.body().find("a=crypto:") != std::string::npos; }

UaConfig tls_and_udp(const std::string& user, std::uint16_t port) {
  UaConfig c = testing::config(user, port);
  c.bindings.push_back(LocalBinding{"UDP", "127.0.0.1", port});
  return c;
}

// We call over TLS; the callee answers with a Contact. A sips: Contact keeps the dialog on TLS and our
// re-INVITE (hold) carries keys; a sip: (UDP) Contact sends the re-INVITE over UDP, so it must not go
// out with keys: hold() fails naming the reason and nothing is sent.
TEST(SdesPerFlow, OurReinviteOverUdpInATlsCallCarriesNoKeys) {
  for (const bool udp_contact : {false, true}) {
    SCOPED_TRACE(udp_contact ? "sip: Contact" : "sips: Contact");
    UserAgent alice(tls_and_udp("alice", 5061));
    testing::ScriptedUas uas;
    uas.contact = udp_contact ? "<sip:uas@127.0.0.1:5090>" : "<sips:uas@127.0.0.1:5090>";
    uas.answer_sdp = testing::negotiated_answer;
    Network net;
    const int a = net.add_ua("alice", alice);
    const int u = net.add_script("uas", {LocalBinding{"TLS", "127.0.0.1", 5090}, LocalBinding{"UDP", "127.0.0.1", 5090}},
                                 std::ref(uas));
    auto h = alice.call(net.now, uri("sips:uas@127.0.0.1:5090"), CallOptions{"127.0.0.1", 40000, "IP4"});
    ASSERT_TRUE(h) << h.error().message();
    ASSERT_TRUE(net.run_until([&] { return net.has(a, Kind::media_ready); }));
    ASSERT_TRUE(net.find(a, Kind::media_ready)->media->srtp);
    EXPECT_EQ(net.received(u, "INVITE").at(0).header(sip::hdr::via)->transport, "TLS");

    auto held = alice.hold(net.now, *h, true);
    if (!udp_contact) {
      ASSERT_TRUE(held) << held.error().message();
      ASSERT_TRUE(net.run_until([&] { return net.has(a, Kind::media_updated); }));
      ASSERT_EQ(net.count(u, "INVITE"), 2u);
      const SipMessage reinvite = net.received(u, "INVITE").at(1);
      EXPECT_EQ(reinvite.header(sip::hdr::via)->transport, "TLS");
      EXPECT_TRUE(carries_keys(reinvite));
      continue;
    }
    ASSERT_FALSE(held) << "a re-offer with keys may not go over UDP";
    EXPECT_NE(held.error().context.find("cleartext over UDP"), std::string::npos) << held.error().context;
    net.run_for(2s);
    EXPECT_EQ(net.count(u, "INVITE"), 1u) << "no re-INVITE went out";
    EXPECT_FALSE(net.has(a, Kind::media_updated));
  }
}

struct TlsCaller {
  UserAgent bob{tls_and_udp("bob", 5071)};
  Network net;
  int b = net.add_ua("bob", bob);
  std::vector<SipMessage> responses;
  int c = net.add_script("carol", {LocalBinding{"TLS", "127.0.0.1", 5099}, LocalBinding{"UDP", "127.0.0.1", 5099}},
                         [this](Network&, int, Flow, const SipMessage& m) {
                           if (m.is_response()) responses.push_back(m);
                         });
  int n = 0;

  SipMessage request(sip::MethodId method, const std::string& transport, const std::string& to_tag = "") {
    SipMessage r = SipMessage::request(method, uri("sips:bob@127.0.0.1:5071"));
    ++n;
    (void)r.add_raw("Via", "SIP/2.0/" + transport + " 127.0.0.1:5099;branch=z9hG4bKcarol" + std::to_string(n));
    r.add(sip::hdr::max_forwards, std::uint8_t{70});
    (void)r.add_raw("From", "<sips:carol@127.0.0.1>;tag=carol");
    (void)r.add_raw("To", "<sips:bob@127.0.0.1>" + (to_tag.empty() ? std::string() : ";tag=" + to_tag));
    r.add(sip::hdr::call_id, std::string("carol-call"));
    r.add(sip::hdr::cseq, sip::CSeq{static_cast<std::uint32_t>(n), method});
    (void)r.add_raw("Contact", "<sips:carol@127.0.0.1:5099>");
    return r;
  }
  void with_offer(SipMessage& m, std::uint32_t seed) {
    m.add(sip::hdr::content_type, std::string("application/sdp"));
    m.set_body(negotiation::testing::offer_text(
        "RTP/SAVP", {negotiation::testing::crypto_line(1, srtp::SuiteId::AES_CM_128_HMAC_SHA1_80, static_cast<std::uint8_t>(seed))}));
  }
  const SipMessage* send_and_wait(const std::string& target, const SipMessage& req) {
    const std::size_t before = responses.size();
    net.send_to(c, uri(target), req);
    net.run_until([&] { return responses.size() > before && responses.back().status() >= 200; }, 5s);
    return responses.size() > before ? &responses.back() : nullptr;
  }
};

// A caller set the call up over TLS, then re-INVITEs over UDP with keys: refused with 488 and a Warning,
// no keys in return; the same re-INVITE over TLS is answered.
TEST(SdesPerFlow, AReinviteWithKeysOverUdpInATlsCallGets488) {
  TlsCaller f;
  SipMessage inv = f.request(sip::MethodId::invite, "TLS");
  f.with_offer(inv, 1);
  f.net.send_to(f.c, uri("sips:bob@127.0.0.1:5071"), inv);
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has(f.b, Kind::incoming_call); }));
  const CallHandle h = f.net.find(f.b, Kind::incoming_call)->call;
  ASSERT_TRUE(f.bob.answer(f.net.now, h));
  ASSERT_TRUE(f.net.run_until([&] { return !f.responses.empty() && f.responses.back().status() == 200; }));
  const std::string bob_tag(*f.responses.back().header(sip::hdr::to)->tag());
  SipMessage ack = f.request(sip::MethodId::ack, "TLS", bob_tag);
  ack.set(sip::hdr::cseq, sip::CSeq{inv.header(sip::hdr::cseq)->number, sip::MethodId::ack});
  f.net.send_to(f.c, uri("sips:bob@127.0.0.1:5071"), ack);
  ASSERT_TRUE(f.net.run_until([&] { return f.net.find_state(f.b, CallState::established) != nullptr; }));

  SipMessage over_udp = f.request(sip::MethodId::invite, "UDP", bob_tag);
  f.with_offer(over_udp, 2);
  const SipMessage* r = f.send_and_wait("sip:bob@127.0.0.1:5071", over_udp);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->status(), 488);
  EXPECT_FALSE(carries_keys(*r));
  const sip::Header* warning = r->find(sip::HeaderId::warning);
  ASSERT_NE(warning, nullptr);
  EXPECT_NE(warning->value.find("UDP"), std::string::npos) << warning->value;
  EXPECT_FALSE(f.net.has(f.b, Kind::media_updated));

  SipMessage over_tls = f.request(sip::MethodId::invite, "TLS", bob_tag);
  f.with_offer(over_tls, 3);
  r = f.send_and_wait("sips:bob@127.0.0.1:5071", over_tls);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->status(), 200);
  EXPECT_TRUE(carries_keys(*r));
}

}  // namespace
}  // namespace sotto::ua
