// The relay core in virtual time: re-encryption between legs (SRTP -> SRTP, SRTP <-> RTP, SRTCP),
// latching only on authenticated packets, hold/resume and re-keys across the sequence wrap without an
// authentication failure, no (SSRC, index) twice under one outbound key, dead-media events, set_leg
// refusals that change nothing. Around transfers: relay_transfer_test.cpp.
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
using testing::Phone;

using testing::Path;
using testing::RelayTest;
using testing::t0;

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
