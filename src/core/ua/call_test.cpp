// Two UserAgents back to back over the fake network: calls over TLS with SRTP, the 488 paths, CANCEL,
// BYE both ways, hold/resume keeping keys, INFO DTMF.
#include <gtest/gtest.h>

#include "core/negotiation/testing_negotiation.hpp"
#include "core/ua/dtmf_relay.hpp"
#include "core/ua/testing_ua.hpp"

namespace sotto::ua {
namespace {

using testing::Network;
using testing::uri;
using Kind = UaEvent::Kind;
using sip::SipMessage;
using namespace std::chrono_literals;

struct Pair {
  UserAgent alice;
  UserAgent bob;
  Network net;
  int a = 0;
  int b = 0;
  CallHandle call = 0;

  explicit Pair(UaConfig alice_cfg = testing::config("alice", 5061), UaConfig bob_cfg = testing::config("bob", 5071))
      : alice(std::move(alice_cfg)), bob(std::move(bob_cfg)) {
    a = net.add_ua("alice", alice);
    b = net.add_ua("bob", bob);
  }

  std::string bob_uri() const {
    const auto& bind = bob.config().bindings.front();
    if (bind.transport == "TLS") return "sips:bob@127.0.0.1:" + std::to_string(bind.port);
    return "sip:bob@127.0.0.1:" + std::to_string(bind.port) + ";transport=" + (bind.transport == "UDP" ? "udp" : "tcp");
  }

  void dial() {
    auto h = alice.call(net.now, uri(bob_uri()), CallOptions{"127.0.0.1", 40000, "IP4"});
    ASSERT_TRUE(h) << h.error().message();
    call = *h;
  }

  // alice calls, bob answers: both have media_ready and established.
  void establish() {
    dial();
    ASSERT_TRUE(net.run_until([&] { return net.has(b, Kind::incoming_call); }));
    const UaEvent* in = net.find(b, Kind::incoming_call);
    ASSERT_TRUE(bob.answer(net.now, in->call));
    ASSERT_TRUE(net.run_until([&] {
      return net.find_state(a, CallState::established) && net.find_state(b, CallState::established);
    }));
  }
  CallHandle bob_call() const { return net.find(b, Kind::incoming_call)->call; }
};

TEST(UaCall, SecureCallAliceToBobWithSrtpRequireKeysWorkBothWays) {
  Pair p;
  p.establish();
  const UaEvent* in = p.net.find(p.b, Kind::incoming_call);
  EXPECT_TRUE(in->secure);
  EXPECT_EQ(in->from.uri.user, "alice");
  EXPECT_TRUE(p.net.find_state(p.a, CallState::ringing));

  const UaEvent* am = p.net.find(p.a, Kind::media_ready);
  const UaEvent* bm = p.net.find(p.b, Kind::media_ready);
  ASSERT_TRUE(am && bm && am->media && bm->media);
  EXPECT_TRUE(am->media->srtp);
  EXPECT_TRUE(bm->media->srtp);
  EXPECT_EQ(am->media->suite, "AES_CM_128_HMAC_SHA1_80");
  EXPECT_EQ(sdp::primary_codec(am->media->stream)->encoding, "PCMU");
  EXPECT_EQ(sdp::primary_codec(am->media->stream)->payload_type, 0);
  EXPECT_EQ(am->media->stream.telephone_event_pt, std::optional<std::uint8_t>(101));  // default_codecs()
  EXPECT_EQ(am->media->stream.remote_port, 5071 + 30000);
  EXPECT_EQ(bm->media->stream.remote_port, 40000);
  EXPECT_EQ(bm->media->stream.remote_address, "127.0.0.1");
  EXPECT_TRUE(negotiation::testing::media_flows(am->media->tx, bm->media->rx));
  EXPECT_TRUE(negotiation::testing::media_flows(bm->media->tx, am->media->rx));

  // What went on the wire (RFC 3261 8.1.1, RFC 3581).
  auto invites = p.net.received(p.b, "INVITE");
  ASSERT_EQ(invites.size(), 1u);
  const SipMessage& inv = invites[0];
  auto via = inv.header(sip::hdr::via);
  ASSERT_TRUE(via);
  EXPECT_TRUE(via->has_rfc3261_branch());
  EXPECT_EQ(via->transport, "TLS");
  EXPECT_FALSE(via->has_rport());  // rport only on UDP
  EXPECT_EQ(*inv.header(sip::hdr::max_forwards), 70);
  EXPECT_EQ(*inv.header(sip::hdr::supported), "path");
  EXPECT_EQ(*inv.header(sip::hdr::user_agent), "sotto");
  EXPECT_EQ(inv.count(sip::HeaderId::allow), 7u);  // INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, NOTIFY
  EXPECT_EQ(inv.header(sip::hdr::contact)->address.uri.scheme, sip::UriScheme::sips);
  EXPECT_NE(inv.body().find("RTP/SAVP"), std::string::npos);
  EXPECT_EQ(p.net.count(p.b, "ACK"), 1u);
}

TEST(UaCall, NoCommonSuiteGives488WithWarningAndCallerFails) {
  UaConfig ac = testing::config("alice", 5061);
  ac.media_policy.suites = {srtp::SuiteId::AES_CM_128_HMAC_SHA1_32};
  UaConfig bc = testing::config("bob", 5071);
  bc.media_policy.suites = {srtp::SuiteId::AEAD_AES_256_GCM};
  Pair p(ac, bc);
  p.dial();
  ASSERT_TRUE(p.net.run_until([&] { return p.net.find_state(p.a, CallState::failed) != nullptr; }));
  const UaEvent* f = p.net.find_state(p.a, CallState::failed);
  EXPECT_EQ(f->status, 488);
  EXPECT_EQ(f->reason, "Not Acceptable Here");
  EXPECT_EQ(f->warning,
            "no common SRTP crypto suite: offered AES_CM_128_HMAC_SHA1_32; allowed AEAD_AES_256_GCM");
  auto rejected = p.net.received(p.a, "488");
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_NE(rejected[0].find(sip::HeaderId::warning)->value.find("305 sotto \"no common SRTP crypto suite"),
            std::string::npos);
  const UaEvent* bf = p.net.find_state(p.b, CallState::failed);
  ASSERT_TRUE(bf);
  EXPECT_EQ(bf->status, 488);
  EXPECT_FALSE(p.net.has(p.a, Kind::media_ready));
}

TEST(UaCall, CallerHangsUpConfirmedCall) {
  Pair p;
  p.establish();
  ASSERT_TRUE(p.alice.hangup(p.net.now, p.call));
  ASSERT_TRUE(p.net.run_until([&] {
    return p.net.find_state(p.a, CallState::terminated) && p.net.find_state(p.b, CallState::terminated);
  }));
  EXPECT_EQ(p.net.find_state(p.a, CallState::terminated)->status, 200);
  EXPECT_EQ(p.net.count(p.b, "BYE"), 1u);
  p.net.run_for(60s);
  EXPECT_FALSE(p.alice.has_call(p.call));  // purged after 64*T1
  EXPECT_FALSE(p.bob.has_call(p.bob_call()));
}

TEST(UaCall, CalleeHangsUpConfirmedCall) {
  Pair p;
  p.establish();
  ASSERT_TRUE(p.bob.hangup(p.net.now, p.bob_call()));
  ASSERT_TRUE(p.net.run_until([&] {
    return p.net.find_state(p.a, CallState::terminated) && p.net.find_state(p.b, CallState::terminated);
  }));
  EXPECT_EQ(p.net.count(p.a, "BYE"), 1u);
  EXPECT_EQ(p.net.count(p.b, "200"), 1u);  // the 200 for the BYE (ACK is not a response)
}

TEST(UaCall, CancelDuringRingingGives487AndTerminated) {
  Pair p;
  p.dial();
  ASSERT_TRUE(p.net.run_until([&] { return p.net.find_state(p.a, CallState::ringing) != nullptr; }));
  ASSERT_TRUE(p.alice.hangup(p.net.now, p.call));
  ASSERT_TRUE(p.net.run_until([&] {
    return p.net.find_state(p.a, CallState::terminated) && p.net.find_state(p.b, CallState::terminated);
  }));
  EXPECT_EQ(p.net.find_state(p.a, CallState::terminated)->status, 487);
  EXPECT_EQ(p.net.find_state(p.b, CallState::terminated)->status, 487);
  EXPECT_EQ(p.net.count(p.b, "CANCEL"), 1u);
  EXPECT_EQ(p.net.count(p.a, "487"), 1u);
  EXPECT_FALSE(p.net.has(p.a, Kind::media_ready));
}

TEST(UaCall, HangupBeforeAnyProvisionalWaitsForOneThenCancels) {
  Pair p;
  p.dial();
  ASSERT_TRUE(p.alice.hangup(p.net.now, p.call));  // nothing received yet: 9.1 forbids CANCEL now
  ASSERT_TRUE(p.net.run_until([&] { return p.net.find_state(p.a, CallState::terminated) != nullptr; }));
  EXPECT_EQ(p.net.count(p.b, "CANCEL"), 1u);
  const auto& got = p.net.node(p.b).received;
  ASSERT_GE(got.size(), 2u);
  EXPECT_EQ(got[0].method(), sip::MethodId::invite);
  EXPECT_EQ(p.net.find_state(p.a, CallState::terminated)->status, 487);
}

TEST(UaCall, HoldAndResumeBothWaysKeepKeys) {
  Pair p;
  p.establish();
  const negotiation::SecureMedia first_a = *p.net.find(p.a, Kind::media_ready)->media;
  const negotiation::SecureMedia first_b = *p.net.find(p.b, Kind::media_ready)->media;

  ASSERT_TRUE(p.alice.hold(p.net.now, p.call, true));
  ASSERT_TRUE(p.net.run_until([&] { return p.net.has(p.a, Kind::media_updated) && p.net.has(p.b, Kind::media_updated); }));
  const negotiation::SecureMedia held_a = *p.net.find(p.a, Kind::media_updated)->media;
  const negotiation::SecureMedia held_b = *p.net.find(p.b, Kind::media_updated)->media;
  EXPECT_EQ(held_a.stream.direction, sdp::Direction::sendonly);
  EXPECT_EQ(held_b.stream.direction, sdp::Direction::recvonly);
  EXPECT_FALSE(held_a.tx_key_changed);
  EXPECT_FALSE(held_a.rx_key_changed);
  EXPECT_FALSE(held_b.tx_key_changed);
  EXPECT_FALSE(held_b.rx_key_changed);
  EXPECT_EQ(held_a.tx.keys[0].key, first_a.tx.keys[0].key);
  EXPECT_EQ(held_b.rx.keys[0].key, first_b.rx.keys[0].key);
  auto reinvites = p.net.received(p.b, "INVITE");
  ASSERT_EQ(reinvites.size(), 2u);
  EXPECT_NE(reinvites[1].body().find("a=sendonly"), std::string::npos);

  ASSERT_TRUE(p.alice.hold(p.net.now, p.call, false));
  ASSERT_TRUE(p.net.run_until([&] { return p.net.find(p.a, Kind::media_updated, 1) && p.net.find(p.b, Kind::media_updated, 1); }));
  EXPECT_EQ(p.net.find(p.a, Kind::media_updated, 1)->media->stream.direction, sdp::Direction::sendrecv);
  EXPECT_EQ(p.net.find(p.b, Kind::media_updated, 1)->media->stream.direction, sdp::Direction::sendrecv);

  // Now bob holds alice: the callee's re-INVITE goes back over the same connection. Until the ACK for
  // its 200 arrives, bob refuses to start a re-INVITE of its own.
  ASSERT_TRUE(p.net.run_until([&] { return p.net.count(p.b, "ACK") == 3; }));
  ASSERT_TRUE(p.bob.hold(p.net.now, p.bob_call(), true));
  ASSERT_TRUE(p.net.run_until([&] { return p.net.find(p.a, Kind::media_updated, 2) && p.net.find(p.b, Kind::media_updated, 2); }));
  const negotiation::SecureMedia& a3 = *p.net.find(p.a, Kind::media_updated, 2)->media;
  EXPECT_EQ(a3.stream.direction, sdp::Direction::recvonly);
  EXPECT_FALSE(a3.rx_key_changed);
  EXPECT_EQ(a3.rx.keys[0].key, first_a.rx.keys[0].key);
  EXPECT_TRUE(negotiation::testing::media_flows(p.net.find(p.b, Kind::media_updated, 2)->media->tx, a3.rx));
  EXPECT_EQ(p.net.count(p.a, "INVITE"), 1u);
}

TEST(UaCall, SimultaneousHoldGlareRetriesAfter491) {
  Pair p;
  p.establish();
  ASSERT_TRUE(p.alice.hold(p.net.now, p.call, true));
  ASSERT_TRUE(p.bob.hold(p.net.now, p.bob_call(), true));
  ASSERT_TRUE(p.net.run_until([&] { return p.net.has(p.a, Kind::media_updated) && p.net.has(p.b, Kind::media_updated); }));
  EXPECT_GE(p.net.count(p.a, "491") + p.net.count(p.b, "491"), 1u);
  // Both end up on hold: each side's stream is inactive.
  ASSERT_TRUE(p.net.run_until([&] { return p.net.find(p.a, Kind::media_updated, 1) && p.net.find(p.b, Kind::media_updated, 1); }));
  p.net.run_for(10s);
  EXPECT_EQ(p.net.find(p.a, Kind::media_updated, 1)->media->stream.direction, sdp::Direction::inactive);
}

TEST(UaCall, InfoCarriesDtmf) {
  Pair p;
  p.establish();
  ASSERT_TRUE(p.alice.send_info(p.net.now, p.call, std::string(kDtmfRelayType), dtmf_relay_body('5', 160)));
  ASSERT_TRUE(p.net.run_until([&] { return p.net.has(p.b, Kind::info_received) && p.net.count(p.a, "200") == 2; }));
  const UaEvent* e = p.net.find(p.b, Kind::info_received);
  EXPECT_EQ(e->dtmf, std::optional<char>('5'));
  EXPECT_EQ(e->content_type, "application/dtmf-relay");
  EXPECT_EQ(p.net.count(p.a, "200"), 2u);  // the INVITE's and the INFO's
}

TEST(UaCall, RejectIncomingCall) {
  Pair p;
  p.dial();
  ASSERT_TRUE(p.net.run_until([&] { return p.net.has(p.b, Kind::incoming_call); }));
  ASSERT_TRUE(p.bob.reject(p.net.now, p.bob_call(), 486));
  ASSERT_TRUE(p.net.run_until([&] { return p.net.find_state(p.a, CallState::failed) != nullptr; }));
  EXPECT_EQ(p.net.find_state(p.a, CallState::failed)->status, 486);
  EXPECT_EQ(p.net.find_state(p.a, CallState::failed)->reason, "Busy Here");
}

TEST(UaCall, AutoAnswer) {
  UaConfig bc = testing::config("bob", 5071);
  bc.auto_answer = true;
  Pair p(testing::config("alice", 5061), bc);
  p.dial();
  ASSERT_TRUE(p.net.run_until([&] { return p.net.find_state(p.b, CallState::established) != nullptr; }));
  EXPECT_TRUE(p.net.has(p.a, Kind::media_ready));
}

}  // namespace
}  // namespace sotto::ua
