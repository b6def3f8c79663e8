// Early media (183 with SDP) and late offer (INVITE without SDP) through the B2BUA, with scripted
// peers whose SDP comes from the real negotiator.
#include <gtest/gtest.h>

#include <algorithm>

#include "base/testing/deterministic_random.hpp"
#include "core/b2bua/testing_b2bua.hpp"
#include "core/negotiation/answerer.hpp"
#include "core/negotiation/negotiated_session.hpp"
#include "core/negotiation/offerer.hpp"
#include "core/sdp/sdp.hpp"
#include "core/ua/call.hpp"

namespace sotto::b2bua {
namespace {

using testing::uri;
using Kind = ua::UaEvent::Kind;
using ua::CallState;
using sip::SipMessage;
using namespace std::chrono_literals;

B2buaConfig server_config() {
  B2buaConfig c;
  c.domains = {"localhost"};
  c.bindings = {ua::LocalBinding{"TLS", "127.0.0.1", 5061}};
  return c;
}

// What a sotto phone with default settings answers over TLS (fresh keys each call).
std::string answer_for(const std::string& offer, std::uint16_t rtp_port) {
  auto parsed = sdp::parse_sdp(offer);
  EXPECT_TRUE(parsed) << offer;
  if (!parsed) return {};
  const ua::UaConfig cfg = testing::phone("peer", 5090);
  auto caps = ua::local_caps(cfg, ua::CallOptions{"127.0.0.1", rtp_port, "IP4"}, "77", sdp::Direction::sendrecv);
  auto out = negotiation::make_answer(*parsed, caps, cfg.media_policy, negotiation::SignallingContext::tls());
  EXPECT_TRUE(out && std::holds_alternative<negotiation::Answer>(*out));
  if (!out || !std::holds_alternative<negotiation::Answer>(*out)) return {};
  return sdp::serialize(std::get<negotiation::Answer>(*out).sdp);
}

SipMessage reply(const SipMessage& req, int status, const std::string& reason, const std::string& tag) {
  auto r = sip::make_response(req, status, reason, status == 100 ? "" : tag);
  EXPECT_TRUE(r);
  return r ? *r : SipMessage{};
}

// A callee that answers 183 with SDP (early media), then 200 with the same SDP when told to.
struct EarlyMediaCallee {
  std::optional<SipMessage> invite;
  std::optional<Flow> flow;
  std::string sdp;
  int acks = 0;
  int byes = 0;
  void operator()(testing::Net& net, int node, Flow f, const SipMessage& msg) {
    if (!msg.is_request()) return;
    if (msg.method() == sip::MethodId::ack) {
      ++acks;
      return;
    }
    if (msg.method() == sip::MethodId::invite) {
      invite = msg;
      flow = f;
      sdp = answer_for(msg.body(), 36000);
      SipMessage early = reply(msg, 183, "Session Progress", "calleetag");
      early.add(sip::hdr::contact, *sip::parse_contact("<sips:bob@127.0.0.1:5072>"));
      early.add(sip::hdr::content_type, std::string("application/sdp"));
      early.set_body(sdp);
      net.send(node, f, early);
      return;
    }
    if (msg.method() == sip::MethodId::bye) ++byes;
    net.send(node, f, reply(msg, 200, "OK", "calleetag"));
  }
  void answer(testing::Net& net, int node) {
    SipMessage ok = reply(*invite, 200, "OK", "calleetag");
    ok.add(sip::hdr::contact, *sip::parse_contact("<sips:bob@127.0.0.1:5072>"));
    ok.add(sip::hdr::content_type, std::string("application/sdp"));
    ok.set_body(sdp);
    net.send(node, *flow, ok);
  }
};

TEST(B2buaOffer, EarlyMediaFromTheCalleeReachesTheCallerWithItsOwnKeysAndThe200RepeatsIt) {
  sotto::testing::DeterministicRandom rng{3};
  testing::FakeLocations locations;
  testing::FakeAuthenticator auth;
  testing::FakeAnchor anchor;
  testing::FakePolicies policies;
  B2bua server(server_config(), locations, auth, anchor, policies, rng);
  ua::UserAgent alice(testing::phone("alice", 5071));
  EarlyMediaCallee callee;
  testing::Net net;
  net.attach(server);
  const int a = net.add_phone("alice", alice);
  const int b = net.add_script("bob", {ua::LocalBinding{"TLS", "127.0.0.1", 5072}}, std::ref(callee));
  auth.passwords = {{"alice", "pw-alice"}};
  policies.users["alice"] = UserPolicy{};
  policies.users["bob"] = UserPolicy{};
  registrar::Binding bind;
  bind.user = "bob";
  bind.contact = uri("sips:bob@127.0.0.1:6072");
  bind.flow = net.connect(b, "TLS");
  locations.bindings["bob"].push_back(bind);

  auto h = alice.call(net.now, uri("sips:bob@localhost"), ua::CallOptions{"127.0.0.1", 41000, "IP4"});
  ASSERT_TRUE(h);
  ASSERT_TRUE(net.run_until([&] { return net.count(a, "183") == 1; }));
  const SipMessage early = net.received(a, "183").front();
  ASSERT_FALSE(early.body().empty());
  // The relay has both legs already (early media flows), with different keys per leg.
  ASSERT_EQ(anchor.on(relay::Side::a).size(), 1u);
  ASSERT_EQ(anchor.on(relay::Side::b).size(), 1u);
  EXPECT_FALSE(negotiation::same_key(*anchor.on(relay::Side::a)[0].media.local_key,
                                     *anchor.on(relay::Side::b)[0].media.local_key));
  EXPECT_EQ(anchor.on(relay::Side::b)[0].media.remote_rtp_port, 36000);
  EXPECT_EQ(early.body().find(callee.sdp), std::string::npos);  // not the callee's SDP: ours for leg A
  EXPECT_NE(early.body().find("m=audio " + std::to_string(anchor.local(1, relay::Side::a).rtp_port)), std::string::npos);

  callee.answer(net, b);
  ASSERT_TRUE(net.run_until([&] { return net.has_state(a, CallState::established); }));
  const SipMessage ok = net.received(a, "200").front();
  EXPECT_EQ(ok.body(), early.body());  // the 200 repeats the early answer
  EXPECT_EQ(callee.acks, 1);
  // Leg B's keys did not change between 183 and 200: the relay keeps the context.
  auto lb = anchor.on(relay::Side::b);
  ASSERT_EQ(lb.size(), 2u);
  EXPECT_TRUE(negotiation::same_key(*lb[0].media.local_key, *lb[1].media.local_key));
  EXPECT_TRUE(negotiation::same_key(*lb[0].media.remote_key, *lb[1].media.remote_key));
  EXPECT_EQ(anchor.on(relay::Side::a).size(), 1u);
}

TEST(B2buaOffer, ACallCancelledDuringEarlyMediaRecordsTheCalleeLegsMediaAndStats) {
  sotto::testing::DeterministicRandom rng{4};
  testing::FakeLocations locations;
  testing::FakeAuthenticator auth;
  testing::FakeAnchor anchor;
  testing::FakePolicies policies;
  B2bua server(server_config(), locations, auth, anchor, policies, rng);
  ua::UserAgent alice(testing::phone("alice", 5071));
  EarlyMediaCallee callee;
  testing::Net net;
  net.attach(server);
  const int a = net.add_phone("alice", alice);
  const int b = net.add_script("bob", {ua::LocalBinding{"TLS", "127.0.0.1", 5072}}, std::ref(callee));
  auth.passwords = {{"alice", "pw-alice"}};
  policies.users["alice"] = UserPolicy{};
  policies.users["bob"] = UserPolicy{};
  registrar::Binding bind;
  bind.user = "bob";
  bind.contact = uri("sips:bob@127.0.0.1:6072");
  bind.flow = net.connect(b, "TLS");
  locations.bindings["bob"].push_back(bind);

  auto h = alice.call(net.now, uri("sips:bob@localhost"), ua::CallOptions{"127.0.0.1", 41000, "IP4"});
  ASSERT_TRUE(h);
  ASSERT_TRUE(net.run_until([&] { return net.count(a, "183") == 1; }));
  ASSERT_TRUE(alice.hangup(net.now, *h));  // CANCEL during early media: no 200 ever
  ASSERT_TRUE(net.run_until([&] { return net.server_event(B2buaEvent::Kind::call_ended) != nullptr; }));
  const CallRecord& rec = net.server_event(B2buaEvent::Kind::call_ended)->record;
  EXPECT_EQ(rec.result, CallResult::cancelled);
  EXPECT_EQ(rec.status, 487);
  ASSERT_EQ(rec.legs.size(), 2u);
  // The callee leg was relayed (its early media reached the caller): the record says how it was secured.
  const LegRecord& lb = rec.legs[1];
  EXPECT_TRUE(lb.media_negotiated);
  ASSERT_TRUE(lb.srtp_suite.has_value());
  EXPECT_EQ(lb.user, "bob");
  EXPECT_EQ(lb.uri, "sips:bob@127.0.0.1:6072");
  EXPECT_TRUE(rec.legs[0].media_negotiated && rec.legs[0].srtp_suite.has_value());
}

TEST(B2buaOffer, CalleeAnswering200WithoutSrtpUnderRequireGets503Cause88AndBye) {
  sotto::testing::DeterministicRandom rng{4};
  testing::FakeLocations locations;
  testing::FakeAuthenticator auth;
  testing::FakeAnchor anchor;
  testing::FakePolicies policies;
  B2bua server(server_config(), locations, auth, anchor, policies, rng);
  ua::UserAgent alice(testing::phone("alice", 5071));
  int byes = 0;
  int acks = 0;
  // A broken callee: answers our RTP/SAVP offer with plain RTP/AVP.
  auto callee = [&](testing::Net& net, int node, Flow f, const SipMessage& msg) {
    if (!msg.is_request()) return;
    if (msg.method() == sip::MethodId::ack) {
      ++acks;
      return;
    }
    if (msg.method() == sip::MethodId::bye) ++byes;
    SipMessage ok = reply(msg, 200, "OK", "calleetag");
    if (msg.method() == sip::MethodId::invite) {
      ok.add(sip::hdr::contact, *sip::parse_contact("<sips:bob@127.0.0.1:5072>"));
      ok.add(sip::hdr::content_type, std::string("application/sdp"));
      ok.set_body("v=0\r\no=bob 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                  "m=audio 36000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n");
    }
    net.send(node, f, ok);
  };
  testing::Net net;
  net.attach(server);
  const int a = net.add_phone("alice", alice);
  const int b = net.add_script("bob", {ua::LocalBinding{"TLS", "127.0.0.1", 5072}}, callee);
  auth.passwords = {{"alice", "pw-alice"}};
  policies.users["alice"] = UserPolicy{};
  policies.users["bob"] = UserPolicy{};
  registrar::Binding bind;
  bind.user = "bob";
  bind.contact = uri("sips:bob@127.0.0.1:6072");
  bind.flow = net.connect(b, "TLS");
  locations.bindings["bob"].push_back(bind);
  ASSERT_TRUE(alice.call(net.now, uri("sips:bob@localhost"), ua::CallOptions{"127.0.0.1", 41000, "IP4"}));
  ASSERT_TRUE(net.run_until([&] { return net.has_state(a, CallState::failed) && byes == 1; }));
  EXPECT_EQ(net.find_state(a, CallState::failed)->status, 503);
  auto r503 = net.received(a, "503");
  ASSERT_EQ(r503.size(), 1u);
  ASSERT_TRUE(r503[0].find("Reason"));
  EXPECT_EQ(r503[0].find("Reason")->value, "Q.850;cause=88;text=\"Incompatible destination\"");
  EXPECT_EQ(acks, 1);  // the 2xx was ACKed (13.2.2.4), then ended with BYE
  const B2buaEvent* ended = net.server_event(B2buaEvent::Kind::call_ended);
  ASSERT_TRUE(ended);
  EXPECT_EQ(ended->record.result, CallResult::failed);
  EXPECT_TRUE(anchor.on(relay::Side::a).empty());  // no media was ever set for the caller
}

// A caller that sends an INVITE without SDP and answers the offer in each 200 with its ACK.
struct LateOfferCaller {
  std::optional<SipMessage> ok;
  std::vector<SipMessage> oks;
  std::string answer;
  bool send_bad_answer = false;
  std::vector<std::uint32_t> offered;  // CSeq numbers of INVITEs we sent with an offer: plain ACK
  void operator()(testing::Net& net, int node, Flow f, const SipMessage& msg) {
    if (msg.is_request()) {
      if (msg.method() != sip::MethodId::ack) net.send(node, f, reply(msg, 200, "OK", ""));
      return;
    }
    auto cseq = msg.header(sip::hdr::cseq);
    if (msg.status() != 200 || !cseq || cseq->method != sip::MethodId::invite) return;
    for (const auto& seen : oks) {
      if (seen.header(sip::hdr::cseq)->number == cseq->number) return;  // a retransmission: ACKed already
    }
    oks.push_back(msg);
    if (!ok) ok = msg;
    const bool we_offered = std::find(offered.begin(), offered.end(), cseq->number) != offered.end();
    if (we_offered) answer.clear();
    else answer = send_bad_answer ? std::string("v=0\r\no=x 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                                           "m=audio 42000 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\n")
                             : answer_for(msg.body(), 42000);
    SipMessage ack = SipMessage::request(sip::MethodId::ack, msg.header(sip::hdr::contact)->address.uri);
    ack.add(sip::hdr::via, *sip::parse_via("SIP/2.0/TLS 127.0.0.1:5071;branch=z9hG4bKlateack"));
    ack.add(sip::hdr::max_forwards, std::uint8_t{70});
    ack.add(sip::hdr::from, *msg.header(sip::hdr::from));
    ack.add(sip::hdr::to, *msg.header(sip::hdr::to));
    ack.add(sip::hdr::call_id, *msg.header(sip::hdr::call_id));
    ack.add(sip::hdr::cseq, sip::CSeq{cseq->number, sip::MethodId::ack});
    if (!we_offered) {
      ack.add(sip::hdr::content_type, std::string("application/sdp"));
      ack.set_body(answer);
    }
    net.send(node, f, ack);
  }
};

SipMessage offerless_invite() {
  SipMessage inv = SipMessage::request(sip::MethodId::invite, uri("sips:bob@localhost"));
  inv.add(sip::hdr::via, *sip::parse_via("SIP/2.0/TLS 127.0.0.1:5071;branch=z9hG4bKlate1"));
  inv.add(sip::hdr::max_forwards, std::uint8_t{70});
  inv.add(sip::hdr::from, *sip::parse_name_addr("<sips:alice@localhost>;tag=late", "From"));
  inv.add(sip::hdr::to, *sip::parse_name_addr("<sips:bob@localhost>", "To"));
  inv.add(sip::hdr::call_id, std::string("late-offer-call"));
  inv.add(sip::hdr::cseq, sip::CSeq{1, sip::MethodId::invite});
  inv.add(sip::hdr::contact, *sip::parse_contact("<sips:alice@127.0.0.1:5071>"));
  return inv;
}

struct LateOffer : ::testing::Test {
  sotto::testing::DeterministicRandom rng{9};
  testing::FakeLocations locations;
  testing::FakeAuthenticator auth;
  testing::FakeAnchor anchor;
  testing::FakePolicies policies;
  B2bua server{server_config(), locations, auth, anchor, policies, rng};
  ua::UaConfig bob_cfg = [] {
    ua::UaConfig c = testing::phone("bob", 5072);
    c.auto_answer = true;
    return c;
  }();
  ua::UserAgent bob{bob_cfg};
  LateOfferCaller caller;
  testing::Net net;
  int a = 0;
  int b = 0;

  void SetUp() override {
    net.attach(server);
    a = net.add_script("alice", {ua::LocalBinding{"TLS", "127.0.0.1", 5071}}, std::ref(caller));
    b = net.add_phone("bob", bob);
    auth.trusted = {"alice"};
    policies.users["alice"] = UserPolicy{};
    policies.users["bob"] = UserPolicy{};
    registrar::Binding bind;
    bind.user = "bob";
    bind.contact = uri("sips:bob@127.0.0.1:6072");
    bind.flow = net.connect(b, "TLS");
    locations.bindings["bob"].push_back(bind);
  }
};

TEST_F(LateOffer, TheCalleeGetsOurOfferTheCallerGetsAnOfferIn200AndAnswersInAck) {
  net.send(a, net.flow_to_server(a, "TLS"), offerless_invite());
  ASSERT_TRUE(net.run_until([&] { return net.has_state(b, CallState::established) && anchor.on(relay::Side::a).size() == 1; }));
  // bob got an offer from us (SRTP, default codecs with telephone-event) and answered it.
  auto invites = net.received(b, "INVITE");
  ASSERT_EQ(invites.size(), 1u);
  EXPECT_NE(invites[0].body().find("RTP/SAVP"), std::string::npos);
  EXPECT_NE(invites[0].body().find("telephone-event/8000"), std::string::npos);
  // The caller's 200 carried our offer for leg A; its ACK's answer set the relay's side a.
  ASSERT_TRUE(caller.ok);
  EXPECT_NE(caller.ok->body().find("a=crypto:1 "), std::string::npos);
  auto la = anchor.on(relay::Side::a);
  ASSERT_TRUE(la[0].media.local_key && la[0].media.remote_key);
  EXPECT_EQ(la[0].media.remote_rtp_port, 42000);
  auto lb = anchor.on(relay::Side::b);
  ASSERT_EQ(lb.size(), 1u);
  EXPECT_FALSE(negotiation::same_key(*la[0].media.local_key, *lb[0].media.local_key));
  EXPECT_EQ(net.server_event(B2buaEvent::Kind::call_ended), nullptr);
}

TEST_F(LateOffer, AnAckWithoutSrtpUnderRequireEndsTheCallWithByeOnBothLegs) {
  caller.send_bad_answer = true;
  net.send(a, net.flow_to_server(a, "TLS"), offerless_invite());
  ASSERT_TRUE(net.run_until([&] { return net.has_state(b, CallState::terminated); }));
  EXPECT_EQ(net.count(b, "BYE"), 1u);
  ASSERT_TRUE(net.run_until([&] { return net.count(a, "BYE") == 1; }));
  const B2buaEvent* ended = net.server_event(B2buaEvent::Kind::call_ended);
  ASSERT_TRUE(ended);
  EXPECT_EQ(ended->record.result, CallResult::failed);
  EXPECT_NE(ended->record.reason.find("caller's answer"), std::string::npos) << ended->record.reason;
  EXPECT_TRUE(anchor.on(relay::Side::a).empty());
}

TEST_F(LateOffer, ReinviteWithoutOfferGetsOurOfferIn200WithOurKeysKept) {
  net.send(a, net.flow_to_server(a, "TLS"), offerless_invite());
  ASSERT_TRUE(net.run_until([&] { return anchor.on(relay::Side::a).size() == 1; }));
  const relay::LegMedia first = anchor.on(relay::Side::a)[0].media;
  // The caller refreshes the session with an offerless re-INVITE in the dialog.
  const SipMessage& ok = *caller.ok;
  SipMessage re = SipMessage::request(sip::MethodId::invite, ok.header(sip::hdr::contact)->address.uri);
  re.add(sip::hdr::via, *sip::parse_via("SIP/2.0/TLS 127.0.0.1:5071;branch=z9hG4bKlate2"));
  re.add(sip::hdr::max_forwards, std::uint8_t{70});
  re.add(sip::hdr::from, *ok.header(sip::hdr::from));
  re.add(sip::hdr::to, *ok.header(sip::hdr::to));
  re.add(sip::hdr::call_id, *ok.header(sip::hdr::call_id));
  re.add(sip::hdr::cseq, sip::CSeq{2, sip::MethodId::invite});
  re.add(sip::hdr::contact, *sip::parse_contact("<sips:alice@127.0.0.1:5071>"));
  net.send(a, net.flow_to_server(a, "TLS"), re);
  ASSERT_TRUE(net.run_until([&] { return anchor.on(relay::Side::a).size() == 2; }));
  ASSERT_EQ(caller.oks.size(), 2u);
  const relay::LegMedia second = anchor.on(relay::Side::a)[1].media;
  ASSERT_TRUE(second.local_key && second.remote_key);
  EXPECT_TRUE(negotiation::same_key(*first.local_key, *second.local_key));     // ours kept
  EXPECT_FALSE(negotiation::same_key(*first.remote_key, *second.remote_key));  // the caller answered new keys
  EXPECT_EQ(net.count(b, "INVITE"), 1u);  // the callee's leg is not involved
  EXPECT_EQ(net.server_event(B2buaEvent::Kind::call_ended), nullptr);
}

TEST_F(LateOffer, CallerRekeyingInAReinviteChangesOnlyItsOwnLeg) {
  net.send(a, net.flow_to_server(a, "TLS"), offerless_invite());
  ASSERT_TRUE(net.run_until([&] { return anchor.on(relay::Side::a).size() == 1 && net.has_state(b, CallState::established); }));
  const relay::LegMedia a1 = anchor.on(relay::Side::a)[0].media;
  const relay::LegMedia b1 = anchor.on(relay::Side::b)[0].media;
  // The caller re-INVITEs with a fresh offer: new keys of its own (RFC 4568 7.1.4).
  const ua::UaConfig cfg = testing::phone("alice", 5071);
  auto offer = negotiation::make_offer(ua::local_caps(cfg, ua::CallOptions{"127.0.0.1", 42000, "IP4"}, "55", sdp::Direction::sendrecv),
                                       cfg.media_policy, negotiation::SignallingContext::tls());
  ASSERT_TRUE(offer);
  const SipMessage& ok = *caller.ok;
  SipMessage re = SipMessage::request(sip::MethodId::invite, ok.header(sip::hdr::contact)->address.uri);
  re.add(sip::hdr::via, *sip::parse_via("SIP/2.0/TLS 127.0.0.1:5071;branch=z9hG4bKrekey"));
  re.add(sip::hdr::max_forwards, std::uint8_t{70});
  re.add(sip::hdr::from, *ok.header(sip::hdr::from));
  re.add(sip::hdr::to, *ok.header(sip::hdr::to));
  re.add(sip::hdr::call_id, *ok.header(sip::hdr::call_id));
  re.add(sip::hdr::cseq, sip::CSeq{2, sip::MethodId::invite});
  re.add(sip::hdr::contact, *sip::parse_contact("<sips:alice@127.0.0.1:5071>"));
  re.add(sip::hdr::content_type, std::string("application/sdp"));
  re.set_body(sdp::serialize(offer->sdp));
  caller.offered.push_back(2);
  net.send(a, net.flow_to_server(a, "TLS"), re);
  ASSERT_TRUE(net.run_until([&] { return anchor.on(relay::Side::a).size() == 2 && caller.oks.size() == 2; }));
  // bob was re-offered his leg's keys unchanged; his answer kept his: side b continues as it was.
  ASSERT_EQ(net.count(b, "INVITE"), 2u);
  const relay::LegMedia b2 = anchor.on(relay::Side::b)[1].media;
  EXPECT_TRUE(negotiation::same_key(*b1.local_key, *b2.local_key));
  EXPECT_TRUE(negotiation::same_key(*b1.remote_key, *b2.remote_key));
  // The caller's side changed both ways: its new key, and a fresh one of ours in answer.
  const relay::LegMedia a2 = anchor.on(relay::Side::a)[1].media;
  EXPECT_FALSE(negotiation::same_key(*a1.remote_key, *a2.remote_key));
  EXPECT_FALSE(negotiation::same_key(*a1.local_key, *a2.local_key));
  EXPECT_EQ(a2.remote_rtp_port, 42000);
  EXPECT_EQ(net.server_event(B2buaEvent::Kind::call_ended), nullptr);
}

// Regression (fuzz_b2bua_message): an offer whose m= line is mangled ("k=audio ...") has no stream.
TEST_F(LateOffer, CallerOfferWithoutAnAudioStreamGets488AndNobodyRings) {
  SipMessage inv = offerless_invite();
  inv.add(sip::hdr::content_type, std::string("application/sdp"));
  inv.set_body("v=0\r\no=alice 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
               "k=audio 41000 RTP/SAVP 0 101\r\na=rtpmap:0 PCMU/8000\r\n");
  net.send(a, net.flow_to_server(a, "TLS"), inv);
  ASSERT_TRUE(net.run_until([&] { return net.count(a, "488") == 1; }));
  const SipMessage r = net.received(a, "488").front();
  ASSERT_TRUE(r.find(sip::HeaderId::warning));
  EXPECT_EQ(r.find(sip::HeaderId::warning)->value, "305 sotto \"no RTP audio stream offered\"");
  EXPECT_EQ(net.count(b, "INVITE"), 0u);
  EXPECT_TRUE(anchor.opened.empty());
}

}  // namespace
}  // namespace sotto::b2bua
