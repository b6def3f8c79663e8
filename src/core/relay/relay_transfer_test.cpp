// The relay core around transfers, in virtual time: a transfer never repeats a keystream and latches on
// the new peer; a party moved from another relay keeping its key goes on past the ROC wrap (its ROC and
// replay windows carried), with a new key or without its origin starts afresh; a quiet side is sent
// nothing while it is re-keyed; the leaving party's and an early newcomer's packets are dropped without
// counting as authentication failures, and only until the deadline.
#include <gtest/gtest.h>
#include <set>
#include <tuple>
#include "core/relay/relay.hpp"
#include "core/relay/testing_relay_fixture.hpp"

namespace sotto::relay {
namespace {

using namespace std::chrono_literals;
using srtp::SuiteId;
using testing::ep;
using testing::identify;
using testing::Packet;
using testing::Path;
using testing::Phone;
using testing::RelayTest;
using testing::t0;

TEST_F(RelayTest, ATransferNeverRepeatsAKeystreamAndLatchesOnTheNewPeer) {
  // Blind transfer at the anchor: Alice (R) stays on side a with her keys; side b was Bob (T) and is
  // now Carol at the SAME address (a phone behind the same NAT) with new keys, marked new_peer. Carol
  // even reuses Bob's SSRC and sequence numbers: nothing sent to Alice may repeat (key, SSRC, index),
  // nothing is sent to Carol under Bob's key, side b latches again and its counters start at zero.
  Relay relay(1, options());
  Phone alice(SuiteId::AES_CM_128_HMAC_SHA1_80, ep(2, 4000), 0xA11CE, 65500, &registry);
  Phone bob(SuiteId::AES_CM_128_HMAC_SHA1_80, ep(3, 5000), 0xB0B, 200, &registry);
  ASSERT_TRUE(relay.set_leg(t0, Side::a, alice.leg_media()));
  ASSERT_TRUE(relay.set_leg(t0, Side::b, bob.leg_media()));
  std::vector<std::vector<std::uint8_t>> to_alice, to_b;
  auto pass = [&](Side side, Phone& from, Phone& to, std::vector<std::vector<std::uint8_t>>& wire) -> std::optional<Drop> {
    Packet p = from.rtp();
    auto out = relay.handle_packet(t0, side, from.at, false, p.span(), p.len);
    if (!out) return out.error();
    wire.emplace_back(p.buf.begin(), p.buf.begin() + static_cast<std::ptrdiff_t>(out->len));
    EXPECT_TRUE(to.receive(p.buf.data(), out->len, false));
    return std::nullopt;
  };
  for (int i = 0; i < 80; ++i) {
    ASSERT_FALSE(pass(Side::a, alice, bob, to_b));
    ASSERT_FALSE(pass(Side::b, bob, alice, to_alice));
  }
  ASSERT_TRUE(relay.stats(Side::b).latched);
  const sdes::CryptoAttribute bob_recv = *bob.recv_key;
  Phone carol(SuiteId::AES_CM_128_HMAC_SHA1_80, ep(3, 5000), 0xB0B, 200, &registry);  // Bob's place, SSRC, seq
  LegMedia cm = carol.leg_media();
  cm.new_peer = true;
  ASSERT_TRUE(relay.set_leg(t0, Side::b, cm));
  EXPECT_FALSE(relay.stats(Side::b).latched);
  EXPECT_EQ(relay.stats(Side::b).packets_in, 0u);
  EXPECT_EQ(relay.stats(Side::b).packets_out, 0u);
  // Bob's key towards the anchor is gone: his packets no longer authenticate and do not latch.
  Packet stale = bob.rtp();
  auto dropped = relay.handle_packet(t0, Side::b, ep(9, 9000), false, stale.span(), stale.len);
  ASSERT_FALSE(dropped);
  EXPECT_EQ(dropped.error(), Drop::auth_failure);
  EXPECT_FALSE(relay.stats(Side::b).latched);
  // Carol's first 80 indexes were already sent to Alice under Alice's key (same SSRC): refused.
  for (int i = 0; i < 80; ++i) {
    auto d = pass(Side::b, carol, alice, to_alice);
    ASSERT_TRUE(d) << "index " << carol.seq - 1 << " of SSRC 0xB0B sent twice under Alice's key";
    EXPECT_EQ(*d, Drop::index_reuse);
  }
  EXPECT_TRUE(relay.stats(Side::b).latched);  // her packets authenticated under her key
  for (int i = 0; i < 40; ++i) {
    ASSERT_FALSE(pass(Side::b, carol, alice, to_alice)) << "new indexes flow";
    ASSERT_FALSE(pass(Side::a, alice, carol, to_b));
  }
  EXPECT_EQ(alice.refused + carol.refused, 0u);
  EXPECT_EQ(relay.stats(Side::b).packets_in, 120u);
  EXPECT_EQ(relay.stats(Side::b).packets_out, 40u);
  // Everything Alice got: under her key, each (SSRC, index) once.
  std::set<std::tuple<int, std::uint32_t, std::uint64_t>> used;
  for (const auto& d : to_alice) {
    auto id = identify(d, {*alice.recv_key});
    ASSERT_TRUE(id);
    EXPECT_TRUE(used.insert(*id).second) << "index " << std::get<2>(*id) << " twice";
  }
  EXPECT_EQ(used.size(), 120u);
  // What went to side b: Bob's 80 under Bob's key, Carol's 40 under Carol's key (never Bob's).
  std::set<std::tuple<int, std::uint32_t, std::uint64_t>> used_b;
  int under_bob = 0, under_carol = 0;
  for (std::size_t i = 0; i < to_b.size(); ++i) {
    auto id = identify(to_b[i], {bob_recv, *carol.recv_key});
    ASSERT_TRUE(id);
    (std::get<0>(*id) == 0 ? under_bob : under_carol)++;
    EXPECT_EQ(std::get<0>(*id), i < 80 ? 0 : 1) << "packet " << i;
    EXPECT_TRUE(used_b.insert(*id).second);
  }
  EXPECT_EQ(under_bob, 80);
  EXPECT_EQ(under_carol, 40);
}

// Attended transfer at the anchor: Carol (R2) talks to Bob (T) on relay 1 and has sent past the wrap of
// her sequence numbers (ROC 1). She moves to relay 2's side b (Bob's side there, towards Alice) with a
// new key from us; `keep_key`: her answer keeps her own key, else she brings a new one and restarts.
struct MovedSender {
  Relay x, y;
  Phone alice, bob, bob2, carol;  // bob2: Bob's leg of the other call (its own keys)
  std::vector<Packet> sent_on_x;
  MovedSender(srtp::KeyRegistry& registry, RelayOptions o)
      : x(1, o), y(2, o),
        alice(SuiteId::AES_CM_128_HMAC_SHA1_80, ep(2, 4000), 0xA11CE, 100, &registry),
        bob(SuiteId::AES_CM_128_HMAC_SHA1_80, ep(3, 5000), 0xB0B, 100, &registry),
        bob2(SuiteId::AES_CM_128_HMAC_SHA1_80, ep(3, 5002), 0xB0B2, 100, &registry),
        carol(SuiteId::AES_CM_128_HMAC_SHA1_80, ep(4, 6000), 0xCA201, 65400, &registry) {}
  // Carol's RTP through relay 1 to Bob: `n` packets, each forwarded and readable by Bob.
  void carol_talks_on_x(int n) {
    for (int i = 0; i < n; ++i) {
      Packet p = carol.rtp();
      sent_on_x.push_back(p);
      auto out = x.handle_packet(t0, Side::b, carol.at, false, p.span(), p.len);
      ASSERT_TRUE(out) << to_string(out.error());
      ASSERT_TRUE(bob.receive(p.buf.data(), out->len, false));
    }
  }
  // Carol's RTP through relay 2 to Alice: how many Alice could read.
  int carol_talks_on_y(int n) {
    int heard = 0;
    for (int i = 0; i < n; ++i) {
      Packet p = carol.rtp();
      auto out = y.handle_packet(t0, Side::b, carol.at, false, p.span(), p.len);
      if (out && alice.receive(p.buf.data(), out->len, false) == carol.last_plain) ++heard;
    }
    return heard;
  }
};

TEST_F(RelayTest, AMovedPartyKeepingItsKeyGoesOnPastTheRocWrap) {
  MovedSender w(registry, options());
  ASSERT_TRUE(w.x.set_leg(t0, Side::a, w.bob.leg_media()));
  ASSERT_TRUE(w.x.set_leg(t0, Side::b, w.carol.leg_media()));
  ASSERT_TRUE(w.y.set_leg(t0, Side::a, w.alice.leg_media()));
  ASSERT_TRUE(w.y.set_leg(t0, Side::b, w.bob2.leg_media()));
  w.carol_talks_on_x(300);  // 65400 .. 65699: past the wrap, ROC 1
  ASSERT_EQ(w.carol.tx->roc(0xCA201), 1u);
  // The move: our key towards her is new, hers is kept (RFC 4568 6.1).
  w.carol.rekey_receive();
  LegMedia cm = w.carol.leg_media();
  cm.new_peer = true;
  cm.continue_from = LegOrigin{1, Side::b};
  ASSERT_TRUE(w.y.set_leg(t0, Side::b, cm, &w.x));
  // The replay windows came along: her last packet on relay 1, replayed to relay 2, is refused.
  Packet old = w.sent_on_x.back();
  auto replay = w.y.handle_packet(t0, Side::b, w.carol.at, false, old.span(), old.len);
  ASSERT_FALSE(replay);
  EXPECT_EQ(replay.error(), Drop::auth_failure);
  EXPECT_EQ(w.y.stats(Side::b).auth_failures, 1u);
  EXPECT_FALSE(w.y.stats(Side::b).latched) << "a replay never latches";
  EXPECT_EQ(w.carol_talks_on_y(100), 100) << "every new packet authenticates at once, at ROC 1";
  EXPECT_EQ(w.y.stats(Side::b).auth_failures, 1u) << "no failure but the replay";
  EXPECT_EQ(w.y.stats(Side::b).packets_in, 100u);
  EXPECT_EQ(w.alice.refused, 0u);
  // Our side towards her is fresh: she reads what Alice says under our new key.
  Packet p = w.alice.rtp();
  auto out = w.y.handle_packet(t0, Side::a, w.alice.at, false, p.span(), p.len);
  ASSERT_TRUE(out);
  EXPECT_EQ(w.carol.receive(p.buf.data(), out->len, false), w.alice.last_plain);
  EXPECT_EQ(w.carol.refused, 0u);
}

TEST_F(RelayTest, AMovedPartyWithANewKeyStartsAfresh) {
  MovedSender w(registry, options());
  ASSERT_TRUE(w.x.set_leg(t0, Side::a, w.bob.leg_media()));
  ASSERT_TRUE(w.x.set_leg(t0, Side::b, w.carol.leg_media()));
  ASSERT_TRUE(w.y.set_leg(t0, Side::a, w.alice.leg_media()));
  ASSERT_TRUE(w.y.set_leg(t0, Side::b, w.bob2.leg_media()));
  w.carol_talks_on_x(300);
  // Carol answers with a new key of her own and, as a new session, starts at ROC 0 (sequence 100).
  w.carol.rekey_receive();
  w.carol.send_key = sdes::make_offer(3, SuiteId::AES_CM_128_HMAC_SHA1_80).value();
  w.carol.tx.emplace(srtp::Context::create(srtp::Direction::outbound, sdes::to_policy(*w.carol.send_key).value(), &registry).value());
  w.carol.seq = 100;
  LegMedia cm = w.carol.leg_media();
  cm.new_peer = true;
  cm.continue_from = LegOrigin{1, Side::b};
  ASSERT_TRUE(w.y.set_leg(t0, Side::b, cm, &w.x));
  EXPECT_EQ(w.carol_talks_on_y(100), 100) << "nothing of the old key's ROC 1 was carried";
  EXPECT_EQ(w.y.stats(Side::b).auth_failures, 0u);
}

TEST_F(RelayTest, WithoutItsOriginAMovedPartyStartsAtRocZero) {
  // The same move, but relay 1 is not handed over (closed already): the side starts afresh at ROC 0
  // and Carol, past the wrap, fails authentication. This is the failure continue_from prevents.
  MovedSender w(registry, options());
  ASSERT_TRUE(w.x.set_leg(t0, Side::a, w.bob.leg_media()));
  ASSERT_TRUE(w.x.set_leg(t0, Side::b, w.carol.leg_media()));
  ASSERT_TRUE(w.y.set_leg(t0, Side::a, w.alice.leg_media()));
  ASSERT_TRUE(w.y.set_leg(t0, Side::b, w.bob2.leg_media()));
  w.carol_talks_on_x(300);
  w.carol.rekey_receive();
  LegMedia cm = w.carol.leg_media();
  cm.new_peer = true;
  cm.continue_from = LegOrigin{1, Side::b};
  ASSERT_TRUE(w.y.set_leg(t0, Side::b, cm, nullptr));
  EXPECT_EQ(w.carol_talks_on_y(20), 0);
  EXPECT_EQ(w.y.stats(Side::b).auth_failures, 20u);
}

TEST_F(RelayTest, AQuietSideIsSentNothingWhileItsPartyStillSendsAndThenHearsAgain) {
  // Attended transfer: R2 (bob here) is re-INVITEd with a new key; until it answers, call 2's relay
  // sends it nothing, so nothing under the old key reaches it after it switched.
  Relay relay(1, options());
  Phone alice(SuiteId::AES_CM_128_HMAC_SHA1_80, ep(2, 4000), 0xA11CE, 100, &registry);
  Phone bob(SuiteId::AES_CM_128_HMAC_SHA1_80, ep(3, 5000), 0xB0B, 200, &registry);
  ASSERT_TRUE(relay.set_leg(t0, Side::a, alice.leg_media()));
  ASSERT_TRUE(relay.set_leg(t0, Side::b, bob.leg_media()));
  auto pass = [&](Side side, Phone& from, Phone& to) {
    Packet p = from.rtp();
    auto out = relay.handle_packet(t0, side, from.at, false, p.span(), p.len);
    return out && to.receive(p.buf.data(), out->len, false);
  };
  ASSERT_TRUE(pass(Side::a, alice, bob));
  relay.set_quiet(Side::b, true);
  Packet p = alice.rtp();
  auto r = relay.handle_packet(t0, Side::a, alice.at, false, p.span(), p.len);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), Drop::quiet);
  EXPECT_TRUE(pass(Side::b, bob, alice));  // what the quiet side's party sends still goes through
  EXPECT_EQ(relay.stats(Side::a).auth_failures, 0u);
  relay.set_quiet(Side::b, false);
  EXPECT_TRUE(pass(Side::a, alice, bob));
}

TEST_F(RelayTest, ATransfersStragglersAreDroppedButNotCountedAsAuthenticationFailures) {
  // Blind transfer: Bob (T) on side b, Carol (the target) offered side b's address. Carol's phone sends
  // media as soon as it answers, ahead of its 200; Bob sends until our BYE reaches him. Neither is an
  // attack or a key mismatch: dropped, counted in `dropped`, not in `auth_failures`.
  Relay relay(1, options());
  Phone alice(SuiteId::AES_CM_128_HMAC_SHA1_80, ep(2, 4000), 0xA11CE, 100, &registry);
  Phone bob(SuiteId::AES_CM_128_HMAC_SHA1_80, ep(3, 5000), 0xB0B, 200, &registry);
  ASSERT_TRUE(relay.set_leg(t0, Side::a, alice.leg_media()));
  ASSERT_TRUE(relay.set_leg(t0, Side::b, bob.leg_media()));
  auto pass = [&](Side side, Phone& from, Phone& to) {
    Packet p = from.rtp();
    auto out = relay.handle_packet(t0, side, from.at, false, p.span(), p.len);
    return out && to.receive(p.buf.data(), out->len, false);
  };
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(pass(Side::a, alice, bob));
    ASSERT_TRUE(pass(Side::b, bob, alice));
  }
  relay.expect_new_peer(t0 + 60s, Side::b);
  Phone carol(SuiteId::AES_CM_128_HMAC_SHA1_80, ep(4, 6000), 0xCA201, 300, &registry);
  Packet early = carol.rtp();
  auto r = relay.handle_packet(t0, Side::b, carol.at, false, early.span(), early.len);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), Drop::transfer);
  EXPECT_EQ(relay.stats(Side::b).auth_failures, 0u);
  EXPECT_EQ(relay.stats(Side::b).dropped, 1u);
  // Bob is still the peer until Carol's answer: his packets authenticate and flow.
  ASSERT_TRUE(pass(Side::b, bob, alice));
  // Bob's own address is never excused while he is the peer: a bad packet from him counts.
  Packet garbled = bob.rtp();
  garbled.buf[20] ^= 0x55;
  r = relay.handle_packet(t0, Side::b, bob.at, false, garbled.span(), garbled.len);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), Drop::auth_failure);
  EXPECT_EQ(relay.stats(Side::b).auth_failures, 1u);

  LegMedia cm = carol.leg_media();
  cm.new_peer = true;
  ASSERT_TRUE(relay.set_leg(t0, Side::b, cm));  // counters start at zero for Carol
  // Bob's last packets (RTP and his RTCP BYE) before our BYE reached him.
  Packet last = bob.rtp();
  r = relay.handle_packet(t0, Side::b, bob.at, false, last.span(), last.len);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), Drop::transfer);
  Packet last_rtcp = testing::with_room(srtp::testing::make_rtp(0xB0B, 999, 40));
  last_rtcp.buf[1] = 203;  // RTCP BYE
  r = relay.handle_packet(t0, Side::b, bob.at, true, last_rtcp.span(), last_rtcp.len);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error(), Drop::auth_failure);
  EXPECT_EQ(relay.stats(Side::b).auth_failures, 0u);
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(pass(Side::b, carol, alice));
    ASSERT_TRUE(pass(Side::a, alice, carol));
  }
  EXPECT_TRUE(relay.stats(Side::b).latched);
  EXPECT_EQ(relay.stats(Side::b).auth_failures, 0u);
  // Once Carol is the peer, a forged packet from anywhere else counts again.
  Packet forged = testing::with_room(srtp::testing::make_rtp(0xCA201, 500, 160));
  forged.len += 10;
  r = relay.handle_packet(t0, Side::b, ep(66, 6666), false, forged.span(), forged.len);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), Drop::auth_failure);
  EXPECT_EQ(relay.stats(Side::b).auth_failures, 1u);
  EXPECT_EQ(alice.refused + carol.refused, 0u);
}

TEST_F(RelayTest, AnExpectedNewPeerThatNeverCameExcusesNothingAfterItsDeadline) {
  Relay relay(1, options());
  Phone alice(SuiteId::AES_CM_128_HMAC_SHA1_80, ep(2, 4000), 0xA11CE, 100, &registry);
  Phone bob(SuiteId::AES_CM_128_HMAC_SHA1_80, ep(3, 5000), 0xB0B, 200, &registry);
  ASSERT_TRUE(relay.set_leg(t0, Side::a, alice.leg_media()));
  ASSERT_TRUE(relay.set_leg(t0, Side::b, bob.leg_media()));
  relay.expect_new_peer(t0 + 5s, Side::b);
  Packet forged = testing::with_room(srtp::testing::make_rtp(0xB0B, 900, 160));
  forged.len += 10;
  auto r = relay.handle_packet(t0 + 6s, Side::b, ep(66, 6666), false, forged.span(), forged.len);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), Drop::auth_failure);
  EXPECT_EQ(relay.stats(Side::b).auth_failures, 1u);
  // A failed transfer withdraws the expectation at once (B2bua::transfer_failed).
  relay.expect_new_peer(t0 + 60s, Side::b);
  relay.expect_new_peer(Timestamp{}, Side::b);
  Packet forged2 = testing::with_room(srtp::testing::make_rtp(0xB0B, 901, 160));
  forged2.len += 10;
  r = relay.handle_packet(t0 + 7s, Side::b, ep(66, 6666), false, forged2.span(), forged2.len);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), Drop::auth_failure);
  EXPECT_EQ(relay.stats(Side::b).auth_failures, 2u);
}

}  // namespace
}  // namespace sotto::relay
