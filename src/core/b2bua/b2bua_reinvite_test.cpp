// re-INVITEs through the B2BUA: hold and resume from either side keep every leg's keys (the relay's
// set_leg sees the same keys, so ROC and indexes continue), telephone-event stays in the SDP.
#include <gtest/gtest.h>

#include "base/testing/deterministic_random.hpp"
#include "core/b2bua/testing_b2bua.hpp"
#include "core/negotiation/negotiated_session.hpp"
#include "core/sdp/sdp.hpp"

namespace sotto::b2bua {
namespace {

using testing::uri;
using Kind = ua::UaEvent::Kind;
using ua::CallState;
using namespace std::chrono_literals;

struct Call {
  sotto::testing::DeterministicRandom rng{5};
  testing::FakeLocations locations;
  testing::FakeAuthenticator auth;
  testing::FakeAnchor anchor;
  testing::FakePolicies policies;
  B2bua server;
  ua::UserAgent alice{testing::phone("alice", 5071)};
  ua::UserAgent bob{testing::phone("bob", 5072)};
  testing::Net net;
  int a = 0;
  int b = 0;
  ua::CallHandle call = 0;

  Call() : server(config(), locations, auth, anchor, policies, rng) {
    net.attach(server);
    a = net.add_phone("alice", alice);
    b = net.add_phone("bob", bob);
    auth.passwords = {{"alice", "pw-alice"}};
    policies.users["alice"] = UserPolicy{};
    policies.users["bob"] = UserPolicy{};
    registrar::Binding bind;
    bind.user = "bob";
    bind.contact = uri("sips:bob@127.0.0.1:6072");
    bind.flow = net.connect(b, "TLS");
    locations.bindings["bob"].push_back(bind);
  }
  static B2buaConfig config() {
    B2buaConfig c;
    c.domains = {"localhost"};
    c.bindings = {ua::LocalBinding{"TLS", "127.0.0.1", 5061}};
    return c;
  }
  void establish() {
    auto h = alice.call(net.now, uri("sips:bob@localhost"), ua::CallOptions{"127.0.0.1", 41000, "IP4"});
    ASSERT_TRUE(h);
    call = *h;
    ASSERT_TRUE(net.run_until([&] { return net.has(b, Kind::incoming_call); }));
    ASSERT_TRUE(bob.answer(net.now, bob_call()));
    ASSERT_TRUE(net.run_until([&] {
      return net.has_state(a, CallState::established) && net.has_state(b, CallState::established);
    }));
  }
  ua::CallHandle bob_call() const { return net.find(b, Kind::incoming_call)->call; }
};

void expect_same_keys(const relay::LegMedia& before, const relay::LegMedia& after) {
  ASSERT_TRUE(before.local_key && after.local_key && before.remote_key && after.remote_key);
  EXPECT_TRUE(negotiation::same_key(*before.local_key, *after.local_key));
  EXPECT_TRUE(negotiation::same_key(*before.remote_key, *after.remote_key));
}

TEST(B2buaReinvite, CallerHoldAndResumeKeepKeysOnBothLegs) {
  Call c;
  c.establish();
  const auto a0 = c.anchor.on(relay::Side::a).back().media;
  const auto b0 = c.anchor.on(relay::Side::b).back().media;
  ASSERT_TRUE(c.alice.hold(c.net.now, c.call, true));
  ASSERT_TRUE(c.net.run_until([&] { return c.net.has(c.a, Kind::media_updated) && c.net.has(c.b, Kind::media_updated); }));
  // bob was re-offered sendonly (we only send: alice holds), answered recvonly; alice hears recvonly.
  const ua::UaEvent* bu = c.net.find(c.b, Kind::media_updated);
  const ua::UaEvent* au = c.net.find(c.a, Kind::media_updated);
  ASSERT_TRUE(bu->media && au->media);
  EXPECT_EQ(bu->media->stream.direction, sdp::Direction::recvonly);  // bob's view: he only receives
  EXPECT_EQ(au->media->stream.direction, sdp::Direction::sendonly);  // alice's view: she only sends
  EXPECT_FALSE(bu->media->tx_key_changed);
  EXPECT_FALSE(bu->media->rx_key_changed);
  EXPECT_FALSE(au->media->tx_key_changed);
  EXPECT_FALSE(au->media->rx_key_changed);
  auto la = c.anchor.on(relay::Side::a);
  auto lb = c.anchor.on(relay::Side::b);
  ASSERT_EQ(la.size(), 2u);
  ASSERT_EQ(lb.size(), 2u);
  expect_same_keys(a0, la.back().media);
  expect_same_keys(b0, lb.back().media);
  EXPECT_EQ(la.back().media.direction, sdp::Direction::recvonly);  // the anchor only receives from alice
  EXPECT_EQ(lb.back().media.direction, sdp::Direction::sendonly);  // and only sends to bob
  // telephone-event stays in the re-offer to bob.
  auto reinvites = c.net.received(c.b, "INVITE");
  ASSERT_EQ(reinvites.size(), 2u);
  EXPECT_NE(reinvites[1].body().find("telephone-event/8000"), std::string::npos);

  ASSERT_TRUE(c.alice.hold(c.net.now, c.call, false));
  ASSERT_TRUE(c.net.run_until([&] { return c.net.find(c.a, Kind::media_updated, 1) && c.net.find(c.b, Kind::media_updated, 1); }));
  EXPECT_EQ(c.net.find(c.b, Kind::media_updated, 1)->media->stream.direction, sdp::Direction::sendrecv);
  EXPECT_EQ(c.net.find(c.a, Kind::media_updated, 1)->media->stream.direction, sdp::Direction::sendrecv);
  la = c.anchor.on(relay::Side::a);
  lb = c.anchor.on(relay::Side::b);
  ASSERT_EQ(la.size(), 3u);
  ASSERT_EQ(lb.size(), 3u);
  expect_same_keys(a0, la.back().media);
  expect_same_keys(b0, lb.back().media);
  EXPECT_EQ(la.back().media.direction, sdp::Direction::sendrecv);
  // The call is still up and ends normally.
  ASSERT_TRUE(c.alice.hangup(c.net.now, c.call));
  ASSERT_TRUE(c.net.run_until([&] { return c.net.has_state(c.b, CallState::terminated); }));
  EXPECT_EQ(c.net.server_event(B2buaEvent::Kind::call_ended)->record.result, CallResult::answered);
}

TEST(B2buaReinvite, CalleeHoldAndResumeKeepKeysOnBothLegs) {
  Call c;
  c.establish();
  const auto a0 = c.anchor.on(relay::Side::a).back().media;
  const auto b0 = c.anchor.on(relay::Side::b).back().media;
  ASSERT_TRUE(c.bob.hold(c.net.now, c.bob_call(), true));
  ASSERT_TRUE(c.net.run_until([&] { return c.net.has(c.a, Kind::media_updated) && c.net.has(c.b, Kind::media_updated); }));
  EXPECT_EQ(c.net.find(c.a, Kind::media_updated)->media->stream.direction, sdp::Direction::recvonly);
  EXPECT_EQ(c.net.find(c.b, Kind::media_updated)->media->stream.direction, sdp::Direction::sendonly);
  ASSERT_TRUE(c.bob.hold(c.net.now, c.bob_call(), false));
  ASSERT_TRUE(c.net.run_until([&] { return c.net.find(c.a, Kind::media_updated, 1) && c.net.find(c.b, Kind::media_updated, 1); }));
  auto la = c.anchor.on(relay::Side::a);
  auto lb = c.anchor.on(relay::Side::b);
  ASSERT_EQ(la.size(), 3u);
  ASSERT_EQ(lb.size(), 3u);
  for (const auto& l : la) expect_same_keys(a0, l.media);
  for (const auto& l : lb) expect_same_keys(b0, l.media);
  // alice's re-INVITE went to her with our (kept) keys: nothing changed on her side.
  EXPECT_FALSE(c.net.find(c.a, Kind::media_updated, 1)->media->tx_key_changed);
  EXPECT_FALSE(c.net.find(c.a, Kind::media_updated, 1)->media->rx_key_changed);
  ASSERT_TRUE(c.bob.hangup(c.net.now, c.bob_call()));
  ASSERT_TRUE(c.net.run_until([&] { return c.net.has_state(c.a, CallState::terminated); }));
}

TEST(B2buaReinvite, ReinvitesFromBothSidesAtOnceGet491AndSettleAfterBackOff) {
  Call c;
  c.establish();
  // Both hold at once: one of the re-INVITEs meets the other's pending one (14.2 glare) -> 491.
  ASSERT_TRUE(c.bob.hold(c.net.now, c.bob_call(), true));
  ASSERT_TRUE(c.alice.hold(c.net.now, c.call, true));
  ASSERT_TRUE(c.net.run_until([&] { return c.net.count(c.a, "491") + c.net.count(c.b, "491") > 0; }));
  // Both sides settle after the RFC 3261 14.1 back-off; the call is still up.
  ASSERT_TRUE(c.net.run_until([&] {
    return c.net.find(c.a, Kind::media_updated, 1) != nullptr || c.net.find(c.b, Kind::media_updated, 1) != nullptr;
  }, 30s));
  EXPECT_EQ(c.net.server_event(B2buaEvent::Kind::call_ended), nullptr);
}

TEST(B2buaReinvite, InfoDtmfIsPassedToTheOtherLeg) {
  Call c;
  c.establish();
  ASSERT_TRUE(c.alice.send_info(c.net.now, c.call, "application/dtmf-relay", "Signal=5\r\nDuration=160\r\n"));
  ASSERT_TRUE(c.net.run_until([&] { return c.net.has(c.b, Kind::info_received); }));
  const ua::UaEvent* info = c.net.find(c.b, Kind::info_received);
  ASSERT_TRUE(info->dtmf);
  EXPECT_EQ(*info->dtmf, '5');
  EXPECT_EQ(c.net.count(c.a, "200"), 2u);  // the INVITE's and the INFO's
}

}  // namespace
}  // namespace sotto::b2bua
