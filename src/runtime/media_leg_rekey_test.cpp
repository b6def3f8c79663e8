// Re-keying a live call without keystream reuse, on loopback in real time: two MediaLegs with real SRTP
// contexts, every datagram between them relayed through a tap that records it. Through re-keys of
// either side, of both, and hold/resume without a re-key, with both sequence numbers wrapping (ROC 1),
// the (SSRC, index) pair under one master key must never repeat, for SRTP and for SRTCP; and audio must
// keep flowing both ways. Also: a new SSRC from the peer under the same key, and media following a
// changed remote address (RFC 3264 section 8.3.1).
#include <gtest/gtest.h>

#include <map>
#include <set>
#include <tuple>

#include "core/rtp/rtp_header.hpp"
#include "core/srtp/testing_packets.hpp"
#include "io/system_clock.hpp"
#include "runtime/media_leg.hpp"

namespace sotto::runtime {
namespace {

using srtp::SuiteId;
using srtp::testing::test_policy;

io::Endpoint loopback(std::uint16_t port) { return io::Endpoint::parse("127.0.0.1:" + std::to_string(port)).value(); }

void run_for(asio::io_context& io, std::chrono::milliseconds d) {
  io.restart();
  io.run_for(d);
}

struct Datagram {
  bool rtcp = false;
  std::vector<std::uint8_t> bytes;
};

// One direction of the call: datagrams arriving on `rtp`/`rtcp` are recorded and forwarded to `to`.
class Tap {
 public:
  explicit Tap(asio::io_context& io) : rtp_(io, {asio::ip::make_address("127.0.0.1"), 0}), rtcp_(io, {asio::ip::make_address("127.0.0.1"), 0}) {
    receive(rtp_, rtp_buf_, false);
    receive(rtcp_, rtcp_buf_, true);
  }
  std::uint16_t rtp_port() const { return rtp_.local_endpoint().port(); }
  std::uint16_t rtcp_port() const { return rtcp_.local_endpoint().port(); }
  void forward_to(std::uint16_t rtp_port) { to_rtp_ = rtp_port; }
  std::vector<Datagram> seen;

 private:
  void receive(asio::ip::udp::socket& s, std::array<std::uint8_t, 2048>& buf, bool rtcp) {
    s.async_receive_from(asio::buffer(buf), from_, [this, &s, &buf, rtcp](std::error_code ec, std::size_t n) {
      if (ec) return;
      seen.push_back({rtcp, std::vector<std::uint8_t>(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(n))});
      std::error_code ignored;
      if (to_rtp_ != 0) s.send_to(asio::buffer(buf.data(), n), loopback(static_cast<std::uint16_t>(to_rtp_ + (rtcp ? 1 : 0))).udp(), 0, ignored);
      receive(s, buf, rtcp);
    });
  }
  asio::ip::udp::socket rtp_, rtcp_;
  asio::ip::udp::endpoint from_;
  std::array<std::uint8_t, 2048> rtp_buf_{}, rtcp_buf_{};
  std::uint16_t to_rtp_ = 0;
};

// Which of `keys` protected `d`, and at what (SSRC, index): tries each key with a fresh inbound context
// (and ROC 0..2 for SRTP, whose ROC is not on the wire).
struct Identified {
  int key = -1;
  std::uint32_t ssrc = 0;
  std::uint64_t index = 0;
};

Identified identify(const Datagram& d, const std::vector<srtp::Policy>& keys) {
  Identified out;
  for (std::size_t k = 0; k < keys.size(); ++k) {
    for (std::uint32_t roc = 0; roc < (d.rtcp ? 1u : 3u); ++roc) {
      auto rx = srtp::Context::create(srtp::Direction::inbound, keys[k]).value();
      std::vector<std::uint8_t> copy = d.bytes;
      if (d.rtcp) {
        const std::uint32_t ssrc = rtp::load_be32(&copy[4]);
        if (!rx.unprotect_rtcp(copy, copy.size())) continue;
        const std::size_t tag = rx.suite().srtcp_tag_len;
        out = {static_cast<int>(k), ssrc, rtp::load_be32(&d.bytes[d.bytes.size() - tag - 4]) & 0x7fffffffu};
        return out;
      }
      const std::uint32_t ssrc = rtp::load_be32(&copy[8]);
      const std::uint16_t seq = rtp::load_be16(&copy[2]);
      rx.set_roc(ssrc, roc);
      if (!rx.unprotect_rtp(copy, copy.size())) continue;
      out = {static_cast<int>(k), ssrc, (std::uint64_t{roc} << 16) | seq};
      return out;
    }
  }
  return out;
}

// Every datagram must authenticate under one of the sender's keys, and no (key, SSRC, index) may repeat.
void expect_no_index_reuse(const std::vector<Datagram>& seen, const std::vector<srtp::Policy>& keys,
                           const char* who, std::size_t& rtp_count, std::size_t& rtcp_count) {
  std::set<std::tuple<int, std::uint32_t, std::uint64_t>> rtp, rtcp;
  std::size_t unknown = 0;
  for (const Datagram& d : seen) {
    const Identified id = identify(d, keys);
    if (id.key < 0) {
      ++unknown;
      continue;
    }
    auto& set = d.rtcp ? rtcp : rtp;
    EXPECT_TRUE(set.insert({id.key, id.ssrc, id.index}).second)
        << who << (d.rtcp ? " SRTCP" : " SRTP") << " index " << id.index << " of SSRC " << id.ssrc
        << " sent twice under key " << id.key << ": keystream reuse";
  }
  EXPECT_EQ(unknown, 0u) << who << ": datagrams under none of the sender's keys";
  rtp_count = rtp.size();
  rtcp_count = rtcp.size();
}

// Ports outside 20000-30000, where other VoIP traffic on this machine may be (tests run beside it).
MediaLegOptions quiet_ports() {
  MediaLegOptions o;
  o.port_min = 31000;
  o.port_max = 32000;
  return o;
}

MediaLegOptions fast_rtcp(std::uint16_t first_seq) {
  MediaLegOptions o = quiet_ports();
  o.session.rtcp_interval = std::chrono::milliseconds(60);
  o.session.initial_sequence = first_seq;
  return o;
}

TEST(MediaLegRekey, NoIndexRepeatsUnderAnyKeyThroughRekeysHoldAndTheWrap) {
  asio::io_context io;
  io::SystemClock clock;
  const SuiteId suite = SuiteId::AES_CM_128_HMAC_SHA1_80;
  // Seeds no other test of this binary uses: the process-wide key registry sees every outbound key.
  const std::vector<srtp::Policy> a_keys = {test_policy(suite, 101), test_policy(suite, 102), test_policy(suite, 103)};
  const std::vector<srtp::Policy> b_keys = {test_policy(suite, 111), test_policy(suite, 112), test_policy(suite, 113)};
  // Both sequences wrap during the call (a frame every 20 ms): ROC 1 must survive every re-key.
  auto a = MediaLeg::open(io, clock, fast_rtcp(65500)).value();
  auto b = MediaLeg::open(io, clock, fast_rtcp(65520)).value();
  Tap a_to_b(io), b_to_a(io);
  a_to_b.forward_to(b->rtp_port());
  b_to_a.forward_to(a->rtp_port());
  const io::Endpoint at_ab_rtp = loopback(a_to_b.rtp_port()), at_ab_rtcp = loopback(a_to_b.rtcp_port());
  const io::Endpoint at_ba_rtp = loopback(b_to_a.rtp_port()), at_ba_rtcp = loopback(b_to_a.rtcp_port());
    ASSERT_TRUE(a->start(at_ab_rtp, at_ab_rtcp, a_keys[0], b_keys[0]));
  ASSERT_TRUE(b->start(at_ba_rtp, at_ba_rtcp, b_keys[0], a_keys[0]));
  auto accepted = [](const MediaLeg& l) { return l.summary().srtp_rx.rtp_packets; };
  run_for(io, std::chrono::milliseconds(500));
  std::uint64_t a_rx = accepted(*a), b_rx = accepted(*b);
  ASSERT_GT(a_rx, 10u);

  // Theirs only (after B's sequence wrapped): B sends under b_keys[1], A keeps its key.
  ASSERT_TRUE(b->update(at_ba_rtp, at_ba_rtcp, b_keys[1], std::nullopt, sdp::Direction::sendrecv));
  ASSERT_TRUE(a->update(at_ab_rtp, at_ab_rtcp, std::nullopt, b_keys[1], sdp::Direction::sendrecv));
  run_for(io, std::chrono::milliseconds(400));
  EXPECT_GT(accepted(*a), a_rx + 10) << "A must decrypt B's new key at ROC 1";
  EXPECT_GT(accepted(*b), b_rx + 10);
  a_rx = accepted(*a), b_rx = accepted(*b);

  // Hold and resume without a re-key: nothing restarts.
  ASSERT_TRUE(a->update(at_ab_rtp, at_ab_rtcp, std::nullopt, std::nullopt, sdp::Direction::sendonly));
  ASSERT_TRUE(b->update(at_ba_rtp, at_ba_rtcp, std::nullopt, std::nullopt, sdp::Direction::recvonly));
  run_for(io, std::chrono::milliseconds(250));
  ASSERT_TRUE(a->update(at_ab_rtp, at_ab_rtcp, std::nullopt, std::nullopt, sdp::Direction::sendrecv));
  ASSERT_TRUE(b->update(at_ba_rtp, at_ba_rtcp, std::nullopt, std::nullopt, sdp::Direction::sendrecv));
  run_for(io, std::chrono::milliseconds(300));
  EXPECT_GT(accepted(*a), a_rx + 5);
  a_rx = accepted(*a), b_rx = accepted(*b);

  // Ours only (A's sequence wrapped by now).
  ASSERT_EQ(a->summary().srtp_tx.rtp_packets > 40, true);
  ASSERT_TRUE(a->update(at_ab_rtp, at_ab_rtcp, a_keys[1], std::nullopt, sdp::Direction::sendrecv));
  ASSERT_TRUE(b->update(at_ba_rtp, at_ba_rtcp, std::nullopt, a_keys[1], sdp::Direction::sendrecv));
  run_for(io, std::chrono::milliseconds(400));
  EXPECT_GT(accepted(*b), b_rx + 10) << "B must decrypt A's new key at ROC 1";
  a_rx = accepted(*a), b_rx = accepted(*b);

  // Both at once.
  ASSERT_TRUE(a->update(at_ab_rtp, at_ab_rtcp, a_keys[2], b_keys[2], sdp::Direction::sendrecv));
  ASSERT_TRUE(b->update(at_ba_rtp, at_ba_rtcp, b_keys[2], a_keys[2], sdp::Direction::sendrecv));
  run_for(io, std::chrono::milliseconds(400));
  EXPECT_GT(accepted(*a), a_rx + 10);
  EXPECT_GT(accepted(*b), b_rx + 10);

  // Re-keying back to a key already used is refused, and changes nothing.
  auto again = a->update(at_ab_rtp, at_ab_rtcp, a_keys[0], std::nullopt, sdp::Direction::sendrecv);
  EXPECT_FALSE(again);
  if (!again) {
    EXPECT_NE(again.error().context.find("already used"), std::string::npos) << again.error().context;
  }
  a->stop();
  b->stop();
  run_for(io, std::chrono::milliseconds(50));

  std::size_t a_rtp = 0, a_rtcp = 0, b_rtp = 0, b_rtcp = 0;
  expect_no_index_reuse(a_to_b.seen, a_keys, "A", a_rtp, a_rtcp);
  expect_no_index_reuse(b_to_a.seen, b_keys, "B", b_rtp, b_rtcp);
  // The check saw the call: both wraps, and SRTCP under every key.
  EXPECT_GT(a_rtp, 80u);
  EXPECT_GT(b_rtp, 80u);
  EXPECT_GT(a_rtcp, 10u);
  EXPECT_GT(b_rtcp, 10u);
  EXPECT_EQ(a->summary().srtp_rx.auth_failures + b->summary().srtp_rx.auth_failures < 20, true)
      << "only packets in flight while the keys change may fail";
}

// A PBX that changes its SSRC on hold/resume: a new stream under the same key, with its own ROC.
TEST(MediaLegRekey, ANewSsrcFromThePeerIsAcceptedOnceItAuthenticates) {
  asio::io_context io;
  io::SystemClock clock;
  const srtp::Policy peer_key = test_policy(SuiteId::AEAD_AES_128_GCM, 121);
  auto a = MediaLeg::open(io, clock, quiet_ports()).value();
  Tap sink(io);  // A's packets go nowhere else
  ASSERT_TRUE(a->start(loopback(sink.rtp_port()), loopback(sink.rtcp_port()), test_policy(SuiteId::AEAD_AES_128_GCM, 122), peer_key));
  auto peer_tx = srtp::Context::create(srtp::Direction::outbound, peer_key).value();
  asio::ip::udp::socket peer(io, {asio::ip::make_address("127.0.0.1"), 0});
  auto send = [&](std::uint32_t ssrc, std::uint16_t seq) {
    auto pkt = srtp::testing::make_rtp(ssrc, seq, 160);
    pkt[1] = 0;  // PCMU
    const std::size_t len = pkt.size();
    pkt.resize(len + peer_tx.max_trailer());
    auto n = peer_tx.protect_rtp(pkt, len);
    ASSERT_TRUE(n);
    peer.send_to(asio::buffer(pkt.data(), *n), loopback(a->rtp_port()).udp());
  };
  for (std::uint16_t i = 0; i < 20; ++i) send(0x1111, static_cast<std::uint16_t>(100 + i));
  run_for(io, std::chrono::milliseconds(100));
  for (std::uint16_t i = 0; i < 20; ++i) send(0x2222, static_cast<std::uint16_t>(65530 + i));  // wraps: ROC 1
  // A forged packet under a third SSRC is dropped.
  auto forged = srtp::testing::make_rtp(0x3333, 7, 160);
  forged.resize(forged.size() + 16);
  peer.send_to(asio::buffer(forged), loopback(a->rtp_port()).udp());
  run_for(io, std::chrono::milliseconds(200));
  const MediaSummary s = a->summary();
  a->stop();
  EXPECT_EQ(s.srtp_rx.rtp_packets, 40u);
  EXPECT_EQ(s.srtp_rx.auth_failures, 1u);
  EXPECT_EQ(s.srtp_rx.streams_created, 2u);
}

// RFC 3264 section 8.3.1: a re-INVITE moved the peer's media; ours follows it (same key, same indexes).
TEST(MediaLegRekey, MediaFollowsAChangedRemoteAddress) {
  asio::io_context io;
  io::SystemClock clock;
  const SuiteId suite = SuiteId::AES_CM_128_HMAC_SHA1_80;
  auto a = MediaLeg::open(io, clock, quiet_ports()).value();
  Tap first(io), second(io);
  ASSERT_TRUE(a->start(loopback(first.rtp_port()), loopback(first.rtcp_port()), test_policy(suite, 131), test_policy(suite, 132)));
  run_for(io, std::chrono::milliseconds(200));
  const std::size_t to_first = first.seen.size();
  ASSERT_GT(to_first, 3u);
  ASSERT_TRUE(a->update(loopback(second.rtp_port()), loopback(second.rtcp_port()), std::nullopt, std::nullopt,
                        sdp::Direction::sendrecv));
  run_for(io, std::chrono::milliseconds(200));
  a->stop();
  EXPECT_LE(first.seen.size(), to_first + 1) << "nothing more to the old address";
  EXPECT_GT(second.seen.size(), 3u);
  // The stream goes on: the first packet at the new address follows the last one at the old.
  std::vector<Datagram> all = first.seen;
  all.insert(all.end(), second.seen.begin(), second.seen.end());
  std::size_t rtp = 0, rtcp = 0;
  expect_no_index_reuse(all, {test_policy(suite, 131)}, "A", rtp, rtcp);
}

// RFC 4568 section 7.1.4: a peer that moves sends a new key, whose crypto context starts at ROC 0;
// under the same address a new key keeps the ROC (RFC 3711 section 3.3.1).
TEST(MediaLegRekey, APeerThatMovesStartsItsNewKeyAtRocZero) {
  asio::io_context io;
  io::SystemClock clock;
  const SuiteId suite = SuiteId::AES_CM_128_HMAC_SHA1_80;
  const srtp::Policy k1 = test_policy(suite, 141), k2 = test_policy(suite, 142), k3 = test_policy(suite, 143);
  auto a = MediaLeg::open(io, clock, quiet_ports()).value();
  Tap first(io), second(io);
  ASSERT_TRUE(a->start(loopback(first.rtp_port()), loopback(first.rtcp_port()), test_policy(suite, 144), k1));
  asio::ip::udp::socket peer(io, {asio::ip::make_address("127.0.0.1"), 0});
  auto send_all = [&](srtp::Context& tx, std::uint16_t from, int n) {
    for (int i = 0; i < n; ++i) {
      auto pkt = srtp::testing::make_rtp(0x5151, static_cast<std::uint16_t>(from + i), 160);
      const std::size_t len = pkt.size();
      pkt.resize(len + tx.max_trailer());
      auto w = tx.protect_rtp(pkt, len);
      ASSERT_TRUE(w);
      peer.send_to(asio::buffer(pkt.data(), *w), loopback(a->rtp_port()).udp());
    }
    run_for(io, std::chrono::milliseconds(100));
  };
  auto tx1 = srtp::Context::create(srtp::Direction::outbound, k1).value();
  send_all(tx1, 65526, 20);  // wraps: ROC 1
  ASSERT_EQ(a->summary().srtp_rx.rtp_packets, 20u);

  // Same address, new key: the sender goes on at ROC 1 and the receiver carries it.
  auto tx2 = srtp::Context::create(srtp::Direction::outbound, k2).value();
  tx2.continue_from(tx1);
  ASSERT_TRUE(a->update(loopback(first.rtp_port()), loopback(first.rtcp_port()), std::nullopt, k2, sdp::Direction::sendrecv));
  send_all(tx2, 10, 20);
  EXPECT_EQ(a->summary().srtp_rx.rtp_packets, 40u);

  // New address, new key: a new crypto context on the peer's side, ROC 0, sequence from anywhere.
  auto tx3 = srtp::Context::create(srtp::Direction::outbound, k3).value();
  ASSERT_TRUE(a->update(loopback(second.rtp_port()), loopback(second.rtcp_port()), std::nullopt, k3, sdp::Direction::sendrecv));
  send_all(tx3, 500, 20);
  const MediaSummary s = a->summary();
  a->stop();
  EXPECT_EQ(s.srtp_rx.rtp_packets, 60u);
  EXPECT_EQ(s.srtp_rx.auth_failures, 0u);
}

}  // namespace
}  // namespace sotto::runtime
