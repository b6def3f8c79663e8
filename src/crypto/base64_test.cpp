// base64 (RFC 4648 section 10 vectors) and the decoder's error reports.

#include "crypto/base64.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sotto::crypto {
namespace {

std::vector<std::uint8_t> bytes(std::string_view s) { return {s.begin(), s.end()}; }
std::string str(const SecureBytes& b) { return {b.data(), b.data() + b.size()}; }

TEST(Base64, Rfc4648Section10Vectors) {
  const std::pair<std::string_view, std::string_view> v[] = {
      {"", ""},
      {"f", "Zg=="},
      {"fo", "Zm8="},
      {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="},
      {"fooba", "Zm9vYmE="},
      {"foobar", "Zm9vYmFy"},
  };
  for (const auto& [plain, enc] : v) {
    EXPECT_EQ(base64_encode(bytes(plain)), enc);
    auto d = base64_decode(enc);
    ASSERT_TRUE(d) << enc << ": " << d.error().message();
    EXPECT_EQ(str(*d), plain);
  }
}

TEST(Base64, DecodesWithoutPadding) {
  EXPECT_EQ(str(base64_decode("Zg").value()), "f");
  EXPECT_EQ(str(base64_decode("Zm8").value()), "fo");
  EXPECT_EQ(str(base64_decode("Zm9vYg").value()), "foob");
  EXPECT_EQ(str(base64_decode("Zm9vYmE").value()), "fooba");
}

TEST(Base64, SdesInlineKeyRoundTrip) {
  // RFC 4568 section 6.1 example key||salt (30 bytes, 40 characters).
  const std::string key = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";
  auto d = base64_decode(key);
  ASSERT_TRUE(d);
  EXPECT_EQ(d->size(), 30u);
  EXPECT_EQ(base64_encode(d->span()), key);
}

TEST(Base64, AllByteValuesRoundTrip) {
  std::vector<std::uint8_t> all(256 * 3 + 2);
  for (std::size_t i = 0; i < all.size(); ++i) all[i] = static_cast<std::uint8_t>(i);
  for (std::size_t len = 0; len <= all.size(); len += 7) {
    std::span<const std::uint8_t> in(all.data(), len);
    auto d = base64_decode(base64_encode(in));
    ASSERT_TRUE(d);
    ASSERT_TRUE(std::equal(in.begin(), in.end(), d->data(), d->data() + d->size()) && d->size() == len);
  }
}

Error decode_error(std::string_view s) {
  auto r = base64_decode(s);
  EXPECT_FALSE(r) << s;
  return r ? Error{} : r.error();
}

TEST(Base64, RejectsBadInputNamingTheOffset) {
  EXPECT_EQ(decode_error("Zm9v!mFy").context, "base64: invalid character '!' at offset 4");
  EXPECT_EQ(decode_error("Zm9v\x01").context, "base64: invalid character 0x01 at offset 4");
  EXPECT_EQ(decode_error("Zm9v YmFy").context, "base64: whitespace 0x20 at offset 4");
  EXPECT_EQ(decode_error("Zm9vYmFy\n").context, "base64: whitespace 0x0a at offset 8");
  EXPECT_EQ(decode_error("Zg==Zg==").context, "base64: '=' padding at offset 2 is not at the end");
  EXPECT_EQ(decode_error("Zm9vY").context, "base64: length 5 is impossible (a lone character at offset 4)");
  EXPECT_EQ(decode_error("Zg=").context, "base64: padding at offset 2 does not complete a 4-character group");
  EXPECT_EQ(decode_error("Zm9v=").context, "base64: padding at offset 4 does not complete a 4-character group");
  EXPECT_EQ(decode_error("Z===").context, "base64: 3 '=' padding characters at offset 1, at most 2 allowed");
  EXPECT_EQ(decode_error("==").context, "base64: padding at offset 0 does not complete a 4-character group");
  EXPECT_EQ(decode_error("Zm9v-_").context, "base64: invalid character '-' at offset 4");  // base64url is not accepted
}

}  // namespace
}  // namespace sotto::crypto
