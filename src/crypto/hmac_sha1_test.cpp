// HmacSha1 against RFC 2202 section 3 and against OpenSSL's one-shot HMAC().

#include "crypto/hmac_sha1.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <string>
#include <vector>

#include "base/hex.hpp"

namespace sotto::crypto {
namespace {

std::vector<std::uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }
std::vector<std::uint8_t> rep(std::uint8_t b, std::size_t n) { return std::vector<std::uint8_t>(n, b); }

std::string mac_hex(const HmacSha1& m, std::span<const std::uint8_t> a, std::span<const std::uint8_t> b = {}) {
  std::array<std::uint8_t, HmacSha1::kDigestSize> out{};
  m.compute(a, b, out);
  return to_hex(out);
}

struct Rfc2202Case {
  int number;
  std::vector<std::uint8_t> key;
  std::vector<std::uint8_t> data;
  std::string digest;
};

std::vector<Rfc2202Case> rfc2202_cases() {
  std::vector<std::uint8_t> key4;
  for (int i = 1; i <= 25; ++i) key4.push_back(static_cast<std::uint8_t>(i));
  return {
      {1, rep(0x0b, 20), bytes("Hi There"), "b617318655057264e28bc0b6fb378c8ef146be00"},
      {2, bytes("Jefe"), bytes("what do ya want for nothing?"), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
      {3, rep(0xaa, 20), rep(0xdd, 50), "125d7342b9ac11cd91a39af48aa17b4f63f175d3"},
      {4, key4, rep(0xcd, 50), "4c9007f4026250c6bc8414f9bf50c86c2d7235da"},
      {5, rep(0x0c, 20), bytes("Test With Truncation"), "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04"},
      {6, rep(0xaa, 80), bytes("Test Using Larger Than Block-Size Key - Hash Key First"),
       "aa4ae5e15272d00e95705637ce8a3b55ed402112"},
      {7, rep(0xaa, 80), bytes("Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data"),
       "e8e99d0f45237d786d6bbaa7965c7808bbff1a91"},
  };
}

TEST(HmacSha1, Rfc2202TestCases1To7) {
  for (const auto& c : rfc2202_cases()) {
    SCOPED_TRACE("RFC 2202 test case " + std::to_string(c.number));
    auto m = HmacSha1::create(c.key);
    ASSERT_TRUE(m) << m.error().message();
    EXPECT_EQ(mac_hex(*m, c.data), c.digest);
    EXPECT_EQ(mac_hex(*m, c.data), c.digest);  // the precomputed state is not consumed
  }
}

TEST(HmacSha1, Rfc2202Case5TruncatedTo96Bits) {
  auto m = HmacSha1::create(rep(0x0c, 20)).value();
  EXPECT_EQ(mac_hex(m, bytes("Test With Truncation")).substr(0, 24), "4c1a03424b55e07fe7f27be1");
}

TEST(HmacSha1, SplitInputEqualsOneShotAtEverySplit) {
  const auto c = rfc2202_cases()[6];
  auto m = HmacSha1::create(c.key).value();
  for (std::size_t split = 0; split <= c.data.size(); ++split) {
    std::span<const std::uint8_t> all(c.data);
    EXPECT_EQ(mac_hex(m, all.first(split), all.subspan(split)), c.digest) << "split at " << split;
  }
}

TEST(HmacSha1, MatchesOpenSslHmacForManyKeyAndDataLengths) {
  for (std::size_t key_len : {0u, 1u, 20u, 63u, 64u, 65u, 100u}) {
    std::vector<std::uint8_t> key(key_len);
    for (std::size_t i = 0; i < key_len; ++i) key[i] = static_cast<std::uint8_t>(i * 13 + 1);
    auto m = HmacSha1::create(key).value();
    for (std::size_t len : {0u, 1u, 55u, 56u, 63u, 64u, 65u, 119u, 120u, 176u, 1500u}) {
      std::vector<std::uint8_t> data(len);
      for (std::size_t i = 0; i < len; ++i) data[i] = static_cast<std::uint8_t>(i ^ 0x5a);
      std::uint8_t expect[20];
      unsigned int n = 0;
      static const std::uint8_t kNoKey = 0;  // HMAC() refuses a null key pointer even with length 0
      const std::uint8_t* k = key.empty() ? &kNoKey : key.data();
      ASSERT_NE(HMAC(EVP_sha1(), k, static_cast<int>(key.size()), data.data(), data.size(), expect, &n), nullptr);
      EXPECT_EQ(mac_hex(m, data), to_hex(expect)) << "key " << key_len << " data " << len;
    }
  }
}

TEST(HmacSha1, MovedObjectKeepsWorking) {
  const auto c = rfc2202_cases()[1];
  auto a = HmacSha1::create(c.key).value();
  HmacSha1 b = std::move(a);
  auto d = HmacSha1::create(rep(1, 20)).value();
  d = std::move(b);
  EXPECT_EQ(mac_hex(d, c.data), c.digest);
}

}  // namespace
}  // namespace sotto::crypto
