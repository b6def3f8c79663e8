// MediaRelay on loopback in real time: two UDP sockets act as phones, each with its own SRTP contexts
// (core/relay/testing_relay.hpp); packets must flow both ways through the relay, re-encrypted for the
// other leg; a stranger's forged packets are dropped and counted; a transfer moves a side to its new peer;
// dead media is reported; the port
// range is honoured.
#include <gtest/gtest.h>

#include <asio/ip/udp.hpp>
#include <map>

#include "core/relay/testing_relay.hpp"
#include "io/system_clock.hpp"
#include "runtime/media_relay.hpp"

namespace sotto::runtime {
namespace {

using namespace std::chrono_literals;
using relay::Side;
using relay::testing::Packet;
using relay::testing::Phone;

bool run_until(asio::io_context& io, const std::function<bool()>& done, std::chrono::milliseconds bound = 10s) {
  const auto deadline = std::chrono::steady_clock::now() + bound;
  while (!done()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    if (io.stopped()) io.restart();
    io.run_one_for(20ms);
  }
  return true;
}

// A phone's UDP socket on loopback: records what arrives.
struct Endpoint {
  explicit Endpoint(asio::io_context& io) : sock(io, {asio::ip::make_address("127.0.0.1"), 0}) { receive(); }
  std::uint16_t port() const { return sock.local_endpoint().port(); }
  void send(const Packet& p, std::uint16_t to_port) {
    sock.send_to(asio::buffer(p.buf.data(), p.len), {asio::ip::make_address("127.0.0.1"), to_port});
  }
  void receive() {
    sock.async_receive_from(asio::buffer(buf), from, [this](std::error_code ec, std::size_t n) {
      if (ec) return;
      got.emplace_back(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n));
      receive();
    });
  }
  asio::ip::udp::socket sock;
  asio::ip::udp::endpoint from;
  std::array<std::uint8_t, 2048> buf{};
  std::vector<std::vector<std::uint8_t>> got;
};

// Ports outside 20000-30000, where other VoIP traffic on this machine may be.
MediaRelayOptions quiet(srtp::KeyRegistry& registry) {
  MediaRelayOptions o;
  o.port_min = 32000;
  o.port_max = 33000;
  o.relay.outbound_keys = &registry;
  return o;
}

TEST(MediaRelay, RelaysBothWaysReencryptedForTheOtherLeg) {
  asio::io_context io;
  io::SystemClock clock;
  srtp::KeyRegistry registry;
  auto anchor = MediaRelay::create(io, clock, quiet(registry)).value();
  const relay::RelayId id = anchor->open(clock.now()).value();
  const relay::AnchorAddress at_a = anchor->local(id, Side::a), at_b = anchor->local(id, Side::b);
  EXPECT_EQ(at_a.ip, "127.0.0.1");
  EXPECT_EQ(at_a.rtp_port % 2, 0);
  EXPECT_NE(at_a.rtp_port, at_b.rtp_port);
  EXPECT_GE(at_a.rtp_port, 32000);
  EXPECT_LT(at_b.rtp_port, 33000);

  Endpoint alice_rtp(io), alice_rtcp(io), bob_rtp(io);
  Phone alice(srtp::SuiteId::AES_CM_128_HMAC_SHA1_80, relay::testing::ep(1, alice_rtp.port()), 0xA11CE, 65500, &registry);
  Phone bob(srtp::SuiteId::AEAD_AES_128_GCM, relay::testing::ep(1, bob_rtp.port()), 0xB0B, 100, &registry);
  bob.rtcp_mux = true;
  relay::LegMedia a_media = alice.leg_media();
  a_media.remote_rtcp_port = alice_rtcp.port();
  ASSERT_TRUE(anchor->set_leg(clock.now(), id, Side::a, a_media));
  ASSERT_TRUE(anchor->set_leg(clock.now(), id, Side::b, bob.leg_media()));

  // 100 packets each way (Alice's sequence wraps), and RTCP; what each sent, by sequence number.
  constexpr int kPackets = 100;
  std::map<std::uint16_t, std::pair<std::vector<std::uint8_t>, std::vector<std::uint8_t>>> from_alice, from_bob;
  for (int i = 0; i < kPackets; ++i) {
    Packet p = alice.rtp();
    from_alice[static_cast<std::uint16_t>(alice.seq - 1)] = {alice.last_plain, p.bytes()};
    alice_rtp.send(p, at_a.rtp_port);
    Packet q = bob.rtp();
    from_bob[static_cast<std::uint16_t>(bob.seq - 1)] = {bob.last_plain, q.bytes()};
    bob_rtp.send(q, at_b.rtp_port);
  }
  Packet sr_a = alice.rtcp();
  const auto alice_rtcp_plain = alice.last_plain;
  alice_rtcp.send(sr_a, static_cast<std::uint16_t>(at_a.rtp_port + 1));
  Packet sr_b = bob.rtcp();  // rtcp-mux: on Bob's RTP socket, to the anchor's RTP port
  const auto bob_rtcp_plain = bob.last_plain;
  bob_rtp.send(sr_b, at_b.rtp_port);

  ASSERT_TRUE(run_until(io, [&] { return bob_rtp.got.size() >= kPackets + 1 && alice_rtp.got.size() >= kPackets && alice_rtcp.got.size() >= 1; }))
      << "bob got " << bob_rtp.got.size() << ", alice got " << alice_rtp.got.size() << " + " << alice_rtcp.got.size();

  std::size_t rtp_checked = 0;
  auto check = [&](Phone& receiver, const std::vector<std::uint8_t>& wire,
                   std::map<std::uint16_t, std::pair<std::vector<std::uint8_t>, std::vector<std::uint8_t>>>& sent) {
    if (relay::looks_like_rtcp(wire)) return;
    const std::uint16_t seq = rtp::load_be16(&wire[2]);
    ASSERT_TRUE(sent.contains(seq));
    EXPECT_NE(wire, sent[seq].second) << "re-encrypted, not forwarded";
    auto plain = receiver.receive(wire.data(), wire.size(), false);
    ASSERT_TRUE(plain) << "seq " << seq;
    EXPECT_EQ(*plain, sent[seq].first);
    ++rtp_checked;
  };
  for (const auto& w : bob_rtp.got) check(bob, w, from_alice);
  for (const auto& w : alice_rtp.got) check(alice, w, from_bob);
  EXPECT_EQ(rtp_checked, 2u * kPackets);

  // SRTCP: Alice's (to Bob, multiplexed on his RTP port) and Bob's (to Alice's RTCP port).
  bool bob_got_rtcp = false;
  for (const auto& w : bob_rtp.got) {
    if (!relay::looks_like_rtcp(w)) continue;
    auto plain = bob.receive(w.data(), w.size(), true);
    ASSERT_TRUE(plain);
    EXPECT_EQ(*plain, alice_rtcp_plain);
    bob_got_rtcp = true;
  }
  EXPECT_TRUE(bob_got_rtcp);
  auto plain = alice.receive(alice_rtcp.got[0].data(), alice_rtcp.got[0].size(), true);
  ASSERT_TRUE(plain);
  EXPECT_EQ(*plain, bob_rtcp_plain);

  const relay::LegStats sa = anchor->stats(id, Side::a), sb = anchor->stats(id, Side::b);
  EXPECT_EQ(sa.packets_in, kPackets + 1u);
  EXPECT_EQ(sb.packets_in, kPackets + 1u);
  EXPECT_EQ(sa.packets_out, kPackets + 1u);
  EXPECT_EQ(sb.packets_out, kPackets + 1u);
  EXPECT_EQ(sa.auth_failures + sb.auth_failures, 0u);
  EXPECT_TRUE(sa.latched);
  EXPECT_EQ(anchor->suite(id, Side::a), "AES_CM_128_HMAC_SHA1_80");
  EXPECT_EQ(anchor->suite(id, Side::b), "AEAD_AES_128_GCM");
  EXPECT_EQ(alice.refused + bob.refused, 0u);

  // A stranger's forged packets: dropped, counted, never reaching Bob.
  Endpoint stranger(io);
  const std::size_t bob_before = bob_rtp.got.size();
  for (int i = 0; i < 5; ++i) {
    Packet forged = relay::testing::with_room(srtp::testing::make_rtp(0xA11CE, static_cast<std::uint16_t>(200 + i), 160));
    forged.len += 10;
    stranger.send(forged, at_a.rtp_port);
  }
  ASSERT_TRUE(run_until(io, [&] { return anchor->stats(id, Side::a).auth_failures == 5; }));
  run_until(io, [] { return false; }, 100ms);
  EXPECT_EQ(bob_rtp.got.size(), bob_before);

  anchor->close(id);
  EXPECT_EQ(anchor->relay_count(), 0u);
  EXPECT_EQ(anchor->stats(id, Side::a).packets_in, 0u) << "unknown ids give zeros";
}

TEST(MediaRelay, LatchesToWhereAuthenticatedMediaComesFromOverIpv6) {
  // Alice's SDP names one port; her packets come from another (a NAT). Until her first packet, Bob's
  // media goes to the SDP port; after it, to where she really is. Over IPv6 loopback.
  asio::io_context io;
  io::SystemClock clock;
  srtp::KeyRegistry registry;
  MediaRelayOptions o = quiet(registry);
  o.media_ip = "::1";
  auto anchor = MediaRelay::create(io, clock, o).value();
  const relay::RelayId id = anchor->open(clock.now()).value();
  EXPECT_EQ(anchor->local(id, Side::a).ip, "::1");
  auto v6 = [&] { return asio::ip::udp::socket(io, {asio::ip::make_address("::1"), 0}); };
  asio::ip::udp::socket sdp_port = v6(), real_port = v6(), bob_sock = v6();
  auto at = [](const asio::ip::udp::socket& s) {
    netpkt::IpEndpoint e;
    e.address = *netpkt::parse_ip_address("::1");
    e.port = s.local_endpoint().port();
    return e;
  };
  Phone alice(srtp::SuiteId::AEAD_AES_256_GCM, at(sdp_port), 0xA11CE, 1, &registry);
  Phone bob(srtp::SuiteId::AES_CM_128_HMAC_SHA1_80, at(bob_sock), 0xB0B, 1, &registry);
  ASSERT_TRUE(anchor->set_leg(clock.now(), id, Side::a, alice.leg_media()));
  ASSERT_TRUE(anchor->set_leg(clock.now(), id, Side::b, bob.leg_media()));
  const asio::ip::udp::endpoint relay_a(asio::ip::make_address("::1"), anchor->local(id, Side::a).rtp_port);
  const asio::ip::udp::endpoint relay_b(asio::ip::make_address("::1"), anchor->local(id, Side::b).rtp_port);
  std::array<std::uint8_t, 2048> buf{};
  auto pending = [&](asio::ip::udp::socket& s) {
    run_until(io, [&] { return s.available() > 0; }, 5s);
    return s.available();
  };

  Packet first = bob.rtp();
  bob_sock.send_to(asio::buffer(first.buf.data(), first.len), relay_b);
  ASSERT_NE(pending(sdp_port), 0u) << "before latching: to the SDP address";
  const std::size_t n1 = sdp_port.receive(asio::buffer(buf));
  ASSERT_TRUE(alice.receive(buf.data(), n1, false));

  Packet hello = alice.rtp();
  real_port.send_to(asio::buffer(hello.buf.data(), hello.len), relay_a);
  ASSERT_NE(pending(bob_sock), 0u);
  const std::size_t n2 = bob_sock.receive(asio::buffer(buf));
  auto plain = bob.receive(buf.data(), n2, false);
  ASSERT_TRUE(plain);
  EXPECT_EQ(*plain, alice.last_plain);
  EXPECT_TRUE(anchor->stats(id, Side::a).latched);

  Packet second = bob.rtp();
  bob_sock.send_to(asio::buffer(second.buf.data(), second.len), relay_b);
  ASSERT_NE(pending(real_port), 0u) << "after latching: to where Alice's packets come from";
  EXPECT_EQ(sdp_port.available(), 0u);
  const std::size_t n3 = real_port.receive(asio::buffer(buf));
  ASSERT_TRUE(alice.receive(buf.data(), n3, false));
  EXPECT_EQ(alice.refused + bob.refused, 0u);
}

TEST(MediaRelay, ATransferMovesASideToTheNewPeerOverRealSockets) {
  // Side b was Bob; the B2BUA transfers it to Carol (new_peer, new keys): Alice hears Carol, Carol hears
  // Alice under her own key, Bob gets nothing more, side b's counters start again.
  asio::io_context io;
  io::SystemClock clock;
  srtp::KeyRegistry registry;
  auto anchor = MediaRelay::create(io, clock, quiet(registry)).value();
  const relay::RelayId id = anchor->open(clock.now()).value();
  const relay::AnchorAddress at_a = anchor->local(id, Side::a), at_b = anchor->local(id, Side::b);
  Endpoint alice_rtp(io), bob_rtp(io), carol_rtp(io);
  Phone alice(srtp::SuiteId::AES_CM_128_HMAC_SHA1_80, relay::testing::ep(1, alice_rtp.port()), 0xA11CE, 1000, &registry);
  Phone bob(srtp::SuiteId::AES_CM_128_HMAC_SHA1_80, relay::testing::ep(1, bob_rtp.port()), 0xB0B, 100, &registry);
  alice.rtcp_mux = bob.rtcp_mux = true;
  ASSERT_TRUE(anchor->set_leg(clock.now(), id, Side::a, alice.leg_media()));
  ASSERT_TRUE(anchor->set_leg(clock.now(), id, Side::b, bob.leg_media()));
  for (int i = 0; i < 20; ++i) {
    alice_rtp.send(alice.rtp(), at_a.rtp_port);
    bob_rtp.send(bob.rtp(), at_b.rtp_port);
  }
  ASSERT_TRUE(run_until(io, [&] { return bob_rtp.got.size() >= 20 && alice_rtp.got.size() >= 20; }));
  EXPECT_EQ(anchor->stats(id, Side::b).packets_in, 20u);

  Phone carol(srtp::SuiteId::AEAD_AES_128_GCM, relay::testing::ep(1, carol_rtp.port()), 0xCA201, 5000, &registry);
  carol.rtcp_mux = true;
  relay::LegMedia cm = carol.leg_media();
  cm.new_peer = true;
  ASSERT_TRUE(anchor->set_leg(clock.now(), id, Side::b, cm));
  EXPECT_EQ(anchor->stats(id, Side::b).packets_in, 0u);
  EXPECT_FALSE(anchor->stats(id, Side::b).latched);
  const std::size_t bob_had = bob_rtp.got.size(), alice_had = alice_rtp.got.size();
  bob_rtp.send(bob.rtp(), at_b.rtp_port);  // Bob's old key no longer opens side b
  for (int i = 0; i < 20; ++i) {
    alice_rtp.send(alice.rtp(), at_a.rtp_port);
    carol_rtp.send(carol.rtp(), at_b.rtp_port);
  }
  ASSERT_TRUE(run_until(io, [&] { return carol_rtp.got.size() >= 20 && alice_rtp.got.size() >= alice_had + 20; }))
      << "carol got " << carol_rtp.got.size() << ", alice got " << alice_rtp.got.size() - alice_had;
  for (const auto& w : carol_rtp.got) EXPECT_TRUE(carol.receive(w.data(), w.size(), false)) << "under Carol's key";
  for (std::size_t i = alice_had; i < alice_rtp.got.size(); ++i) {
    const auto& w = alice_rtp.got[i];
    EXPECT_EQ(rtp::load_be32(&w[8]), 0xCA201u);
    EXPECT_TRUE(alice.receive(w.data(), w.size(), false));
  }
  EXPECT_EQ(bob_rtp.got.size(), bob_had);
  const relay::LegStats b = anchor->stats(id, Side::b);
  EXPECT_EQ(b.packets_in, 20u);
  EXPECT_EQ(b.packets_out, 20u);
  // Bob's late packet (sent before our BYE reached him): a transfer's straggler, dropped but not an
  // authentication failure (docs/RELAY.md "Around a transfer").
  EXPECT_EQ(b.auth_failures, 0u);
  EXPECT_EQ(b.dropped, 1u);
  EXPECT_TRUE(b.latched);
  EXPECT_EQ(alice.refused + carol.refused, 0u);
}

TEST(MediaRelay, AnAttendedTransferCarriesTheMovedPartysRocFromItsOldRelay) {
  // Carol talks to Bob on relay 2 past her sequence wrap (ROC 1), then moves to relay 1's side b
  // (Bob's side towards Alice) keeping her key: the anchor looks relay 2 up (continue_from), relay 2 is
  // closed, and Alice hears every packet of Carol's at once, with no authentication failure.
  asio::io_context io;
  io::SystemClock clock;
  srtp::KeyRegistry registry;
  auto anchor = MediaRelay::create(io, clock, quiet(registry)).value();
  const relay::RelayId r1 = anchor->open(clock.now()).value(), r2 = anchor->open(clock.now()).value();
  Endpoint alice_rtp(io), bob_rtp(io), bob2_rtp(io), carol_rtp(io);
  Phone alice(srtp::SuiteId::AES_CM_128_HMAC_SHA1_80, relay::testing::ep(1, alice_rtp.port()), 0xA11CE, 1000, &registry);
  Phone bob(srtp::SuiteId::AES_CM_128_HMAC_SHA1_80, relay::testing::ep(1, bob_rtp.port()), 0xB0B, 100, &registry);
  Phone bob2(srtp::SuiteId::AES_CM_128_HMAC_SHA1_80, relay::testing::ep(1, bob2_rtp.port()), 0xB0B2, 100, &registry);
  Phone carol(srtp::SuiteId::AES_CM_128_HMAC_SHA1_80, relay::testing::ep(1, carol_rtp.port()), 0xCA201, 65500, &registry);
  alice.rtcp_mux = bob.rtcp_mux = bob2.rtcp_mux = carol.rtcp_mux = true;
  ASSERT_TRUE(anchor->set_leg(clock.now(), r1, Side::a, alice.leg_media()));
  ASSERT_TRUE(anchor->set_leg(clock.now(), r1, Side::b, bob.leg_media()));
  ASSERT_TRUE(anchor->set_leg(clock.now(), r2, Side::a, bob2.leg_media()));
  ASSERT_TRUE(anchor->set_leg(clock.now(), r2, Side::b, carol.leg_media()));
  for (int i = 0; i < 100; ++i) carol_rtp.send(carol.rtp(), anchor->local(r2, Side::b).rtp_port);
  ASSERT_TRUE(run_until(io, [&] { return bob2_rtp.got.size() >= 100; })) << "bob got " << bob2_rtp.got.size();
  ASSERT_EQ(carol.tx->roc(0xCA201), 1u);

  carol.rekey_receive();  // our new key towards her; she keeps hers
  relay::LegMedia cm = carol.leg_media();
  cm.new_peer = true;
  cm.continue_from = relay::LegOrigin{r2, Side::b};
  ASSERT_TRUE(anchor->set_leg(clock.now(), r1, Side::b, cm));
  anchor->close(r2);
  const std::size_t alice_had = alice_rtp.got.size();
  for (int i = 0; i < 20; ++i) carol_rtp.send(carol.rtp(), anchor->local(r1, Side::b).rtp_port);
  ASSERT_TRUE(run_until(io, [&] { return alice_rtp.got.size() >= alice_had + 20; }))
      << "alice got " << alice_rtp.got.size() - alice_had << "; auth failures " << anchor->stats(r1, Side::b).auth_failures;
  for (std::size_t i = alice_had; i < alice_rtp.got.size(); ++i) {
    EXPECT_TRUE(alice.receive(alice_rtp.got[i].data(), alice_rtp.got[i].size(), false));
  }
  EXPECT_EQ(anchor->stats(r1, Side::b).auth_failures, 0u);
  EXPECT_EQ(anchor->stats(r1, Side::b).packets_in, 20u);
  EXPECT_EQ(alice.refused, 0u);
}

TEST(MediaRelay, ReportsDeadMedia) {
  asio::io_context io;
  io::SystemClock clock;
  srtp::KeyRegistry registry;
  MediaRelayOptions o = quiet(registry);
  o.relay.dead_after = 1s;
  o.check_interval = 100ms;
  std::vector<std::pair<relay::RelayId, std::string>> dead;
  MediaRelay* self = nullptr;
  auto anchor = MediaRelay::create(io, clock, o, [&](relay::RelayId r, const std::string& why) {
    dead.emplace_back(r, why);
    self->close(r);  // as the B2BUA does when it ends the call
  }).value();
  self = anchor.get();
  const relay::RelayId id = anchor->open(clock.now()).value();
  Phone alice(std::nullopt, relay::testing::ep(1, 9), 1, 1, &registry);
  Phone bob(std::nullopt, relay::testing::ep(1, 11), 2, 1, &registry);
  ASSERT_TRUE(anchor->set_leg(clock.now(), id, Side::a, alice.leg_media()));
  ASSERT_TRUE(anchor->set_leg(clock.now(), id, Side::b, bob.leg_media()));
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE(run_until(io, [&] { return !dead.empty(); }, 5s));
  EXPECT_GE(std::chrono::steady_clock::now() - start, 1s);
  EXPECT_EQ(dead[0].first, id);
  EXPECT_EQ(dead[0].second, "relay " + std::to_string(id) + " dead (no media for 1 s)");
  EXPECT_EQ(anchor->relay_count(), 0u);
  run_until(io, [] { return false; }, 300ms);
  EXPECT_EQ(dead.size(), 1u) << "reported once";
}

TEST(MediaRelay, OpenFailsWhenThePortRangeIsFull) {
  asio::io_context io;
  io::SystemClock clock;
  srtp::KeyRegistry registry;
  MediaRelayOptions o = quiet(registry);
  o.port_min = 33100;   // two pairs: one relay
  o.port_max = 33104;
  auto anchor = MediaRelay::create(io, clock, o).value();
  auto first = anchor->open(clock.now());
  ASSERT_TRUE(first) << first.error().message();
  auto second = anchor->open(clock.now());
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error().code, Errc::limit_exceeded);
  EXPECT_NE(second.error().context.find("no free RTP/RTCP port pair on 127.0.0.1 in 33100-33103"), std::string::npos)
      << second.error().context;
  anchor->close(*first);
  EXPECT_TRUE(anchor->open(clock.now())) << "ports come back when a relay closes";
}

TEST(MediaRelay, RefusesBadOptions) {
  asio::io_context io;
  io::SystemClock clock;
  MediaRelayOptions o;
  o.media_ip = "media.example";
  auto r = MediaRelay::create(io, clock, o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().context, "media address 'media.example' is not an IP address");
  o.media_ip = "127.0.0.1";
  o.port_min = 40000;
  o.port_max = 40001;
  r = MediaRelay::create(io, clock, o);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().context, "RTP port range 40000-40001 has no room for an RTP/RTCP pair");
  auto id = MediaRelay::create(io, clock, {}).value()->set_leg(clock.now(), 42, Side::a, {});
  ASSERT_FALSE(id);
  EXPECT_EQ(id.error().context, "relay 42: no such relay");
}

}  // namespace
}  // namespace sotto::runtime
