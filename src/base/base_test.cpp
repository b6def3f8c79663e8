#include <gtest/gtest.h>

#include "base/ascii.hpp"
#include "base/hex.hpp"
#include "base/result.hpp"
#include "base/secure_bytes.hpp"

namespace sotto {
namespace {

Result<int> parse_digit(char c) {
  if (c < '0' || c > '9') return fail(Errc::malformed_input, std::string("not a digit: ") + c);
  return c - '0';
}

TEST(Result, CarriesValueOrError) {
  auto ok = parse_digit('7');
  ASSERT_TRUE(ok);
  EXPECT_EQ(*ok, 7);
  auto bad = parse_digit('x');
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::malformed_input);
  EXPECT_EQ(bad.error().message(), "malformed input: not a digit: x");
}

TEST(Ascii, IequalsFoldsOnlyAsciiLetters) {
  EXPECT_TRUE(iequals("INLINE", "inline"));
  EXPECT_TRUE(iequals("z9hG4bK", "Z9HG4BK"));
  EXPECT_TRUE(iequals("", ""));
  EXPECT_FALSE(iequals("tls", "tl"));
  EXPECT_FALSE(iequals("[", "{"));    // 0x5B vs 0x7B: not a case pair
  EXPECT_FALSE(iequals("\xC4", "\xE4"));  // Latin-1 letters are not folded
  EXPECT_EQ(ascii_lower('Q'), 'q');
  EXPECT_EQ(ascii_lower('@'), '@');
}

TEST(Hex, RoundTripsAndIgnoresWhitespace) {
  auto v = from_hex("E1F9 7A0d\n3E");
  ASSERT_TRUE(v);
  EXPECT_EQ(to_hex(*v), "e1f97a0d3e");
  EXPECT_FALSE(from_hex("abc"));
  EXPECT_FALSE(from_hex("zz"));
}

TEST(SecureBytes, CopiesAndMoves) {
  SecureBytes a(std::vector<std::uint8_t>{1, 2, 3});
  SecureBytes b = a;
  EXPECT_EQ(a, b);
  SecureBytes c = std::move(b);
  EXPECT_EQ(c.size(), 3u);
  std::uint8_t buf[4] = {9, 9, 9, 9};
  secure_wipe(buf, sizeof buf);
  for (auto x : buf) EXPECT_EQ(x, 0);
}

}  // namespace
}  // namespace sotto
