// A UserAgent facing scripted peers: a UAS that answers plain RTP to our SRTP-required offer (we ACK,
// BYE and report, never fail open), and a scripted caller sending OPTIONS, unknown methods, requests in
// unknown dialogs, and a baresip-style INVITE with an empty Supported header.
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

TEST(UaUac, RequireModeCallerByesWhenTheAnswerIsPlainRtp) {
  UserAgent alice(testing::config("alice", 5061));
  testing::ScriptedUas uas;
  uas.answer_sdp = testing::plain_answer;
  Network net;
  const int a = net.add_ua("alice", alice);
  net.add_script("uas", {LocalBinding{"TLS", "127.0.0.1", 5090}}, std::ref(uas));
  ASSERT_TRUE(alice.call(net.now, uri("sips:uas@127.0.0.1:5090"), CallOptions{"127.0.0.1", 40000, "IP4"}));
  ASSERT_TRUE(net.run_until([&] { return uas.byes == 1; }));
  EXPECT_EQ(uas.acks, 1);  // 13.2.2.4: the 2xx is ACKed before the BYE
  const UaEvent* f = net.find_state(a, CallState::failed);
  ASSERT_TRUE(f);
  EXPECT_EQ(f->status, 200);
  EXPECT_NE(f->reason.find("answered RTP/AVP to our RTP/SAVP offer"), std::string::npos) << f->reason;
  EXPECT_FALSE(net.has(a, Kind::media_ready));
  EXPECT_EQ(net.find_state(a, CallState::established), nullptr);
  EXPECT_EQ(net.find_state(a, CallState::terminated), nullptr);  // one final event: failed
}

// A scripted caller ("carol") at TLS 127.0.0.1:5099 sending to bob at 5071.
struct CallerFixture {
  UserAgent bob{testing::config("bob", 5071)};
  Network net;
  int b = net.add_ua("bob", bob);
  std::vector<SipMessage> responses;
  int c = net.add_script("carol", {LocalBinding{"TLS", "127.0.0.1", 5099}},
                         [this](Network&, int, Flow, const SipMessage& m) {
                           if (m.is_response()) responses.push_back(m);
                         });
  int n = 0;

  SipMessage request(sip::MethodId method, const std::string& to_tag = "", const std::string& call_id = "") {
    SipMessage r = SipMessage::request(method, uri("sips:bob@127.0.0.1:5071"));
    ++n;
    (void)r.add_raw("Via", "SIP/2.0/TLS 127.0.0.1:5099;branch=z9hG4bKcarol" + std::to_string(n));
    r.add(sip::hdr::max_forwards, std::uint8_t{70});
    (void)r.add_raw("From", "<sips:carol@127.0.0.1>;tag=carol");
    (void)r.add_raw("To", "<sips:bob@127.0.0.1>" + (to_tag.empty() ? std::string() : ";tag=" + to_tag));
    r.add(sip::hdr::call_id, call_id.empty() ? "carol-call-" + std::to_string(n) : call_id);
    r.add(sip::hdr::cseq, sip::CSeq{static_cast<std::uint32_t>(n), method});
    (void)r.add_raw("Contact", "<sips:carol@127.0.0.1:5099>");
    return r;
  }
  const SipMessage* send_and_wait(const SipMessage& req) {
    const std::size_t before = responses.size();
    net.send_to(c, uri("sips:bob@127.0.0.1:5071"), req);
    net.run_until([&] { return responses.size() > before && responses.back().status() >= 200; }, 5s);
    return responses.size() > before ? &responses.back() : nullptr;
  }
};

TEST(UaUas, OptionsAnswered200WithAllowAcceptSupported) {
  CallerFixture f;
  const SipMessage* r = f.send_and_wait(f.request(sip::MethodId::options));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status(), 200);
  EXPECT_EQ(r->count(sip::HeaderId::allow), 7u);  // ... INFO, NOTIFY
  EXPECT_EQ(r->count(sip::HeaderId::accept), 2u);
  EXPECT_EQ(*r->header(sip::hdr::supported), "path");
  EXPECT_TRUE(r->header(sip::hdr::to)->tag());
  EXPECT_EQ(*r->header(sip::hdr::server), "sotto");
}

TEST(UaUas, UnknownMethodGets405WithAllow) {
  CallerFixture f;
  const SipMessage* r = f.send_and_wait(f.request(sip::MethodId::message));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status(), 405);
  EXPECT_EQ(r->count(sip::HeaderId::allow), 7u);  // ... INFO, NOTIFY
}

TEST(UaUas, RequestsInUnknownDialogsGet481) {
  CallerFixture f;
  const SipMessage* r = f.send_and_wait(f.request(sip::MethodId::bye, "nosuchtag"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status(), 481);
  r = f.send_and_wait(f.request(sip::MethodId::info, "nosuchtag"));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status(), 481);
  r = f.send_and_wait(f.request(sip::MethodId::cancel));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status(), 481);
}

TEST(UaUas, BaresipStyleInviteWithEmptySupportedIsAnswered) {
  CallerFixture f;
  SipMessage inv = f.request(sip::MethodId::invite);
  (void)inv.add_raw("Supported", "");
  inv.add(sip::hdr::content_type, std::string("application/sdp"));
  inv.set_body(negotiation::testing::offer_text(
      "RTP/SAVP", {negotiation::testing::crypto_line(1, srtp::SuiteId::AES_CM_128_HMAC_SHA1_80)}));
  f.net.send_to(f.c, uri("sips:bob@127.0.0.1:5071"), inv);
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has(f.b, Kind::incoming_call); }));
  ASSERT_TRUE(f.bob.answer(f.net.now, f.net.find(f.b, Kind::incoming_call)->call));
  ASSERT_TRUE(f.net.run_until([&] { return !f.responses.empty() && f.responses.back().status() == 200; }));
  const UaEvent* m = f.net.find(f.b, Kind::media_ready);
  ASSERT_TRUE(m && m->media);
  EXPECT_TRUE(m->media->srtp);
  EXPECT_EQ(m->media->stream.remote_port, 30000);
  EXPECT_EQ(f.responses.front().status(), 180);
  // Without an ACK the UAS keeps sending the 200 (13.3.1.4).
  f.net.run_for(2s);
  EXPECT_GE(f.responses.size(), 3u);
}

TEST(UaUas, InviteRequiringAnExtensionGets420) {
  CallerFixture f;
  SipMessage inv = f.request(sip::MethodId::invite);
  (void)inv.add_raw("Require", "100rel");
  const SipMessage* r = f.send_and_wait(inv);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status(), 420);
  EXPECT_EQ(*r->header(sip::hdr::unsupported), "100rel");
  EXPECT_FALSE(f.net.has(f.b, Kind::incoming_call));
}

TEST(UaUas, InviteWithoutOfferIsRefusedWithAWarning) {
  CallerFixture f;
  const SipMessage* r = f.send_and_wait(f.request(sip::MethodId::invite));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status(), 488);
  EXPECT_NE(r->find(sip::HeaderId::warning)->value.find("without an SDP offer"), std::string::npos);
}

TEST(UaUas, TransportErrorOnTheDialogFlowFallsBackToTheRemoteTarget) {
  // bob's BYE goes down the connection the INVITE came on; once that is gone, to the Contact.
  CallerFixture f;
  SipMessage inv = f.request(sip::MethodId::invite);
  inv.add(sip::hdr::content_type, std::string("application/sdp"));
  inv.set_body(negotiation::testing::offer_text(
      "RTP/SAVP", {negotiation::testing::crypto_line(1, srtp::SuiteId::AES_CM_128_HMAC_SHA1_80)}));
  f.net.send_to(f.c, uri("sips:bob@127.0.0.1:5071"), inv);
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has(f.b, Kind::incoming_call); }));
  const CallHandle h = f.net.find(f.b, Kind::incoming_call)->call;
  ASSERT_TRUE(f.bob.answer(f.net.now, h));
  ASSERT_TRUE(f.net.run_until([&] { return !f.responses.empty() && f.responses.back().status() == 200; }));
  SipMessage ack = f.request(sip::MethodId::ack, std::string(*f.responses.back().header(sip::hdr::to)->tag()),
                             *inv.header(sip::hdr::call_id));
  ack.set(sip::hdr::cseq, sip::CSeq{inv.header(sip::hdr::cseq)->number, sip::MethodId::ack});
  f.net.send_to(f.c, uri("sips:bob@127.0.0.1:5071"), ack);
  ASSERT_TRUE(f.net.run_until([&] { return f.net.find_state(f.b, CallState::established) != nullptr; }));
  const Flow dialog_flow = *f.bob.find_call(h)->flow;
  f.bob.handle_transport_error(f.net.now, dialog_flow);
  EXPECT_FALSE(f.bob.find_call(h)->flow.has_value());
  ASSERT_TRUE(f.bob.hangup(f.net.now, h));
  auto t = f.bob.poll_transmit();
  ASSERT_TRUE(t);
  ASSERT_TRUE(t->target);
  EXPECT_EQ(sip::serialize(*t->target), "sips:carol@127.0.0.1:5099");
  EXPECT_EQ(t->message.method(), sip::MethodId::bye);
}

TEST(UaUas, RecordRouteIsCopiedInOrderInto180And200) {
  // RFC 3261 12.1.1: without it the caller has no route set and its ACK/BYE bypass the proxy
  // (Kamailio then drops the ACK: found against Kamailio 5.6, tests/interop/registrar_interop_test.py).
  CallerFixture f;
  SipMessage inv = f.request(sip::MethodId::invite);
  (void)inv.add_raw("Record-Route", "<sips:p2.example.test;lr>, <sips:p1.example.test;lr;ftag=x>");
  inv.add(sip::hdr::content_type, std::string("application/sdp"));
  inv.set_body(negotiation::testing::offer_text(
      "RTP/SAVP", {negotiation::testing::crypto_line(1, srtp::SuiteId::AES_CM_128_HMAC_SHA1_80)}));
  f.net.send_to(f.c, uri("sips:bob@127.0.0.1:5071"), inv);
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has(f.b, Kind::incoming_call); }));
  ASSERT_TRUE(f.bob.answer(f.net.now, f.net.find(f.b, Kind::incoming_call)->call));
  ASSERT_TRUE(f.net.run_until([&] { return !f.responses.empty() && f.responses.back().status() == 200; }));
  for (const SipMessage& r : f.responses) {
    auto rr = r.all(sip::hdr::record_route);
    ASSERT_TRUE(rr);
    ASSERT_EQ(rr->size(), 2u) << r.status();
    EXPECT_EQ(sip::serialize((*rr)[0].uri), "sips:p2.example.test;lr");
    EXPECT_EQ(sip::serialize((*rr)[1].uri), "sips:p1.example.test;lr;ftag=x");
  }
}

}  // namespace
}  // namespace sotto::ua
