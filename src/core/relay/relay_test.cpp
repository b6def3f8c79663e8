// The relay core in virtual time: re-encryption between legs (SRTP -> SRTP, SRTP <-> RTP, SRTCP),
// latching only on authenticated packets, hold/resume and re-keys across the sequence wrap without an
// authentication failure, no (SSRC, index) twice under one outbound key, a party moved from another
// relay keeping its key (its ROC and replay windows go on), dead-media events, set_leg refusals that
// change nothing.
#include <gtest/gtest.h>

#include <set>
#include <tuple>

#include "core/relay/relay.hpp"
#include "core/relay/testing_relay.hpp"

namespace sotto::relay {
namespace {

using namespace std::chrono_literals;
using srtp::SuiteId;
using testing::ep;
using testing::Packet;
using testing::Phone;

const Timestamp t0 = Timestamp{} + 1h;

struct RelayTest : ::testing::Test {
  srtp::KeyRegistry registry;
  RelayOptions options() { return RelayOptions{.dead_after = 60s, .outbound_keys = &registry}; }
};

// Sends one packet from `from` (on `side`) through the relay; delivers it to `to` and returns its
// plaintext there (nullopt: dropped by the relay or refused by the phone).
struct Path {
  Relay& relay;
  Timestamp now;
  std::optional<std::vector<std::uint8_t>> send(Side side, Phone& from, Phone& to, bool rtcp = false,
                                                std::vector<std::uint8_t>* wire_in = nullptr,
                                                std::vector<std::uint8_t>* wire_out = nullptr) {
    Packet p = rtcp ? from.rtcp() : from.rtp();
    if (wire_in) *wire_in = p.bytes();
    auto out = relay.handle_packet(now, side, from.at, rtcp, p.span(), p.len);
    if (!out) return std::nullopt;
    EXPECT_EQ(out->to, other(side));
    if (wire_out) *wire_out = std::vector<std::uint8_t>(p.buf.begin(), p.buf.begin() + static_cast<std::ptrdiff_t>(out->len));
    return to.receive(p.buf.data(), out->len, rtcp);
  }
};

TEST_F(RelayTest, SrtpToSrtpIsReencryptedWithTheOtherLegsKey) {
  Relay relay(1, options());
  Phone alice(SuiteId::AES_CM_128_HMAC_SHA1_80, ep(2, 4000), 0xA11CE, 100, &registry);
  Phone bob(SuiteId::AEAD_AES_128_GCM, ep(3, 5000), 0xB0B, 7000, &registry);
  ASSERT_TRUE(relay.set_leg(t0, Side::a, alice.leg_media()));
  ASSERT_TRUE(relay.set_leg(t0, Side::b, bob.leg_media()));
  Path path{relay, t0};
  for (int i = 0; i < 50; ++i) {
    std::vector<std::uint8_t> in, out;
    auto got = path.send(Side::a, alice, bob, false, &in, &out);
    ASSERT_TRUE(got) << "packet " << i << " a->b";
    EXPECT_EQ(*got, alice.last_plain);
    // Same payload, other key and suite: other ciphertext (GCM adds a 16-byte tag, HMAC-80 had 10).
    EXPECT_EQ(out.size(), alice.last_plain.size() + 16);
    EXPECT_NE(std::vector<std::uint8_t>(in.begin() + 12, in.begin() + 172),
              std::vector<std::uint8_t>(out.begin() + 12, out.begin() + 172));
    EXPECT_NE(std::vector<std::uint8_t>(out.begin() + 12, out.begin() + 172),
              std::vector<std::uint8_t>(alice.last_plain.begin() + 12, alice.last_plain.end()));
    auto back = path.send(Side::b, bob, alice);
    ASSERT_TRUE(back) << "packet " << i << " b->a";
    EXPECT_EQ(*back, bob.last_plain);
  }
  // SRTCP both ways, each under its leg's key.
  auto rtcp_ab = path.send(Side::a, alice, bob, true);
  ASSERT_TRUE(rtcp_ab);
  EXPECT_EQ(*rtcp_ab, alice.last_plain);
  auto rtcp_ba = path.send(Side::b, bob, alice, true);
  ASSERT_TRUE(rtcp_ba);
  EXPECT_EQ(*rtcp_ba, bob.last_plain);
  EXPECT_EQ(relay.stats(Side::a).packets_in, 51u);
  EXPECT_EQ(relay.stats(Side::a).packets_out, 51u);
  EXPECT_EQ(relay.stats(Side::b).packets_in, 51u);
  EXPECT_EQ(relay.stats(Side::b).packets_out, 51u);
  EXPECT_EQ(relay.stats(Side::a).auth_failures + relay.stats(Side::b).auth_failures, 0u);
  EXPECT_EQ(alice.refused + bob.refused, 0u);
  EXPECT_EQ(relay.suite(Side::a), "AES_CM_128_HMAC_SHA1_80");
  EXPECT_EQ(relay.suite(Side::b), "AEAD_AES_128_GCM");
}

TEST_F(RelayTest, SrtpToPlainRtpAndBack) {
  Relay relay(1, options());
  Phone alice(SuiteId::AES_256_CM_HMAC_SHA1_32, ep(2, 4000), 0xA11CE, 100, &registry);
  Phone bob(std::nullopt, ep(3, 5000), 0xB0B, 7000, &registry);
  ASSERT_TRUE(relay.set_leg(t0, Side::a, alice.leg_media()));
  ASSERT_TRUE(relay.set_leg(t0, Side::b, bob.leg_media()));
  Path path{relay, t0};
  for (int i = 0; i < 10; ++i) {
    std::vector<std::uint8_t> out;
    auto got = path.send(Side::a, alice, bob, false, nullptr, &out);
    ASSERT_TRUE(got);
    EXPECT_EQ(out, alice.last_plain) << "plain RTP leg gets the decrypted packet as is";
    auto back = path.send(Side::b, bob, alice);
    ASSERT_TRUE(back);
    EXPECT_EQ(*back, bob.last_plain);
  }
  ASSERT_TRUE(path.send(Side::b, bob, alice, true));
  ASSERT_TRUE(path.send(Side::a, alice, bob, true));
  EXPECT_EQ(relay.suite(Side::b), "RTP");
  EXPECT_EQ(alice.refused, 0u);
}

TEST_F(RelayTest, LatchesOnlyOnAnAuthenticatedPacket) {
  Relay relay(1, options());
  Phone alice(SuiteId::AES_CM_128_HMAC_SHA1_80, ep(2, 4000), 0xA11CE, 100, &registry);
  Phone bob(SuiteId::AES_CM_128_HMAC_SHA1_80, ep(3, 5000), 0xB0B, 7000, &registry);
  ASSERT_TRUE(relay.set_leg(t0, Side::a, alice.leg_media()));
  ASSERT_TRUE(relay.set_leg(t0, Side::b, bob.leg_media()));
  EXPECT_EQ(relay.destination(Side::a, Socket::rtp), ep(2, 4000)) << "the SDP address until latched";

  // A stranger sends a packet that looks like Alice's but was never protected with her key.
  const netpkt::IpEndpoint stranger = ep(66, 6666);
  Packet forged = testing::with_room(srtp::testing::make_rtp(0xA11CE, 101, 160));
  forged.len += 10;  // a made-up tag
  auto r = relay.handle_packet(t0, Side::a, stranger, false, forged.span(), forged.len);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), Drop::auth_failure);
  EXPECT_EQ(relay.stats(Side::a).auth_failures, 1u);
  EXPECT_FALSE(relay.stats(Side::a).latched);
  EXPECT_EQ(relay.stats(Side::a).packets_in, 0u);
  EXPECT_EQ(relay.stats(Side::b).packets_out, 0u) << "never forwarded";
  EXPECT_EQ(relay.destination(Side::a, Socket::rtp), ep(2, 4000));

  // Alice is behind a NAT: her packets come from another port than her SDP says. They authenticate.
  alice.at = ep(2, 40123);
  Packet good = alice.rtp();
  const auto copy = good.bytes();
  ASSERT_TRUE(relay.handle_packet(t0, Side::a, alice.at, false, good.span(), good.len));
  EXPECT_TRUE(relay.stats(Side::a).latched);
  EXPECT_EQ(relay.destination(Side::a, Socket::rtp), ep(2, 40123)) << "latched to the authenticated source";

  // The stranger replays Alice's genuine packet from its own address: a replay, not a latch.
  Packet replayed = testing::with_room(copy);
  r = relay.handle_packet(t0, Side::a, stranger, false, replayed.span(), replayed.len);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), Drop::auth_failure);
  EXPECT_EQ(relay.stats(Side::a).auth_failures, 2u);
  EXPECT_EQ(relay.destination(Side::a, Socket::rtp), ep(2, 40123));

  // Bob's media goes to where Alice really is.
  Packet from_bob = bob.rtp();
  auto out = relay.handle_packet(t0, Side::b, bob.at, false, from_bob.span(), from_bob.len);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->destination, ep(2, 40123));
  EXPECT_EQ(out->socket, Socket::rtp);
  ASSERT_TRUE(alice.receive(from_bob.buf.data(), out->len, false));

  // RTCP latches on its own: to the SDP's RTCP port until an SRTCP packet authenticates.
  EXPECT_EQ(relay.destination(Side::a, Socket::rtcp), ep(2, 4001));
  Packet rtcp = alice.rtcp();
  ASSERT_TRUE(relay.handle_packet(t0, Side::a, ep(2, 40124), true, rtcp.span(), rtcp.len));
  EXPECT_EQ(relay.destination(Side::a, Socket::rtcp), ep(2, 40124));
}

TEST_F(RelayTest, PlainRtpLatchesTheFirstSourceAndTheSdpAddressTakesOver) {
  Relay relay(1, options());
  Phone alice(std::nullopt, ep(2, 4000), 0xA11CE, 100, &registry);
  Phone bob(std::nullopt, ep(3, 5000), 0xB0B, 7000, &registry);
  ASSERT_TRUE(relay.set_leg(t0, Side::a, alice.leg_media()));
  ASSERT_TRUE(relay.set_leg(t0, Side::b, bob.leg_media()));
  // Behind a NAT: the first packet latches, wherever it comes from.
  alice.at = ep(2, 40000);
  Packet p = alice.rtp();
  ASSERT_TRUE(relay.handle_packet(t0, Side::a, alice.at, false, p.span(), p.len));
  EXPECT_EQ(relay.destination(Side::a, Socket::rtp), ep(2, 40000));
  // Anyone else is a stranger now.
  Packet s = alice.rtp();
  auto r = relay.handle_packet(t0, Side::a, ep(66, 6666), false, s.span(), s.len);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), Drop::stranger);
  EXPECT_EQ(relay.stats(Side::a).dropped, 1u);
  EXPECT_EQ(relay.destination(Side::a, Socket::rtp), ep(2, 40000));
  // The SDP's own address always takes over.
  Packet q = alice.rtp();
  ASSERT_TRUE(relay.handle_packet(t0, Side::a, ep(2, 4000), false, q.span(), q.len));
  EXPECT_EQ(relay.destination(Side::a, Socket::rtp), ep(2, 4000));
  Packet s2 = alice.rtp();
  EXPECT_FALSE(relay.handle_packet(t0, Side::a, ep(2, 40000), false, s2.span(), s2.len));
  EXPECT_EQ(relay.stats(Side::a).packets_in, 2u);
}

// Which key protected `d` and at which (SSRC, index): each candidate key with a fresh inbound context
// and ROC 0..2 (the ROC is not on the wire).
std::optional<std::tuple<int, std::uint32_t, std::uint64_t>> identify(const std::vector<std::uint8_t>& d,
                                                                        const std::vector<sdes::CryptoAttribute>& keys) {
  for (std::size_t k = 0; k < keys.size(); ++k) {
    for (std::uint32_t roc = 0; roc < 3; ++roc) {
      auto rx = srtp::Context::create(srtp::Direction::inbound, sdes::to_policy(keys[k]).value()).value();
      std::vector<std::uint8_t> copy = d;
      const std::uint32_t ssrc = rtp::load_be32(&copy[8]);
      rx.set_roc(ssrc, roc);
      if (rx.unprotect_rtp(copy, copy.size())) {
        return std::tuple{static_cast<int>(k), ssrc, (std::uint64_t{roc} << 16) | rtp::load_be16(&copy[2])};
      }
    }
  }
  return std::nullopt;
}

TEST_F(RelayTest, HoldResumeAndRekeysKeepTheRocAcrossTheWrapAndNeverRepeatAnIndex) {
  Relay relay(1, options());
  Phone alice(SuiteId::AES_CM_128_HMAC_SHA1_80, ep(2, 4000), 0xA11CE, 65400, &registry);
  Phone bob(SuiteId::AES_CM_128_HMAC_SHA1_80, ep(3, 5000), 0xB0B, 65450, &registry);
  ASSERT_TRUE(relay.set_leg(t0, Side::a, alice.leg_media()));
  ASSERT_TRUE(relay.set_leg(t0, Side::b, bob.leg_media()));
  Timestamp now = t0;
  // Every key the anchor sent with, per side, and every datagram it sent.
  std::vector<sdes::CryptoAttribute> keys_to_a = {*alice.recv_key}, keys_to_b = {*bob.recv_key};
  std::vector<std::vector<std::uint8_t>> sent_to_a, sent_to_b;
  std::size_t delivered = 0;
  auto exchange = [&](int n) {
    for (int i = 0; i < n; ++i) {
      now += 20ms;
      Path path{relay, now};
      std::vector<std::uint8_t> out;
      auto ab = path.send(Side::a, alice, bob, false, nullptr, &out);
      ASSERT_TRUE(ab) << "a->b seq " << alice.seq - 1;
      EXPECT_EQ(*ab, alice.last_plain);
      sent_to_b.push_back(out);
      auto ba = path.send(Side::b, bob, alice, false, nullptr, &out);
      ASSERT_TRUE(ba) << "b->a seq " << bob.seq - 1;
      EXPECT_EQ(*ba, bob.last_plain);
      sent_to_a.push_back(out);
      delivered += 2;
    }
  };
  exchange(40);  // neither has wrapped yet
  // Hold (Alice sends sendonly: the anchor only receives from her) and resume, keys unchanged.
  ASSERT_TRUE(relay.set_leg(now, Side::a, alice.leg_media(sdp::Direction::recvonly)));
  ASSERT_TRUE(relay.set_leg(now, Side::b, bob.leg_media(sdp::Direction::sendonly)));
  EXPECT_FALSE(relay.next_timeout()) << "no dead-media timeout while on hold";
  exchange(30);  // Alice wraps during hold
  ASSERT_TRUE(relay.set_leg(now, Side::a, alice.leg_media()));
  ASSERT_TRUE(relay.set_leg(now, Side::b, bob.leg_media()));
  ASSERT_TRUE(relay.next_timeout());
  exchange(30);  // Bob wraps after resume
  // Alice re-keys what she sends; then the anchor re-keys what it sends to Bob.
  alice.rekey_send();
  ASSERT_TRUE(relay.set_leg(now, Side::a, alice.leg_media()));
  exchange(20);
  bob.rekey_receive();
  keys_to_b.push_back(*bob.recv_key);
  ASSERT_TRUE(relay.set_leg(now, Side::b, bob.leg_media()));
  exchange(20);
  // Both at once on Alice's leg.
  alice.rekey_send();
  alice.rekey_receive();
  keys_to_a.push_back(*alice.recv_key);
  ASSERT_TRUE(relay.set_leg(now, Side::a, alice.leg_media()));
  exchange(20);

  EXPECT_EQ(delivered, 2u * 160);
  EXPECT_EQ(relay.stats(Side::a).auth_failures, 0u);
  EXPECT_EQ(relay.stats(Side::b).auth_failures, 0u);
  EXPECT_EQ(alice.refused, 0u);
  EXPECT_EQ(bob.refused, 0u);
  EXPECT_EQ(alice.rx->roc(0xB0B), 1u) << "Bob's stream wrapped and Alice follows";
  EXPECT_EQ(bob.rx->roc(0xA11CE), 1u);
  EXPECT_EQ(relay.stats(Side::a).packets_lost, 0u);

  // (key, SSRC, index) never twice under any key the anchor sent with.
  for (const auto& [seen, keys, who] : {std::tuple{&sent_to_a, &keys_to_a, "to a"}, std::tuple{&sent_to_b, &keys_to_b, "to b"}}) {
    std::set<std::tuple<int, std::uint32_t, std::uint64_t>> used;
    for (const auto& d : *seen) {
      auto id = identify(d, *keys);
      ASSERT_TRUE(id) << who << ": a datagram under none of the anchor's keys";
      EXPECT_TRUE(used.insert(*id).second) << who << ": index " << std::get<2>(*id) << " twice under key " << std::get<0>(*id);
    }
    EXPECT_EQ(used.size(), 160u) << who;
  }
}

TEST_F(RelayTest, APeerThatRepeatsSequenceNumbersAfterItsRekeyCannotMakeTheAnchorRepeatAnIndex) {
  // Alice re-keys and (wrongly) goes back 50 sequence numbers under her new key. Her packets
  // authenticate, but Bob's key is unchanged: sending them would use indexes twice under it.
  Relay relay(1, options());
  Phone alice(SuiteId::AEAD_AES_128_GCM, ep(2, 4000), 0xA11CE, 1000, &registry);
  Phone bob(SuiteId::AEAD_AES_128_GCM, ep(3, 5000), 0xB0B, 100, &registry);
  ASSERT_TRUE(relay.set_leg(t0, Side::a, alice.leg_media()));
  ASSERT_TRUE(relay.set_leg(t0, Side::b, bob.leg_media()));
  std::vector<std::vector<std::uint8_t>> sent_to_b;
  auto send = [&]() -> std::optional<Drop> {
    Packet p = alice.rtp();
    auto out = relay.handle_packet(t0, Side::a, alice.at, false, p.span(), p.len);
    if (!out) return out.error();
    sent_to_b.push_back(std::vector<std::uint8_t>(p.buf.begin(), p.buf.begin() + static_cast<std::ptrdiff_t>(out->len)));
    EXPECT_TRUE(bob.receive(p.buf.data(), out->len, false));
    return std::nullopt;
  };
  for (int i = 0; i < 100; ++i) ASSERT_FALSE(send());
  alice.rekey_send();
  ASSERT_TRUE(relay.set_leg(t0, Side::a, alice.leg_media()));
  alice.seq = static_cast<std::uint16_t>(alice.seq - 50);
  for (int i = 0; i < 50; ++i) {
    auto drop = send();
    ASSERT_TRUE(drop) << "index " << alice.seq - 1 << " sent twice under Bob's key";
    EXPECT_EQ(*drop, Drop::index_reuse);
  }
  for (int i = 0; i < 10; ++i) ASSERT_FALSE(send()) << "new indexes flow again";
  EXPECT_EQ(relay.stats(Side::a).auth_failures, 0u);
  EXPECT_EQ(relay.stats(Side::a).not_forwarded, 50u);
  EXPECT_EQ(bob.refused, 0u);
  std::set<std::tuple<int, std::uint32_t, std::uint64_t>> used;
  for (const auto& d : sent_to_b) {
    auto id = identify(d, {*bob.recv_key});
    ASSERT_TRUE(id);
    EXPECT_TRUE(used.insert(*id).second);
  }
  EXPECT_EQ(used.size(), 110u);
}

TEST_F(RelayTest, ANewPeerAtANewAddressStartsFreshContexts) {
  // Transfer: side b is now Carol, at another address with other keys; her contexts start at ROC 0
  // (RFC 4568 section 7.1.4) although Alice's sequence has wrapped.
  Relay relay(1, options());
  Phone alice(SuiteId::AES_CM_128_HMAC_SHA1_80, ep(2, 4000), 0xA11CE, 65500, &registry);
  Phone bob(SuiteId::AES_CM_128_HMAC_SHA1_80, ep(3, 5000), 0xB0B, 100, &registry);
  ASSERT_TRUE(relay.set_leg(t0, Side::a, alice.leg_media()));
  ASSERT_TRUE(relay.set_leg(t0, Side::b, bob.leg_media()));
  Path path{relay, t0};
  for (int i = 0; i < 60; ++i) ASSERT_TRUE(path.send(Side::a, alice, bob));
  Phone carol(SuiteId::AEAD_AES_256_GCM, ep(4, 6000), 0xCA201, 30000, &registry);
  ASSERT_TRUE(relay.set_leg(t0, Side::b, carol.leg_media()));
  for (int i = 0; i < 10; ++i) {
    auto got = path.send(Side::a, alice, carol);
    ASSERT_TRUE(got);
    EXPECT_EQ(*got, alice.last_plain);
    ASSERT_TRUE(path.send(Side::b, carol, alice));
  }
  EXPECT_EQ(carol.refused + alice.refused, 0u);
}

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

TEST_F(RelayTest, DeadMediaIsReportedOnceAfterTheTimeout) {
  RelayOptions o = options();
  o.dead_after = 5s;
  Relay relay(7, o);
  EXPECT_FALSE(relay.next_timeout()) << "nothing negotiated yet";
  Phone alice(SuiteId::AES_CM_128_HMAC_SHA1_80, ep(2, 4000), 0xA11CE, 100, &registry);
  Phone bob(SuiteId::AES_CM_128_HMAC_SHA1_80, ep(3, 5000), 0xB0B, 100, &registry);
  ASSERT_TRUE(relay.set_leg(t0, Side::a, alice.leg_media()));
  ASSERT_TRUE(relay.set_leg(t0, Side::b, bob.leg_media()));
  ASSERT_EQ(relay.next_timeout(), t0 + 5s);
  // Media keeps it alive.
  Path path{relay, t0 + 4s};
  ASSERT_TRUE(path.send(Side::a, alice, bob));
  EXPECT_EQ(relay.next_timeout(), t0 + 9s);
  relay.handle_timeout(t0 + 8s);
  EXPECT_FALSE(relay.poll_event());
  // A forged packet does not keep it alive.
  Packet forged = testing::with_room(srtp::testing::make_rtp(0xA11CE, 500, 160));
  forged.len += 10;
  EXPECT_FALSE(relay.handle_packet(t0 + 8s, Side::a, ep(66, 1), false, forged.span(), forged.len));
  relay.handle_timeout(t0 + 9s);
  auto e = relay.poll_event();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->relay, 7u);
  EXPECT_EQ(describe(*e), "relay 7 dead (no media for 5 s)");
  EXPECT_FALSE(relay.poll_event());
  EXPECT_FALSE(relay.next_timeout()) << "reported once";
  relay.handle_timeout(t0 + 20s);
  EXPECT_FALSE(relay.poll_event());
}

TEST_F(RelayTest, NoDeadMediaWhileOnHold) {
  RelayOptions o = options();
  o.dead_after = 5s;
  Relay relay(3, o);
  Phone alice(std::nullopt, ep(2, 4000), 1, 100, &registry);
  Phone bob(std::nullopt, ep(3, 5000), 2, 100, &registry);
  ASSERT_TRUE(relay.set_leg(t0, Side::a, alice.leg_media(sdp::Direction::inactive)));
  ASSERT_TRUE(relay.set_leg(t0, Side::b, bob.leg_media(sdp::Direction::inactive)));
  EXPECT_FALSE(relay.next_timeout());
  relay.handle_timeout(t0 + 1h);
  EXPECT_FALSE(relay.poll_event());
  // Resumed at t0 + 1h: the clock starts from the resume.
  ASSERT_TRUE(relay.set_leg(t0 + 1h, Side::a, alice.leg_media()));
  ASSERT_TRUE(relay.set_leg(t0 + 1h, Side::b, bob.leg_media()));
  EXPECT_EQ(relay.next_timeout(), t0 + 1h + 5s);
  relay.handle_timeout(t0 + 1h + 5s);
  auto e = relay.poll_event();
  ASSERT_TRUE(e);
  EXPECT_EQ(describe(*e), "relay 3 dead (no media for 5 s)");
}

TEST_F(RelayTest, RefusedLegMediaChangesNothing) {
  Relay relay(1, options());
  Phone alice(SuiteId::AES_CM_128_HMAC_SHA1_80, ep(2, 4000), 0xA11CE, 100, &registry);
  Phone bob(SuiteId::AES_CM_128_HMAC_SHA1_80, ep(3, 5000), 0xB0B, 100, &registry);
  ASSERT_TRUE(relay.set_leg(t0, Side::a, alice.leg_media()));
  ASSERT_TRUE(relay.set_leg(t0, Side::b, bob.leg_media()));

  LegMedia one_key = alice.leg_media();
  one_key.local_key.reset();
  auto st = relay.set_leg(t0, Side::a, one_key);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().context, "side a: SRTP needs both our key and the peer's key, or neither");

  LegMedia plain = alice.leg_media();
  plain.local_key.reset();
  plain.remote_key.reset();
  st = relay.set_leg(t0, Side::a, plain);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().context, "side a: SRTP cannot be switched off in mid-call");

  LegMedia bad_ip = alice.leg_media();
  bad_ip.remote_ip = "alice.example";
  st = relay.set_leg(t0, Side::a, bad_ip);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().context, "side a: remote media address 'alice.example' is not an IP address");

  // Our key towards Bob reused on another relay: the registry refuses a second outbound context.
  Relay other_relay(2, options());
  st = other_relay.set_leg(t0, Side::a, bob.leg_media());
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().context.find("side a: our key: "), std::string::npos) << st.error().context;

  // A new outbound key for Alice that was used before, with a new key from Alice: neither is taken.
  LegMedia reuse = alice.leg_media();
  reuse.remote_key = sdes::make_offer(3, SuiteId::AES_CM_128_HMAC_SHA1_80).value();
  reuse.local_key = bob.recv_key;
  ASSERT_FALSE(relay.set_leg(t0, Side::a, reuse));

  // Everything still works as before.
  Path path{relay, t0};
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(path.send(Side::a, alice, bob));
    ASSERT_TRUE(path.send(Side::b, bob, alice));
  }
  EXPECT_EQ(alice.refused + bob.refused, 0u);
}

TEST_F(RelayTest, DropsWhatCannotBeRelayed) {
  Relay relay(1, options());
  Phone alice(SuiteId::AES_CM_128_HMAC_SHA1_80, ep(2, 4000), 0xA11CE, 100, &registry);
  Phone bob(SuiteId::AEAD_AES_128_GCM, ep(3, 5000), 0xB0B, 100, &registry);  // 16-byte tag: 6 more than Alice's
  Packet early = alice.rtp();
  auto r = relay.handle_packet(t0, Side::a, alice.at, false, early.span(), early.len);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), Drop::no_media);
  ASSERT_TRUE(relay.set_leg(t0, Side::a, alice.leg_media()));
  // Side b not negotiated yet: accepted from Alice, but nowhere to go.
  Packet p = alice.rtp();
  r = relay.handle_packet(t0, Side::a, alice.at, false, p.span(), p.len);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), Drop::no_destination);
  EXPECT_EQ(relay.stats(Side::a).packets_in, 1u);
  EXPECT_EQ(relay.stats(Side::a).not_forwarded, 1u);
  ASSERT_TRUE(relay.set_leg(t0, Side::b, bob.leg_media()));
  // Garbage and short packets.
  Packet junk = testing::with_room({0x00, 0x01, 0x02});
  r = relay.handle_packet(t0, Side::a, alice.at, false, junk.span(), junk.len);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), Drop::malformed);
  // No room for Bob's tag: not forwarded, never written past the buffer.
  Packet tight = alice.rtp();
  r = relay.handle_packet(t0, Side::a, alice.at, false, std::span<std::uint8_t>(tight.buf.data(), tight.len), tight.len);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), Drop::protect_failed);
  EXPECT_EQ(relay.stats(Side::a).dropped, 2u);        // the early one and the junk
  EXPECT_EQ(relay.stats(Side::a).not_forwarded, 2u);  // nowhere to go, no room
}

TEST_F(RelayTest, RtcpMuxSendsRtcpFromTheRtpPort) {
  Relay relay(1, options());
  Phone alice(SuiteId::AES_CM_128_HMAC_SHA1_80, ep(2, 4000), 0xA11CE, 100, &registry);
  Phone bob(SuiteId::AEAD_AES_128_GCM, ep(3, 5000), 0xB0B, 100, &registry);
  bob.rtcp_mux = true;
  ASSERT_TRUE(relay.set_leg(t0, Side::a, alice.leg_media()));
  ASSERT_TRUE(relay.set_leg(t0, Side::b, bob.leg_media()));
  Packet p = alice.rtcp();
  auto out = relay.handle_packet(t0, Side::a, ep(2, 4001), true, p.span(), p.len);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->socket, Socket::rtp);
  EXPECT_EQ(out->destination, ep(3, 5000));
  auto got = bob.receive(p.buf.data(), out->len, true);
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, alice.last_plain);
  // Bob's RTCP, multiplexed, goes to Alice's RTCP port from side a's RTCP socket.
  Packet q = bob.rtcp();
  EXPECT_TRUE(looks_like_rtcp(std::span<const std::uint8_t>(q.buf.data(), q.len)));
  out = relay.handle_packet(t0, Side::b, bob.at, true, q.span(), q.len);
  ASSERT_TRUE(out);
  EXPECT_EQ(out->socket, Socket::rtcp);
  EXPECT_EQ(out->destination, ep(2, 4001));
}

}  // namespace
}  // namespace sotto::relay
