// AesF8 against RFC 3711 appendix B.1 ("AES-f8 Test Vectors").

#include "crypto/aes_f8.hpp"

#include <gtest/gtest.h>

#include <array>
#include <vector>

#include "base/hex.hpp"

namespace sotto::crypto {
namespace {

std::vector<std::uint8_t> hex(std::string_view s) { return from_hex(s).value(); }

std::array<std::uint8_t, 16> block(std::string_view s) {
  std::array<std::uint8_t, 16> b{};
  auto v = hex(s);
  std::copy(v.begin(), v.end(), b.begin());
  return b;
}

constexpr std::string_view kKey = "234829008467be186c3de14aae72d62c";
constexpr std::string_view kSalt = "32f2870d";
// IV = 0x00 || M || PT || SEQ || TS || SSRC || ROC (4.1.2.2), from header 806e5cba50681de55c621599, ROC d462564a.
constexpr std::string_view kIv = "006e5cba50681de55c621599d462564a";
constexpr std::string_view kPlain = "70736575646f72616e646f6d6e657373 20697320746865206e65787420626573 74207468696e67";
constexpr std::string_view kCipher = "019ce7a26e7854014a6366aa95d4eefd 1ad4172a14f9faf455b7f1d4b62bd08f 562c0eef7c4802";

TEST(AesF8, Rfc3711AppendixB1) {
  auto f8 = AesF8::create(hex(kKey), hex(kSalt));
  ASSERT_TRUE(f8) << f8.error().message();
  auto data = hex(kPlain);
  f8->apply(block(kIv), data);
  EXPECT_EQ(to_hex(data), to_hex(hex(kCipher)));
  f8->apply(block(kIv), data);
  EXPECT_EQ(to_hex(data), to_hex(hex(kPlain)));
}

TEST(AesF8, Rfc3711FirstKeystreamBlocks) {
  // B.1 also lists S(0) = 71ef82d70a172660240709c7fbb19d8e and S(1) = 3abd640a60919fd43bd289a09649b5fc.
  auto f8 = AesF8::create(hex(kKey), hex(kSalt)).value();
  std::vector<std::uint8_t> zeros(32, 0);
  f8.apply(block(kIv), zeros);
  EXPECT_EQ(to_hex(zeros), "71ef82d70a172660240709c7fbb19d8e3abd640a60919fd43bd289a09649b5fc");
}

TEST(AesF8, PrefixesAgreeAcrossLengthsAndChunks) {
  auto f8 = AesF8::create(hex(kKey), hex("0102030405060708090a0b0c0d0e")).value();
  std::vector<std::uint8_t> full(4000, 0);
  f8.apply(block(kIv), full);
  for (std::size_t len : {0u, 1u, 16u, 31u, 511u, 1535u, 1536u, 1537u, 3073u, 4000u}) {
    std::vector<std::uint8_t> part(len, 0);
    f8.apply(block(kIv), part);
    EXPECT_TRUE(std::equal(part.begin(), part.end(), full.begin())) << "len " << len;
  }
}

// The CBC context carries state from packet to packet; results must not depend on what came before.
TEST(AesF8, ResultIndependentOfEarlierPackets) {
  auto f8 = AesF8::create(hex(kKey), hex(kSalt)).value();
  for (std::size_t earlier : {1u, 16u, 17u, 1600u}) {
    std::vector<std::uint8_t> other(earlier, 0x42);
    f8.apply(block("ffeeddccbbaa99887766554433221100"), other);
    auto data = hex(kPlain);
    f8.apply(block(kIv), data);
    EXPECT_EQ(to_hex(data), to_hex(hex(kCipher))) << "after a packet of " << earlier;
  }
}

TEST(AesF8, RejectsBadKeyAndSaltNamingThem) {
  auto r = AesF8::create(std::vector<std::uint8_t>(20, 1), hex(kSalt));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
  EXPECT_EQ(r.error().context, "AES-f8 key must be 16, 24 or 32 bytes, got 20");
  auto s = AesF8::create(hex(kKey), std::vector<std::uint8_t>(17, 1));
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().context, "AES-f8 salt must be at most 16 bytes (the key length), got 17");
}

TEST(AesF8, MovedObjectKeepsWorking) {
  auto a = AesF8::create(hex(kKey), hex(kSalt)).value();
  AesF8 b = std::move(a);
  auto data = hex(kPlain);
  b.apply(block(kIv), data);
  EXPECT_EQ(to_hex(data), to_hex(hex(kCipher)));
}

}  // namespace
}  // namespace sotto::crypto
