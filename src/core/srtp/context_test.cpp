// Behaviour of the SRTP engine: round trips for every suite, the failure outcomes and their counters,
// ROC handling, MKI, lifetimes, KDR and RFC 6904. Published vectors are in srtp_vectors_test.cpp and
// the cross-check against libsrtp in tests/libsrtp_crosscheck_test.cpp.
#include "core/srtp/context.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "core/srtp/testing_packets.hpp"

namespace sotto::srtp {
namespace {

using testing::make_rtcp;
using testing::make_rtp;
using testing::test_key;
using testing::test_policy;

struct Pair {
  Context tx;
  Context rx;
};

Pair make_pair(const Policy& p) {
  auto tx = Context::create(Direction::outbound, p, kNoKeyRegistry);
  auto rx = Context::create(Direction::inbound, p);
  EXPECT_TRUE(tx) << tx.error().message();
  EXPECT_TRUE(rx) << rx.error().message();
  return Pair{std::move(*tx), std::move(*rx)};
}

// Protects `plain` and returns the wire bytes.
std::vector<std::uint8_t> protect(Context& tx, const std::vector<std::uint8_t>& plain, bool rtcp = false) {
  std::vector<std::uint8_t> buf(plain);
  buf.resize(plain.size() + tx.max_trailer());
  auto n = rtcp ? tx.protect_rtcp(buf, plain.size()) : tx.protect_rtp(buf, plain.size());
  EXPECT_TRUE(n) << to_string(n.error());
  buf.resize(n ? *n : 0);
  return buf;
}

PacketResult unprotect(Context& rx, std::vector<std::uint8_t>& wire, bool rtcp = false) {
  auto n = rtcp ? rx.unprotect_rtcp(wire, wire.size()) : rx.unprotect_rtp(wire, wire.size());
  if (n) wire.resize(*n);
  return n;
}

class EverySuite : public ::testing::TestWithParam<SuiteId> {};

TEST_P(EverySuite, RtpRoundTripWithCsrcsAndExtension) {
  Pair c = make_pair(test_policy(GetParam()));
  const Suite& s = suite(GetParam());
  for (std::uint16_t seq = 100; seq < 140; ++seq) {
    auto plain = make_rtp(0x1234, seq, seq % 3 == 0 ? 0 : 160, seq % 4, seq % 5 == 0 ? 2 : 0);
    auto wire = protect(c.tx, plain);
    ASSERT_EQ(wire.size(), plain.size() + s.srtp_tag_len);
    if (s.cipher != Cipher::null && plain.size() > 40) {
      EXPECT_NE(std::vector<std::uint8_t>(wire.begin() + 30, wire.begin() + 40),
                std::vector<std::uint8_t>(plain.begin() + 30, plain.begin() + 40));
    }
    ASSERT_TRUE(unprotect(c.rx, wire)) << "seq " << seq;
    EXPECT_EQ(wire, plain);
  }
  EXPECT_EQ(c.tx.counters().rtp_packets, 40u);
  EXPECT_EQ(c.rx.counters().rtp_packets, 40u);
}

TEST_P(EverySuite, RtcpRoundTripEncryptedAndNot) {
  for (bool encrypt : {true, false}) {
    Policy p = test_policy(GetParam());
    p.encrypt_rtcp = encrypt;
    Pair c = make_pair(p);
    for (int i = 0; i < 20; ++i) {
      auto plain = make_rtcp(0xabcdef01, static_cast<std::size_t>(24 + 4 * i));
      auto wire = protect(c.tx, plain, true);
      ASSERT_EQ(wire.size(), plain.size() + 4 + suite(GetParam()).srtcp_tag_len);
      const bool e_flag = (wire[plain.size() + (suite(GetParam()).auth == Auth::aead ? suite(GetParam()).srtcp_tag_len : 0)] & 0x80) != 0;
      EXPECT_EQ(e_flag, encrypt && suite(GetParam()).cipher != Cipher::null) << "E=1 only when something is encrypted";
      ASSERT_TRUE(unprotect(c.rx, wire, true)) << i;
      EXPECT_EQ(wire, plain);
    }
  }
}

TEST_P(EverySuite, TamperingAnyByteIsRejected) {
  const Suite& s = suite(GetParam());
  if (s.srtp_tag_len == 0) GTEST_SKIP() << s.name << " does not authenticate SRTP";
  Pair c = make_pair(test_policy(GetParam()));
  auto plain = make_rtp(7, 1000, 40, 1, 1);
  auto wire = protect(c.tx, plain);
  for (std::size_t i = 0; i < wire.size(); ++i) {
    auto bad = wire;
    bad[i] ^= 0x01;
    auto r = unprotect(c.rx, bad);
    ASSERT_FALSE(r) << "byte " << i;
    // A flipped CC or extension length makes the header claim more bytes than there are.
    const bool header_shape = i == 0 || i == 18 || i == 19;
    if (!header_shape) {
      EXPECT_EQ(r.error(), SrtpError::auth_failure) << "byte " << i;
    }
  }
  const Counters& k = c.rx.counters();
  EXPECT_EQ(k.auth_failures + k.truncated + k.malformed, wire.size());
  EXPECT_EQ(c.rx.stream_count(), 0u) << "no stream may be created by an unauthenticated packet";
  ASSERT_TRUE(unprotect(c.rx, wire));
}

TEST_P(EverySuite, TamperingAnyRtcpByteIsRejected) {
  Pair c = make_pair(test_policy(GetParam()));
  auto wire = protect(c.tx, make_rtcp(9, 28), true);
  for (std::size_t i = 0; i < wire.size(); ++i) {
    auto bad = wire;
    bad[i] ^= 0x80;
    auto r = unprotect(c.rx, bad, true);
    ASSERT_FALSE(r) << "byte " << i;
  }
  EXPECT_EQ(c.rx.counters().rtcp_packets, 0u);
  ASSERT_TRUE(unprotect(c.rx, wire, true));
}

std::string suite_name(const ::testing::TestParamInfo<SuiteId>& info) {
  return std::string(suite(info.param).name);
}

INSTANTIATE_TEST_SUITE_P(Srtp, EverySuite,
                         ::testing::Values(SuiteId::AES_CM_128_HMAC_SHA1_80, SuiteId::AES_CM_128_HMAC_SHA1_32,
                                           SuiteId::AES_192_CM_HMAC_SHA1_80, SuiteId::AES_192_CM_HMAC_SHA1_32,
                                           SuiteId::AES_256_CM_HMAC_SHA1_80, SuiteId::AES_256_CM_HMAC_SHA1_32,
                                           SuiteId::AEAD_AES_128_GCM, SuiteId::AEAD_AES_256_GCM,
                                           SuiteId::AEAD_AES_128_GCM_8, SuiteId::AEAD_AES_256_GCM_8,
                                           SuiteId::F8_128_HMAC_SHA1_80, SuiteId::AES_CM_128_NULL_AUTH,
                                           SuiteId::NULL_HMAC_SHA1_80, SuiteId::NULL_HMAC_SHA1_32),
                         suite_name);

TEST(Srtp, EverySuiteInTheTableIsCovered) { EXPECT_EQ(all_suites().size(), 14u); }

TEST(Srtp, ReplayAndTooOld) {
  Policy p = test_policy(SuiteId::AES_CM_128_HMAC_SHA1_80);
  p.replay_window = 64;
  Pair c = make_pair(p);
  std::vector<std::vector<std::uint8_t>> wire;
  for (std::uint16_t seq = 0; seq < 200; ++seq) wire.push_back(protect(c.tx, make_rtp(5, seq, 20)));
  auto w = wire[150];
  ASSERT_TRUE(unprotect(c.rx, w));
  w = wire[150];
  EXPECT_EQ(unprotect(c.rx, w).error(), SrtpError::replay);
  w = wire[100];  // 50 behind: inside the window, never seen
  EXPECT_TRUE(unprotect(c.rx, w));
  w = wire[100];
  EXPECT_EQ(unprotect(c.rx, w).error(), SrtpError::replay);
  w = wire[80];  // 70 behind with a 64-packet window
  EXPECT_EQ(unprotect(c.rx, w).error(), SrtpError::too_old);
  EXPECT_EQ(c.rx.counters().replays, 2u);
  EXPECT_EQ(c.rx.counters().too_old, 1u);
}

TEST(Srtp, RtcpReplay) {
  Pair c = make_pair(test_policy(SuiteId::AEAD_AES_128_GCM));
  auto wire = protect(c.tx, make_rtcp(3), true);
  auto copy = wire;
  ASSERT_TRUE(unprotect(c.rx, copy, true));
  EXPECT_EQ(unprotect(c.rx, wire, true).error(), SrtpError::replay);
}

TEST(Srtp, TruncatedPackets) {
  Pair c = make_pair(test_policy(SuiteId::AES_CM_128_HMAC_SHA1_80));
  auto wire = protect(c.tx, make_rtp(5, 1, 0));
  for (std::size_t n = 0; n < 22; ++n) {
    std::vector<std::uint8_t> cut(wire.begin(), wire.begin() + static_cast<std::ptrdiff_t>(n));
    auto r = c.rx.unprotect_rtp(cut, cut.size());
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error(), SrtpError::truncated) << n;
  }
  std::vector<std::uint8_t> rtcp = {0x80, 201, 0, 1, 0, 0, 0, 1, 0x80, 0, 0, 0};
  EXPECT_EQ(c.rx.unprotect_rtcp(rtcp, rtcp.size()).error(), SrtpError::truncated);
}

TEST(Srtp, WrongKeyFailsAuthentication) {
  auto tx = Context::create(Direction::outbound, test_policy(SuiteId::AES_CM_128_HMAC_SHA1_80, 1), kNoKeyRegistry).value();
  auto rx = Context::create(Direction::inbound, test_policy(SuiteId::AES_CM_128_HMAC_SHA1_80, 2)).value();
  auto wire = protect(tx, make_rtp(1, 1, 160));
  EXPECT_EQ(unprotect(rx, wire).error(), SrtpError::auth_failure);
  auto gtx = Context::create(Direction::outbound, test_policy(SuiteId::AEAD_AES_256_GCM, 1), kNoKeyRegistry).value();
  auto grx = Context::create(Direction::inbound, test_policy(SuiteId::AEAD_AES_256_GCM, 2)).value();
  auto gwire = protect(gtx, make_rtp(1, 1, 160));
  EXPECT_EQ(unprotect(grx, gwire).error(), SrtpError::auth_failure);
}

TEST(Srtp, NoRoomAndWrongDirection) {
  Pair c = make_pair(test_policy(SuiteId::AES_CM_128_HMAC_SHA1_80));
  auto plain = make_rtp(1, 1, 10);
  auto buf = plain;  // no spare capacity
  EXPECT_EQ(c.tx.protect_rtp(buf, buf.size()).error(), SrtpError::no_room);
  EXPECT_EQ(c.rx.protect_rtp(buf, buf.size()).error(), SrtpError::wrong_direction);
  EXPECT_EQ(c.tx.unprotect_rtp(buf, buf.size()).error(), SrtpError::wrong_direction);
  EXPECT_EQ(c.tx.counters().no_room, 1u);
}

TEST(Srtp, SequenceWrapAdvancesRocBothSides) {
  Pair c = make_pair(test_policy(SuiteId::AES_CM_128_HMAC_SHA1_80));
  std::uint16_t seq = 65530;
  for (int i = 0; i < 65536 + 20; ++i, ++seq) {
    auto plain = make_rtp(9, seq, 4);
    auto wire = protect(c.tx, plain);
    ASSERT_TRUE(unprotect(c.rx, wire)) << i;
  }
  EXPECT_EQ(c.tx.roc(9), 2u);
  EXPECT_EQ(c.rx.roc(9), 2u);
}

TEST(Srtp, ReorderingAcrossTheWrap) {
  Pair c = make_pair(test_policy(SuiteId::AEAD_AES_128_GCM));
  std::vector<std::vector<std::uint8_t>> wire;
  for (std::uint32_t i = 0; i < 20; ++i) wire.push_back(protect(c.tx, make_rtp(9, static_cast<std::uint16_t>(65530 + i), 8)));
  // 65530 first, then 0..13 (after the wrap), then 65531..65535 late.
  ASSERT_TRUE(unprotect(c.rx, wire[0]));
  for (std::size_t i = 6; i < 20; ++i) ASSERT_TRUE(unprotect(c.rx, wire[i])) << i;
  EXPECT_EQ(c.rx.roc(9), 1u);
  for (std::size_t i = 1; i < 6; ++i) ASSERT_TRUE(unprotect(c.rx, wire[i])) << i;
  EXPECT_EQ(c.rx.roc(9), 1u);
}

TEST(Srtp, SetRocKeepsContinuity) {
  // A re-INVITE with new keys at ROC 3: the new contexts start from the ROC carried over.
  Pair c = make_pair(test_policy(SuiteId::AES_CM_128_HMAC_SHA1_80));
  c.tx.set_roc(77, 3);
  c.rx.set_roc(77, 3);
  auto wire = protect(c.tx, make_rtp(77, 10, 50));
  ASSERT_TRUE(unprotect(c.rx, wire));
  EXPECT_EQ(c.rx.roc(77), 3u);
  // A receiver that assumed ROC 0 cannot authenticate it.
  auto rx0 = Context::create(Direction::inbound, test_policy(SuiteId::AES_CM_128_HMAC_SHA1_80)).value();
  auto w2 = protect(c.tx, make_rtp(77, 11, 50));
  EXPECT_EQ(unprotect(rx0, w2).error(), SrtpError::auth_failure);
  EXPECT_EQ(rx0.roc(77), std::nullopt);
}

TEST(Srtp, ManySsrcsInOneContext) {
  Pair c = make_pair(test_policy(SuiteId::AES_CM_128_HMAC_SHA1_32));
  for (std::uint16_t seq = 0; seq < 50; ++seq) {
    for (std::uint32_t ssrc = 1; ssrc <= 300; ++ssrc) {
      auto plain = make_rtp(ssrc * 2654435761u, static_cast<std::uint16_t>(seq + ssrc), 20);
      auto wire = protect(c.tx, plain);
      ASSERT_TRUE(unprotect(c.rx, wire));
      ASSERT_EQ(wire, plain);
    }
  }
  EXPECT_EQ(c.tx.stream_count(), 300u);
  EXPECT_EQ(c.rx.stream_count(), 300u);
}

TEST(Srtp, MkiSelectsTheMasterKey) {
  for (SuiteId id : {SuiteId::AES_CM_128_HMAC_SHA1_80, SuiteId::AEAD_AES_128_GCM}) {
    const Suite& s = suite(id);
    Policy p;
    p.suite = id;
    p.keys.push_back(test_key(s, 1, {0, 0, 0, 1}));
    p.keys.push_back(test_key(s, 2, {0, 0, 0, 2}));
    Pair c = make_pair(p);
    auto a = protect(c.tx, make_rtp(1, 1, 30));
    ASSERT_TRUE(c.tx.set_active_key(1));
    auto b = protect(c.tx, make_rtp(1, 2, 30));
    auto r = protect(c.tx, make_rtcp(1), true);
    EXPECT_TRUE(unprotect(c.rx, b));
    EXPECT_TRUE(unprotect(c.rx, a));
    EXPECT_TRUE(unprotect(c.rx, r, true));
    // An MKI nobody announced.
    auto d = protect(c.tx, make_rtp(1, 3, 30));
    const std::size_t mki_at = s.auth == Auth::aead ? d.size() - 4 : d.size() - 4 - s.srtp_tag_len;
    d[mki_at + 3] = 9;
    EXPECT_EQ(unprotect(c.rx, d).error(), SrtpError::unknown_mki);
    EXPECT_EQ(c.rx.counters().unknown_mki, 1u);
    EXPECT_FALSE(c.tx.set_active_key(2));
  }
}

TEST(Srtp, KeyLifetimeIsEnforced) {
  Policy p = test_policy(SuiteId::AES_CM_128_HMAC_SHA1_80);
  p.keys[0].lifetime = 5;
  Pair c = make_pair(p);
  std::vector<std::vector<std::uint8_t>> wire;
  for (std::uint16_t seq = 0; seq < 5; ++seq) wire.push_back(protect(c.tx, make_rtp(1, seq, 10)));
  auto buf = make_rtp(1, 5, 10);
  buf.resize(buf.size() + 16);
  EXPECT_EQ(c.tx.protect_rtp(buf, buf.size() - 16).error(), SrtpError::key_exhausted);
  EXPECT_EQ(c.tx.counters().key_exhausted, 1u);
  for (auto& w : wire) EXPECT_TRUE(unprotect(c.rx, w));
}

TEST(Srtp, KeyDerivationRateRederivesAndInteroperatesWithItself) {
  Policy p = test_policy(SuiteId::AES_CM_128_HMAC_SHA1_80);
  p.kdr_exponent = 4;  // new session keys every 16 packets
  Pair c = make_pair(p);
  auto plain_policy = test_policy(SuiteId::AES_CM_128_HMAC_SHA1_80);
  auto rx_no_kdr = Context::create(Direction::inbound, plain_policy).value();
  int accepted_without_kdr = 0;
  for (std::uint16_t seq = 0; seq < 64; ++seq) {
    auto plain = make_rtp(3, seq, 30);
    auto wire = protect(c.tx, plain);
    auto copy = wire;
    ASSERT_TRUE(unprotect(c.rx, wire)) << seq;
    EXPECT_EQ(wire, plain);
    if (unprotect(rx_no_kdr, copy)) ++accepted_without_kdr;
  }
  // r = index >> 4 is 0 for the first 16 packets only: same keys as without KDR there, different after.
  EXPECT_EQ(accepted_without_kdr, 16);
}

TEST(Srtp, UnencryptedAndUnauthenticatedSrtp) {
  Policy p = test_policy(SuiteId::AES_CM_128_HMAC_SHA1_80);
  p.encrypt_rtp = false;
  Pair c = make_pair(p);
  auto plain = make_rtp(1, 1, 50);
  auto wire = protect(c.tx, plain);
  EXPECT_TRUE(std::equal(plain.begin(), plain.end(), wire.begin())) << "payload must stay in the clear";
  ASSERT_TRUE(unprotect(c.rx, wire));

  Policy q = test_policy(SuiteId::AES_CM_128_HMAC_SHA1_80);
  q.authenticate_rtp = false;
  Pair d = make_pair(q);
  auto w2 = protect(d.tx, plain);
  EXPECT_EQ(w2.size(), plain.size());
  ASSERT_TRUE(unprotect(d.rx, w2));
  EXPECT_EQ(w2, plain);
}

TEST(Srtp, HeaderExtensionEncryptionRfc6904) {
  for (SuiteId id : {SuiteId::AES_CM_128_HMAC_SHA1_80, SuiteId::F8_128_HMAC_SHA1_80}) {
    Policy p = test_policy(id);
    p.encrypted_header_ids = {1};
    Pair c = make_pair(p);
    // One-byte header elements: ID 1 (2 bytes, encrypted), ID 2 (1 byte, clear), padding.
    std::vector<std::uint8_t> plain = make_rtp(5, 1, 20);
    plain[0] |= 0x10;
    std::vector<std::uint8_t> ext = {0xBE, 0xDE, 0, 2, 0x11, 0x55, 0x66, 0x20, 0x77, 0, 0, 0};
    plain.insert(plain.begin() + 12, ext.begin(), ext.end());
    auto wire = protect(c.tx, plain);
    EXPECT_EQ(wire[16], 0x11);  // element header in the clear
    EXPECT_NE(std::vector<std::uint8_t>(wire.begin() + 17, wire.begin() + 19), (std::vector<std::uint8_t>{0x55, 0x66}));
    EXPECT_EQ(wire[19], 0x20);
    EXPECT_EQ(wire[20], 0x77);  // ID 2 not selected
    ASSERT_TRUE(unprotect(c.rx, wire));
    EXPECT_EQ(wire, plain);
  }
  Policy g = test_policy(SuiteId::AEAD_AES_128_GCM);
  g.encrypted_header_ids = {1};
  auto r = Context::create(Direction::outbound, g, kNoKeyRegistry);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::unsupported);
}

TEST(Srtp, PolicyErrorsNameTheFault) {
  Policy p = test_policy(SuiteId::AES_256_CM_HMAC_SHA1_80);
  p.keys[0].key = SecureBytes(16);
  auto r = Context::create(Direction::outbound, p, kNoKeyRegistry);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().message(),
            "invalid argument: AES_256_CM_HMAC_SHA1_80 master key 1: key is 16 bytes, expected 32");

  Policy none;
  EXPECT_NE(Context::create(Direction::outbound, none, kNoKeyRegistry).error().context.find("no master key"), std::string::npos);

  Policy two = test_policy(SuiteId::AES_CM_128_HMAC_SHA1_80);
  two.keys.push_back(test_key(suite(SuiteId::AES_CM_128_HMAC_SHA1_80), 3));
  EXPECT_NE(Context::create(Direction::outbound, two, kNoKeyRegistry).error().context.find("need an MKI"), std::string::npos);

  Policy kdr = test_policy(SuiteId::AES_CM_128_HMAC_SHA1_80);
  kdr.kdr_exponent = 25;
  EXPECT_NE(Context::create(Direction::outbound, kdr, kNoKeyRegistry).error().context.find("KDR=25"), std::string::npos);

  Policy win = test_policy(SuiteId::AES_CM_128_HMAC_SHA1_80);
  win.replay_window = 10;
  EXPECT_NE(Context::create(Direction::inbound, win).error().context.find("replay window 10"), std::string::npos);

  Policy aead = test_policy(SuiteId::AEAD_AES_128_GCM);
  aead.authenticate_rtp = false;
  EXPECT_FALSE(Context::create(Direction::inbound, aead));
}

TEST(Srtp, SuiteTableMatchesRfcLengths) {
  const Suite* s = find_suite("AES_CM_128_HMAC_SHA1_32");
  ASSERT_NE(s, nullptr);
  EXPECT_EQ(s->srtp_tag_len, 4);
  EXPECT_EQ(s->srtcp_tag_len, 10);  // RFC 4568 section 6.2.2
  EXPECT_EQ(find_suite("AEAD_AES_256_GCM_8")->srtp_tag_len, 8);
  EXPECT_EQ(find_suite("AEAD_AES_256_GCM")->master_salt_len, 12);
  EXPECT_EQ(find_suite("AES_192_CM_HMAC_SHA1_80")->master_key_len, 24);
  EXPECT_EQ(find_suite("aes_cm_128_hmac_sha1_80"), nullptr);
}

}  // namespace
}  // namespace sotto::srtp
