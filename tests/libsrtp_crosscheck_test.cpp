// Cross-checks of our SRTP engine against libsrtp 2 (Debian's 2.5), every suite both implement:
//   - byte equality: the same keys and packet give the same protected bytes from both, every packet;
//   - both directions: ours protects -> libsrtp unprotects, libsrtp protects -> ours unprotects, and
//     each receiver returns the original plaintext byte for byte;
//   - a lossy, reordering network: neighbours swapped, late packets within the replay window, losses
//     and duplicates (both receivers must take the same accept/reject decision on each);
//   - three SSRCs interleaved, the main one starting at seq 65000 so its ROC goes 0 -> 2;
//   - SRTCP compound packets (SR + SDES) with index growth, and MKI with a key switch mid-stream.
#include <gtest/gtest.h>

#include <map>
#include <random>

#include "core/srtp/context.hpp"
#include "crosscheck_support.hpp"
#include "interop/libsrtp/libsrtp_session.hpp"

namespace sotto {
namespace {

using interop::LibsrtpSession;
using srtp::Context;
using srtp::Direction;
using srtp::SuiteId;

constexpr std::size_t kRoom = 64;  // trailer room: tag + MKI + SRTCP index, with margin

std::vector<SuiteId> common_suites() {
  std::vector<SuiteId> ids;
  for (const srtp::Suite& s : srtp::all_suites()) {
    if (interop::libsrtp_supports(s.id)) ids.push_back(s.id);
  }
  return ids;
}

std::string suite_name(const ::testing::TestParamInfo<SuiteId>& info) {
  return std::string(srtp::suite(info.param).name);
}

// The four endpoints of one cross-check: a sender and a receiver of each implementation.
struct Endpoints {
  Context sotto_tx, sotto_rx;
  LibsrtpSession lib_tx, lib_rx;

  static std::optional<Endpoints> make(const srtp::Policy& p) {
    auto a = Context::create(Direction::outbound, p, srtp::kNoKeyRegistry);
    auto b = Context::create(Direction::inbound, p);
    auto c = LibsrtpSession::create(Direction::outbound, p);
    auto d = LibsrtpSession::create(Direction::inbound, p);
    if (!a || !b || !c || !d) {
      ADD_FAILURE() << "setup failed: " << (!a ? a.error().message() : !b ? b.error().message()
                                            : !c ? c.error().message() : d.error().message());
      return std::nullopt;
    }
    return Endpoints{std::move(*a), std::move(*b), std::move(*c), std::move(*d)};
  }
};

// A packet in flight: what ours sent, what libsrtp sent (identical when byte equality holds), and
// the plaintext both receivers must recover.
struct InFlight {
  std::vector<std::uint8_t> from_sotto, from_lib, plain;
  bool duplicate = false;
  std::string what;  // "ssrc .. seq .. roc .." for failure messages
};

// Delivers in order of (time, late-flag): a packet scheduled late at t sorts after the one sent at t.
class Network {
 public:
  explicit Network(std::uint32_t seed) : rng_(seed) {}

  // Schedules a sent packet: 2% lost, 4% swapped with its neighbour, 3% late by 8..40 sends,
  // 1% duplicated 4..30 sends later.
  void send(std::uint64_t now, InFlight pkt) {
    const std::uint32_t r = next(100);
    if (r < 2) return;
    if (r < 6) {
      queue_.emplace(std::pair{now + 1, 1}, std::move(pkt));
    } else if (r < 9) {
      queue_.emplace(std::pair{now + 8 + next(33), 1}, std::move(pkt));
    } else if (r < 10) {
      InFlight dup = pkt;
      dup.duplicate = true;
      queue_.emplace(std::pair{now, 0}, std::move(pkt));
      queue_.emplace(std::pair{now + 4 + next(27), 1}, std::move(dup));
    } else {
      queue_.emplace(std::pair{now, 0}, std::move(pkt));
    }
  }
  // Pops the next packet due at or before `now` (or any, when flushing).
  std::optional<InFlight> receive(std::uint64_t now, bool flush = false) {
    if (queue_.empty() || (!flush && queue_.begin()->first.first > now)) return std::nullopt;
    InFlight p = std::move(queue_.begin()->second);
    queue_.erase(queue_.begin());
    return p;
  }
  std::uint32_t next(std::uint32_t bound) { return static_cast<std::uint32_t>(rng_() % bound); }

 private:
  std::mt19937 rng_;
  std::multimap<std::pair<std::uint64_t, int>, InFlight> queue_;
};

struct Tally {
  std::size_t accepted = 0, rejected = 0, duplicates_rejected = 0;
};

// Unprotects one in-flight packet on both receivers; returns false (after reporting) on disagreement.
template <class SottoCall, class LibCall>
bool deliver(const InFlight& p, SottoCall sotto_unprotect, LibCall lib_unprotect, Tally& t) {
  std::vector<std::uint8_t> a = p.from_lib;  // libsrtp's bytes into ours
  std::vector<std::uint8_t> b = p.from_sotto;  // our bytes into libsrtp
  auto ra = sotto_unprotect(a);
  auto rb = lib_unprotect(b);
  if (ra.has_value() != rb.has_value()) {
    ADD_FAILURE() << p.what << (p.duplicate ? " (duplicate)" : "") << ": sotto "
                  << (ra ? "accepted" : std::string(to_string(ra.error()))) << ", libsrtp "
                  << (rb ? "accepted" : std::string(to_string(rb.error())));
    return false;
  }
  if (!ra) {
    ++t.rejected;
    if (p.duplicate) ++t.duplicates_rejected;
    return true;
  }
  if (p.duplicate) {
    ADD_FAILURE() << p.what << ": a duplicate was accepted by both";
    return false;
  }
  ++t.accepted;
  a.resize(*ra);
  b.resize(*rb);
  if (auto d = xc::first_difference(a, p.plain)) {
    ADD_FAILURE() << p.what << ": sotto unprotect of libsrtp's packet differs from the plaintext: " << *d;
    return false;
  }
  if (auto d = xc::first_difference(b, p.plain)) {
    ADD_FAILURE() << p.what << ": libsrtp unprotect of our packet differs from the plaintext: " << *d;
    return false;
  }
  return true;
}

// Protects `plain` with both senders; returns the two outputs, or nullopt after reporting.
template <class SottoCall, class LibCall>
std::optional<InFlight> protect_both(const std::vector<std::uint8_t>& plain, SottoCall sotto_protect,
                                     LibCall lib_protect, std::string what) {
  InFlight f{plain, plain, plain, false, std::move(what)};
  f.from_sotto.resize(plain.size() + kRoom);
  f.from_lib.resize(plain.size() + kRoom);
  auto ra = sotto_protect(f.from_sotto, plain.size());
  auto rb = lib_protect(f.from_lib, plain.size());
  if (!ra || !rb) {
    ADD_FAILURE() << f.what << ": protect failed: sotto " << (ra ? "ok" : std::string(to_string(ra.error())))
                  << ", libsrtp " << (rb ? "ok" : std::string(to_string(rb.error())));
    return std::nullopt;
  }
  f.from_sotto.resize(*ra);
  f.from_lib.resize(*rb);
  if (auto d = xc::first_difference(f.from_sotto, f.from_lib)) {
    ADD_FAILURE() << f.what << ": protected bytes differ (sotto vs libsrtp): " << *d;
    return std::nullopt;
  }
  return f;
}

class RtpCrosscheck : public ::testing::TestWithParam<SuiteId> {};

TEST_P(RtpCrosscheck, ByteEqualBothWaysThroughLossAndReorderingAcrossRocWrap) {
  const SuiteId id = GetParam();
  const srtp::Policy policy = xc::policy(id, 3);
  std::optional<Endpoints> ep = Endpoints::make(policy);
  ASSERT_TRUE(ep.has_value());
  Endpoints& e = *ep;
  Network net(1000 + static_cast<std::uint32_t>(id));

  // Main SSRC from seq 65000 (7 of 8 packets); two others interleaved, one starting just before a wrap.
  struct Ssrc { std::uint32_t ssrc; std::uint64_t index; };
  Ssrc streams[3] = {{0x11223344, 65000}, {0x0000BEEF, 100}, {0xCAFE0001, 65500}};
  const std::size_t total = xc::packet_count();
  Tally tally;

  auto sotto_rx = [&](std::vector<std::uint8_t>& b) { return e.sotto_rx.unprotect_rtp(b, b.size()); };
  auto lib_rx = [&](std::vector<std::uint8_t>& b) { return e.lib_rx.unprotect_rtp(b, b.size()); };
  auto sotto_tx = [&](std::vector<std::uint8_t>& b, std::size_t n) { return e.sotto_tx.protect_rtp(b, n); };
  auto lib_tx = [&](std::vector<std::uint8_t>& b, std::size_t n) { return e.lib_tx.protect_rtp(b, n); };

  for (std::uint64_t i = 0; i < total; ++i) {
    Ssrc& s = streams[i % 8 != 7 ? 0 : 1 + (i / 8) % 2];
    const auto seq = static_cast<std::uint16_t>(s.index);
    const std::uint32_t pick = net.next(100);
    // Sizes 0..1200: mostly voice-like, some video-like, some empty or tiny.
    const std::size_t payload = pick < 50 ? 160 : pick < 60 ? net.next(21) : pick < 80 ? 1200 : net.next(1201);
    const auto csrcs = static_cast<std::uint8_t>(i % 13 == 0 ? 1 + i % 3 : 0);
    const std::size_t ext = i % 11 == 0 ? 1 + i % 3 : 0;
    std::string what = std::string(srtp::suite(id).name) + " ssrc " + std::to_string(s.ssrc) + " seq " +
                       std::to_string(seq) + " roc " + std::to_string(s.index >> 16) + " (packet " +
                       std::to_string(i) + ", payload " + std::to_string(payload) + ")";
    auto f = protect_both(xc::rtp_packet(s.ssrc, seq, payload, csrcs, ext), sotto_tx, lib_tx, std::move(what));
    if (!f) return;
    ++s.index;
    net.send(i, std::move(*f));
    while (auto p = net.receive(i)) {
      if (!deliver(*p, sotto_rx, lib_rx, tally)) return;
    }
  }
  while (auto p = net.receive(0, true)) {
    if (!deliver(*p, sotto_rx, lib_rx, tally)) return;
  }

  // The ROC each side ended with, for the main SSRC.
  const std::uint32_t want_roc = static_cast<std::uint32_t>((streams[0].index - 1) >> 16);
  EXPECT_EQ(e.sotto_tx.roc(streams[0].ssrc), want_roc);
  EXPECT_EQ(e.lib_tx.roc(streams[0].ssrc), want_roc);
  EXPECT_EQ(e.sotto_rx.roc(streams[0].ssrc), want_roc);
  EXPECT_EQ(e.lib_rx.roc(streams[0].ssrc), want_roc);
  if (total >= 132000) {
    EXPECT_EQ(want_roc, 2u);
  }
  EXPECT_EQ(e.sotto_rx.stream_count(), 3u);
  EXPECT_GT(tally.accepted, total * 9 / 10);
  EXPECT_GT(tally.duplicates_rejected, 0u);
  EXPECT_EQ(e.sotto_rx.counters().rtp_packets, tally.accepted);
}

INSTANTIATE_TEST_SUITE_P(Libsrtp, RtpCrosscheck, ::testing::ValuesIn(common_suites()), suite_name);

class RtcpCrosscheck : public ::testing::TestWithParam<SuiteId> {};

// The 31-bit SRTCP index of a protected packet without MKI: before the tag for HMAC suites, last for
// AEAD (RFC 7714 section 9).
std::uint32_t srtcp_index(SuiteId id, std::span<const std::uint8_t> pkt) {
  const srtp::Suite& s = srtp::suite(id);
  const std::size_t at = s.auth == srtp::Auth::aead ? pkt.size() - 4 : pkt.size() - 4 - s.srtcp_tag_len;
  return xc::get32(pkt, at) & 0x7fffffff;
}

// libsrtp numbers its first SRTCP packet 1, we number it 0 (RFC 3711 section 3.4: "set to zero
// before the first SRTCP packet is sent"). To compare bytes, ours first protects one packet per SSRC
// that libsrtp's receiver also gets; from then on both put index n on their n-th packet.
TEST_P(RtcpCrosscheck, CompoundPacketsByteEqualWithIndexGrowth) {
  const SuiteId id = GetParam();
  const srtp::Policy policy = xc::policy(id, 5);
  std::optional<Endpoints> ep = Endpoints::make(policy);
  ASSERT_TRUE(ep.has_value());
  Endpoints& e = *ep;
  Network net(2000 + static_cast<std::uint32_t>(id));
  const std::uint32_t ssrcs[2] = {0x01020304, 0x7EADBEEF};
  const std::size_t total = std::max<std::size_t>(xc::packet_count() / 40, 100);  // 3300 by default
  Tally tally;
  auto sotto_rx = [&](std::vector<std::uint8_t>& b) { return e.sotto_rx.unprotect_rtcp(b, b.size()); };
  auto lib_rx = [&](std::vector<std::uint8_t>& b) { return e.lib_rx.unprotect_rtcp(b, b.size()); };
  auto sotto_tx = [&](std::vector<std::uint8_t>& b, std::size_t n) { return e.sotto_tx.protect_rtcp(b, n); };
  auto lib_tx = [&](std::vector<std::uint8_t>& b, std::size_t n) { return e.lib_tx.protect_rtcp(b, n); };

  for (std::uint32_t ssrc : ssrcs) {  // align the SRTCP index (see above)
    auto warm = xc::rtcp_compound(ssrc, 0, 0, 8);
    std::size_t len = warm.size();
    warm.resize(len + kRoom);
    auto n = e.sotto_tx.protect_rtcp(warm, len);
    ASSERT_TRUE(n.has_value());
    EXPECT_EQ(srtcp_index(id, std::span(warm).first(*n)), 0u) << "our first SRTCP index";
    auto m = e.lib_rx.unprotect_rtcp(warm, *n);
    ASSERT_TRUE(m.has_value()) << to_string(m.error());
  }
  std::uint32_t sent[2] = {0, 0};
  for (std::uint64_t i = 0; i < total; ++i) {
    const std::size_t k = i % 3 == 2 ? 1 : 0;
    const std::uint32_t n = ++sent[k];
    auto plain = xc::rtcp_compound(ssrcs[k], n, static_cast<std::uint8_t>(i % 4), 4 + i % 29);
    std::string what = std::string(srtp::suite(id).name) + " SRTCP ssrc " + std::to_string(ssrcs[k]) +
                       " index " + std::to_string(n);
    auto f = protect_both(plain, sotto_tx, lib_tx, std::move(what));
    if (!f) return;
    ASSERT_EQ(srtcp_index(id, f->from_sotto), n) << f->what;
    net.send(i, std::move(*f));
    while (auto p = net.receive(i)) {
      if (!deliver(*p, sotto_rx, lib_rx, tally)) return;
    }
  }
  while (auto p = net.receive(0, true)) {
    if (!deliver(*p, sotto_rx, lib_rx, tally)) return;
  }
  EXPECT_GT(tally.accepted, total * 9 / 10);
  EXPECT_EQ(e.sotto_rx.counters().rtcp_packets, tally.accepted);
}

INSTANTIATE_TEST_SUITE_P(Libsrtp, RtcpCrosscheck, ::testing::ValuesIn(common_suites()), suite_name);

}  // namespace
}  // namespace sotto
