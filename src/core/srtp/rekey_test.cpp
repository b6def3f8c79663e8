// Re-keying without keystream reuse: the outbound key registry, index continuity from one context to
// its replacement (RFC 4568 section 7.1.4), and forged packets under a key derivation rate.
#include <gtest/gtest.h>

#include <random>
#include <set>
#include <vector>

#include "core/rtp/rtp_header.hpp"
#include "core/srtp/context.hpp"
#include "core/srtp/key_registry.hpp"
#include "core/srtp/testing_packets.hpp"

namespace sotto::srtp {
namespace {

using testing::make_rtcp;
using testing::make_rtp;
using testing::test_policy;

std::vector<std::uint8_t> protect(Context& tx, const std::vector<std::uint8_t>& plain, bool rtcp = false) {
  std::vector<std::uint8_t> buf(plain);
  buf.resize(plain.size() + tx.max_trailer());
  auto n = rtcp ? tx.protect_rtcp(buf, plain.size()) : tx.protect_rtp(buf, plain.size());
  EXPECT_TRUE(n) << to_string(n.error());
  buf.resize(n ? *n : 0);
  return buf;
}

std::uint32_t srtcp_index(const std::vector<std::uint8_t>& wire, const Context& tx) {
  // HMAC suites: E+index sits just before MKI and tag (RFC 3711 section 3.4).
  const std::size_t at = wire.size() - 4 - tx.suite().srtcp_tag_len;
  return rtp::load_be32(&wire[at]) & 0x7fffffffu;
}

TEST(KeyRegistry, AnOutboundKeyProtectsInOneContextOnly) {
  KeyRegistry reg;
  const Policy p = test_policy(SuiteId::AES_CM_128_HMAC_SHA1_80, 41);
  auto first = Context::create(Direction::outbound, p, &reg);
  ASSERT_TRUE(first) << first.error().message();
  auto again = Context::create(Direction::outbound, p, &reg);
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().context.find("master key 1 was already used"), std::string::npos) << again.error().context;
  // Receiving under that key is not sending: inbound contexts never claim.
  EXPECT_TRUE(Context::create(Direction::inbound, p, &reg));
  // Another key is fine; a refused policy records nothing.
  EXPECT_TRUE(Context::create(Direction::outbound, test_policy(SuiteId::AES_CM_128_HMAC_SHA1_80, 42), &reg));
  EXPECT_EQ(reg.size(), 2u);
  Policy bad = test_policy(SuiteId::AES_CM_128_HMAC_SHA1_80, 43);
  bad.kdr_exponent = 30;
  EXPECT_FALSE(Context::create(Direction::outbound, bad, &reg));
  EXPECT_FALSE(reg.used(bad.keys.front()));
}

TEST(KeyRegistry, TheProcessRegistryIsTheDefault) {
  Policy p;
  p.keys.push_back(testing::test_key(suite(p.suite), 0xA7));
  p.keys.front().salt[0] ^= 0x5A;  // a key no other test of this binary uses
  ASSERT_TRUE(Context::create(Direction::outbound, p));
  auto again = Context::create(Direction::outbound, p);
  ASSERT_FALSE(again);
  EXPECT_TRUE(KeyRegistry::process().used(p.keys.front()));
}

// Our key changes while the SSRC stays: the new context goes on at the next RTP and SRTCP index.
TEST(Rekey, OutboundIndexesContinueUnderTheNextKey) {
  KeyRegistry reg;
  auto tx1 = Context::create(Direction::outbound, test_policy(SuiteId::AES_CM_128_HMAC_SHA1_80, 1), &reg).value();
  for (std::uint16_t seq = 65530; seq != 3; ++seq) protect(tx1, make_rtp(7, seq, 20));  // wraps: ROC 1
  for (int i = 0; i < 3; ++i) protect(tx1, make_rtcp(7), true);
  ASSERT_EQ(tx1.roc(7), 1u);
  ASSERT_EQ(tx1.next_srtcp_index(7), 3u);

  auto tx2 = Context::create(Direction::outbound, test_policy(SuiteId::AES_CM_128_HMAC_SHA1_80, 2), &reg).value();
  EXPECT_EQ(tx2.continue_from(tx1), 1u);
  EXPECT_EQ(tx2.roc(7), 1u);
  auto w = protect(tx2, make_rtcp(7), true);
  EXPECT_EQ(srtcp_index(w, tx2), 3u) << "SRTCP index continues, it does not restart at 0";

  // The receiver of the new key gets the ROC carried and accepts the next packet.
  auto rx1 = Context::create(Direction::inbound, test_policy(SuiteId::AES_CM_128_HMAC_SHA1_80, 1)).value();
  rx1.set_roc(7, 1);
  auto rx2 = Context::create(Direction::inbound, test_policy(SuiteId::AES_CM_128_HMAC_SHA1_80, 2)).value();
  EXPECT_EQ(rx2.continue_from(rx1), 1u);
  auto pkt = protect(tx2, make_rtp(7, 3, 20));
  EXPECT_TRUE(rx2.unprotect_rtp(pkt, pkt.size()));
  auto rtcp = protect(tx2, make_rtcp(7), true);
  EXPECT_TRUE(rx2.unprotect_rtcp(rtcp, rtcp.size()));
}

// The same key received in a second context (a party moved to another relay, keeping its key): the
// stream goes on where it was, ROC, highest index and both replay windows.
TEST(Rekey, ResumeReceivingCarriesTheWholeInboundStateUnderTheSameKey) {
  KeyRegistry reg;
  auto tx = Context::create(Direction::outbound, test_policy(SuiteId::AES_CM_128_HMAC_SHA1_80, 173), &reg).value();
  auto rx1 = Context::create(Direction::inbound, test_policy(SuiteId::AES_CM_128_HMAC_SHA1_80, 173)).value();
  std::vector<std::uint8_t> last_rtp, last_rtcp;
  for (std::uint16_t seq = 65000; seq != 100; ++seq) {  // wraps: ROC 1
    last_rtp = protect(tx, make_rtp(7, seq, 20));
    auto copy = last_rtp;
    ASSERT_TRUE(rx1.unprotect_rtp(copy, copy.size()));
  }
  last_rtcp = protect(tx, make_rtcp(7), true);
  auto rtcp_copy = last_rtcp;
  ASSERT_TRUE(rx1.unprotect_rtcp(rtcp_copy, rtcp_copy.size()));

  auto fresh = Context::create(Direction::inbound, test_policy(SuiteId::AES_CM_128_HMAC_SHA1_80, 173)).value();
  auto rx2 = Context::create(Direction::inbound, test_policy(SuiteId::AES_CM_128_HMAC_SHA1_80, 173)).value();
  EXPECT_EQ(rx2.resume_receiving_from(rx1), 1u);
  EXPECT_EQ(rx2.roc(7), 1u);
  // What rx1 accepted is a replay in rx2 (RTP and SRTCP).
  auto again = last_rtp;
  ASSERT_FALSE(rx2.unprotect_rtp(again, again.size()));
  EXPECT_EQ(again.size(), last_rtp.size());
  auto rtcp_again = last_rtcp;
  auto r = rx2.unprotect_rtcp(rtcp_again, rtcp_again.size());
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), SrtpError::replay);
  // The next packets authenticate at ROC 1; a fresh context (ROC 0) refuses them.
  auto next = protect(tx, make_rtp(7, 100, 20));
  auto next_copy = next;
  EXPECT_TRUE(rx2.unprotect_rtp(next, next.size()));
  EXPECT_FALSE(fresh.unprotect_rtp(next_copy, next_copy.size()));
  auto rtcp_next = protect(tx, make_rtcp(7), true);
  EXPECT_TRUE(rx2.unprotect_rtcp(rtcp_next, rtcp_next.size()));
  // Only inbound to inbound.
  EXPECT_EQ(tx.resume_receiving_from(rx1), 0u);
  EXPECT_EQ(rx2.resume_receiving_from(tx), 0u);
}

// The peer's sequence wrapped before it re-keyed: without the carried ROC every packet fails.
TEST(Rekey, RtpIndexForTellsTheIndexProtectWouldUse) {
  auto tx = Context::create(Direction::outbound, testing::test_policy(SuiteId::AES_CM_128_HMAC_SHA1_80, 201), kNoKeyRegistry).value();
  EXPECT_EQ(tx.rtp_index_for(7, 65535), 65535u) << "an unknown SSRC starts at ROC 0";
  auto p = testing::make_rtp(7, 65535, 20);
  p.resize(p.size() + 64);
  ASSERT_TRUE(tx.protect_rtp(p, p.size() - 64));
  EXPECT_EQ(tx.rtp_index_for(7, 0), 65536u) << "past the wrap: ROC 1";
  EXPECT_EQ(tx.rtp_index_for(7, 65000), 65000u) << "a little behind: still ROC 0";
  auto next = Context::create(Direction::outbound, testing::test_policy(SuiteId::AES_CM_128_HMAC_SHA1_80, 202), kNoKeyRegistry).value();
  next.continue_from(tx);
  EXPECT_EQ(next.rtp_index_for(7, 1), 65537u) << "carried by continue_from";
}

TEST(Rekey, InboundRocIsCarriedAcrossTheWrap) {
  const Policy k1 = test_policy(SuiteId::AEAD_AES_128_GCM, 11), k2 = test_policy(SuiteId::AEAD_AES_128_GCM, 12);
  KeyRegistry reg;
  auto tx1 = Context::create(Direction::outbound, k1, &reg).value();
  auto rx1 = Context::create(Direction::inbound, k1).value();
  for (std::uint16_t seq = 65500; seq != 100; ++seq) {
    auto w = protect(tx1, make_rtp(9, seq, 20));
    ASSERT_TRUE(rx1.unprotect_rtp(w, w.size())) << seq;
  }
  ASSERT_EQ(rx1.roc(9), 1u);
  auto tx2 = Context::create(Direction::outbound, k2, &reg).value();
  tx2.continue_from(tx1);
  auto fresh_rx = Context::create(Direction::inbound, k2).value();
  auto carried_rx = Context::create(Direction::inbound, k2).value();
  carried_rx.continue_from(rx1);
  int fresh_ok = 0, carried_ok = 0;
  for (std::uint16_t seq = 100; seq < 150; ++seq) {
    auto w = protect(tx2, make_rtp(9, seq, 20));
    auto copy = w;
    if (fresh_rx.unprotect_rtp(w, w.size())) ++fresh_ok;
    if (carried_rx.unprotect_rtp(copy, copy.size())) ++carried_ok;
  }
  EXPECT_EQ(fresh_ok, 0) << "a context that forgot the ROC cannot authenticate";
  EXPECT_EQ(carried_ok, 50);
}

// RFC 3711 4.3.1: forged packets of unknown SSRCs at random indexes must cost one failed tag check
// each: no derivation, no stream. With the KDRs the negotiator accepts by default (2^16 and more) this
// holds for SRTP and SRTCP; below that (only by configuration) it still holds for SRTCP, while SRTP may
// derive for a new stream's epoch (a real stream starts at a random sequence number).
TEST(Kdr, ForgedPacketsOfUnknownSsrcsDeriveNothing) {
  for (std::uint8_t kdr : {std::uint8_t{0}, std::uint8_t{4}, std::uint8_t{16}, std::uint8_t{24}}) {
    Policy p = test_policy(SuiteId::AES_CM_128_HMAC_SHA1_80, 5);
    p.kdr_exponent = kdr;
    auto rx = Context::create(Direction::inbound, p).value();
    std::mt19937 gen(kdr);
    auto rng = [&gen] { return static_cast<std::uint32_t>(gen()); };
    const int n = 2000;
    for (int i = 0; i < n; ++i) {
      auto rtcp_pkt = make_rtcp(rng());
      rtcp_pkt.resize(rtcp_pkt.size() + 14);
      rtp::store_be32(&rtcp_pkt[rtcp_pkt.size() - 14], 0x80000000u | (rng() & 0x7fffffffu));
      EXPECT_FALSE(rx.unprotect_rtcp(rtcp_pkt, rtcp_pkt.size()));
    }
    EXPECT_EQ(rx.counters().key_derivations, 0u) << "SRTCP, KDR exponent " << int{kdr};
    if (kdr >= 16) {
      for (int i = 0; i < n; ++i) {
        auto rtp_pkt = make_rtp(rng(), static_cast<std::uint16_t>(rng()), 40);
        rtp_pkt.resize(rtp_pkt.size() + 10);  // a tag of garbage
        EXPECT_FALSE(rx.unprotect_rtp(rtp_pkt, rtp_pkt.size()));
      }
      EXPECT_EQ(rx.counters().key_derivations, 0u) << "SRTP, KDR exponent " << int{kdr};
    }
    EXPECT_EQ(rx.counters().streams_created, 0u);
    EXPECT_EQ(rx.stream_count(), 0u);
    EXPECT_EQ(rx.counters().auth_failures, (kdr >= 16 ? 2u : 1u) * n);
  }
}

// Below 2^16 a new stream may begin in any epoch: its first packet is accepted (one derivation).
TEST(Kdr, ANewStreamMayStartInAnyEpoch) {
  Policy p = test_policy(SuiteId::AES_CM_128_HMAC_SHA1_80, 7);
  p.kdr_exponent = 4;
  auto tx = Context::create(Direction::outbound, p, kNoKeyRegistry).value();
  auto rx = Context::create(Direction::inbound, p).value();
  for (std::uint16_t seq = 40000; seq < 40040; ++seq) {
    auto w = protect(tx, make_rtp(77, seq, 20));
    ASSERT_TRUE(rx.unprotect_rtp(w, w.size())) << seq;
  }
  EXPECT_EQ(rx.counters().key_derivations, 3u) << "epochs 2500, 2501, 2502";
}

// Session keys of an epoch are derived once and shared by the streams that reach it.
TEST(Kdr, EachEpochIsDerivedOnce) {
  Policy p = test_policy(SuiteId::AES_CM_128_HMAC_SHA1_80, 6);
  p.kdr_exponent = 4;
  auto tx = Context::create(Direction::outbound, p, kNoKeyRegistry).value();
  auto rx = Context::create(Direction::inbound, p).value();
  for (std::uint16_t seq = 0; seq < 64; ++seq) {
    for (std::uint32_t ssrc : {1u, 2u, 3u}) {
      auto w = protect(tx, make_rtp(ssrc, seq, 20));
      ASSERT_TRUE(rx.unprotect_rtp(w, w.size()));
    }
  }
  EXPECT_EQ(tx.counters().key_derivations, 3u) << "epochs 1, 2, 3 (epoch 0 comes with the context)";
  EXPECT_EQ(rx.counters().key_derivations, 3u);
}

}  // namespace
}  // namespace sotto::srtp
