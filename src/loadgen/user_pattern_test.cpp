#include "loadgen/user_pattern.hpp"

#include <gtest/gtest.h>

namespace sotto::loadgen {
namespace {

TEST(UserPattern, NumberInTheMiddleWithPassword) {
  auto p = parse_user_pattern("load%d-x:s3cret:with:colons");
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_EQ(p->user(1), "load1-x");
  EXPECT_EQ(p->user(1234), "load1234-x");
  ASSERT_TRUE(p->password);
  EXPECT_EQ(*p->password, "s3cret:with:colons");  // everything after the first ':'
}

TEST(UserPattern, ZeroPaddedWidth) {
  auto p = parse_user_pattern("alice%04d:pw");
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_EQ(p->user(7), "alice0007");
  EXPECT_EQ(p->user(12345), "alice12345");  // wider numbers are not cut
}

TEST(UserPattern, NoPasswordAndEmptyPassword) {
  auto none = parse_user_pattern("bob%d");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->password);
  auto empty = parse_user_pattern("bob%d:");
  ASSERT_TRUE(empty);
  ASSERT_TRUE(empty->password);
  EXPECT_EQ(*empty->password, "");
}

TEST(UserPattern, NumberAlone) {
  auto p = parse_user_pattern("%d:pw");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->user(42), "42");
}

TEST(UserPattern, ErrorsNameTheFault) {
  struct Case {
    const char* text;
    const char* says;
  };
  for (const Case& c : {Case{"alice:pw", "has no %d"}, Case{"a%d%d:pw", "appears twice"},
                        Case{"a%s:pw", "only %d"}, Case{"a%:pw", "only %d"}, Case{"a%%d:pw", "unescaped"},
                        Case{"a%0d:pw", "width"}, Case{"a%00d:pw", "width"}, Case{"a%100d:pw", "only %d"},
                        Case{"al ice%d:pw", "character ' '"}, Case{"a@b%d:pw", "character '@'"},
                        Case{":pw", "has no %d"}, Case{"", "has no %d"}}) {
    auto p = parse_user_pattern(c.text);
    ASSERT_FALSE(p) << c.text;
    EXPECT_EQ(p.error().code, Errc::invalid_argument) << c.text;
    EXPECT_NE(p.error().context.find(c.says), std::string::npos) << c.text << " -> " << p.error().context;
  }
}

}  // namespace
}  // namespace sotto::loadgen
