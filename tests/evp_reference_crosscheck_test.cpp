// The OpenSSL EVP baseline of `sotto bench srtp` must do the real work: its protected bytes equal
// libsrtp's for the same keys and packets, each accepts the other's, and it rejects tampering.
#include <gtest/gtest.h>

#include "core/srtp/context.hpp"
#include "crosscheck_support.hpp"
#include "crypto/evp_reference.hpp"
#include "interop/libsrtp/libsrtp_session.hpp"

namespace sotto {
namespace {

using interop::LibsrtpSession;
using srtp::Direction;
using srtp::SuiteId;

// A uniform face over the two EVP reference classes.
struct Evp {
  std::optional<crypto::EvpReferenceCm> cm;
  std::optional<crypto::EvpReferenceGcm> gcm;
  std::size_t protect_rtp(std::span<std::uint8_t> b, std::size_t n, std::uint32_t roc) {
    return cm ? cm->protect_rtp(b, n, roc) : gcm->protect_rtp(b, n, roc);
  }
  std::size_t unprotect_rtp(std::span<std::uint8_t> b, std::size_t n, std::uint32_t roc) {
    return cm ? cm->unprotect_rtp(b, n, roc) : gcm->unprotect_rtp(b, n, roc);
  }
  std::size_t protect_rtcp(std::span<std::uint8_t> b, std::size_t n, std::uint32_t index) {
    return cm ? cm->protect_rtcp(b, n, index) : gcm->protect_rtcp(b, n, index);
  }
  std::size_t unprotect_rtcp(std::span<std::uint8_t> b, std::size_t n) {
    return cm ? cm->unprotect_rtcp(b, n) : gcm->unprotect_rtcp(b, n);
  }
};

Evp make_evp(const srtp::Policy& p) {
  const srtp::Suite& s = srtp::suite(p.suite);
  Evp e;
  if (s.cipher == srtp::Cipher::aes_gcm) {
    auto r = crypto::EvpReferenceGcm::create(p.keys[0].key.span(), p.keys[0].salt.span(), s.srtp_tag_len);
    if (r) e.gcm.emplace(std::move(*r));
  } else {
    auto r = crypto::EvpReferenceCm::create(p.keys[0].key.span(), p.keys[0].salt.span(), s.srtp_tag_len);
    if (r) e.cm.emplace(std::move(*r));
  }
  return e;
}

std::string suite_name(const ::testing::TestParamInfo<SuiteId>& param) {
  return std::string(srtp::suite(param.param).name);
}

class EvpReference : public ::testing::TestWithParam<SuiteId> {};

TEST_P(EvpReference, MatchesLibsrtpAcrossRocWrap) {
  const srtp::Policy p = xc::policy(GetParam(), 9);
  Evp evp = make_evp(p);
  ASSERT_TRUE(evp.cm || evp.gcm);
  auto lib_tx = LibsrtpSession::create(Direction::outbound, p);
  auto lib_rx = LibsrtpSession::create(Direction::inbound, p);
  ASSERT_TRUE(lib_tx && lib_rx);
  const std::uint32_t ssrc = 0xABCD0123;
  for (std::uint32_t i = 0; i < 2000; ++i) {
    const std::uint32_t index = 65000 + i;
    const auto seq = static_cast<std::uint16_t>(index);
    const std::uint32_t roc = index >> 16;
    auto plain = xc::rtp_packet(ssrc, seq, i % 1201, static_cast<std::uint8_t>(i % 3), i % 4 == 0 ? 2 : 0);
    std::vector<std::uint8_t> a = plain, b = plain;
    a.resize(plain.size() + 64);
    b.resize(plain.size() + 64);
    const std::size_t na = evp.protect_rtp(a, plain.size(), roc);
    auto nb = lib_tx->protect_rtp(b, plain.size());
    ASSERT_NE(na, 0u) << "seq " << seq;
    ASSERT_TRUE(nb.has_value());
    a.resize(na);
    b.resize(*nb);
    if (auto d = xc::first_difference(a, b)) FAIL() << "seq " << seq << " roc " << roc << ": evp vs libsrtp " << *d;
    std::vector<std::uint8_t> tampered = a;
    tampered[tampered.size() / 2] ^= 0x01;
    EXPECT_EQ(evp.unprotect_rtp(tampered, tampered.size(), roc), 0u) << "tampered packet accepted";
    auto ra = lib_rx->unprotect_rtp(a, a.size());
    ASSERT_TRUE(ra.has_value()) << "libsrtp rejected EVP's packet: " << to_string(ra.error());
    ASSERT_EQ(evp.unprotect_rtp(b, b.size(), roc), plain.size());
    a.resize(*ra);
    b.resize(plain.size());
    EXPECT_EQ(a, plain);
    EXPECT_EQ(b, plain);
  }
  // SRTCP: libsrtp's n-th packet carries index n (from 1).
  for (std::uint32_t n = 1; n <= 300; ++n) {
    auto plain = xc::rtcp_compound(ssrc, n, static_cast<std::uint8_t>(n % 3), n % 20);
    std::vector<std::uint8_t> a = plain, b = plain;
    a.resize(plain.size() + 64);
    b.resize(plain.size() + 64);
    const std::size_t na = evp.protect_rtcp(a, plain.size(), n);
    auto nb = lib_tx->protect_rtcp(b, plain.size());
    ASSERT_NE(na, 0u);
    ASSERT_TRUE(nb.has_value());
    a.resize(na);
    b.resize(*nb);
    if (auto d = xc::first_difference(a, b)) FAIL() << "SRTCP index " << n << ": evp vs libsrtp " << *d;
    auto ra = lib_rx->unprotect_rtcp(a, a.size());
    ASSERT_TRUE(ra.has_value()) << to_string(ra.error());
    ASSERT_EQ(evp.unprotect_rtcp(b, b.size()), plain.size());
    b.resize(plain.size());
    EXPECT_EQ(b, plain);
  }
}

INSTANTIATE_TEST_SUITE_P(Suites, EvpReference,
                         ::testing::Values(SuiteId::AES_CM_128_HMAC_SHA1_80, SuiteId::AES_CM_128_HMAC_SHA1_32,
                                           SuiteId::AES_256_CM_HMAC_SHA1_80,
                                           SuiteId::AES_256_CM_HMAC_SHA1_32, SuiteId::AEAD_AES_128_GCM,
                                           SuiteId::AEAD_AES_256_GCM, SuiteId::AEAD_AES_128_GCM_8,
                                           SuiteId::AEAD_AES_256_GCM_8),
                         suite_name);

// libsrtp 2.5 cannot check AES-192 (see libsrtp_supports); compare with our engine instead, which
// the unit tests hold to the RFC 6188 key derivation vectors.
TEST(EvpReferenceAes192, MatchesOurEngine) {
  for (SuiteId id : {SuiteId::AES_192_CM_HMAC_SHA1_80, SuiteId::AES_192_CM_HMAC_SHA1_32}) {
    const srtp::Policy p = xc::policy(id, 9);
    Evp evp = make_evp(p);
    ASSERT_TRUE(evp.cm);
    auto tx = srtp::Context::create(Direction::outbound, p, srtp::kNoKeyRegistry);
    ASSERT_TRUE(tx.has_value());
    for (std::uint32_t i = 0; i < 1000; ++i) {
      const std::uint32_t index = 65000 + i;
      auto plain = xc::rtp_packet(0x192, static_cast<std::uint16_t>(index), i % 1201);
      std::vector<std::uint8_t> a = plain, b = plain;
      a.resize(plain.size() + 64);
      b.resize(plain.size() + 64);
      a.resize(evp.protect_rtp(a, plain.size(), index >> 16));
      auto nb = tx->protect_rtp(b, plain.size());
      ASSERT_TRUE(nb.has_value());
      b.resize(*nb);
      if (auto d = xc::first_difference(a, b)) FAIL() << srtp::suite(id).name << " index " << index << ": " << *d;
      ASSERT_EQ(evp.unprotect_rtp(b, b.size(), index >> 16), plain.size());
    }
  }
}

TEST(EvpReference, RejectsBadParameters) {
  std::vector<std::uint8_t> key(20), salt14(14), salt12(12);
  EXPECT_FALSE(crypto::EvpReferenceCm::create(key, salt14, 10).has_value());
  key.resize(16);
  EXPECT_FALSE(crypto::EvpReferenceCm::create(key, salt12, 10).has_value());
  EXPECT_FALSE(crypto::EvpReferenceCm::create(key, salt14, 16).has_value());
  EXPECT_FALSE(crypto::EvpReferenceGcm::create(key, salt14, 16).has_value());
  EXPECT_FALSE(crypto::EvpReferenceGcm::create(key, salt12, 12).has_value());
  EXPECT_TRUE(crypto::EvpReferenceGcm::create(key, salt12, 16).has_value());
}

}  // namespace
}  // namespace sotto
