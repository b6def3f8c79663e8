// [records] keep: the retention of call records (docs/CONFIG.md, docs/RECORDS.md "Retention").
#include <gtest/gtest.h>

#include "config/server_config.hpp"

namespace sotto::config {
namespace {

Result<ServerConfig> parse(std::string_view text) { return parse_config(text, "sotto.toml"); }

TEST(RecordsConfig, KeepTakesAnAgeForeverOrZero) {
  auto c = parse("[records]\nkeep = \"90d\"\n");
  ASSERT_TRUE(c) << c.error().context;
  EXPECT_EQ(*c->records_keep, 90 * 86400);
  EXPECT_EQ(parse("[records]\nkeep = \"12h\"\n")->records_keep, 12 * 3600);
  EXPECT_EQ(parse("[records]\nkeep = \"30m\"\n")->records_keep, 1800);
  EXPECT_EQ(parse("[records]\nkeep = \"45s\"\n")->records_keep, 45);
  EXPECT_EQ(parse("[records]\nkeep = \"forever\"\n")->records_keep, 0);
  EXPECT_EQ(parse("[records]\nkeep = 0\n")->records_keep, 0);
  EXPECT_EQ(parse("[records]\nkeep = \"0\"\n")->records_keep, 0);
  EXPECT_EQ(parse("records = { keep = \"7d\" }\n")->records_keep, 7 * 86400);
  // Unset: the default, 90 days.
  auto none = parse("[records]\n");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->records_keep.has_value());
  EXPECT_EQ(resolve(*none)->records_keep, kDefaultRecordsKeep);
  EXPECT_EQ(kDefaultRecordsKeep, 90 * 86400);
}

TEST(RecordsConfig, BadValuesNameFileLineAndWhatWasExpected) {
  struct Case {
    const char* text;
    const char* want;
  };
  const Case cases[] = {
      {"[records]\nkeep = \"90 days\"\n",
       "sotto.toml:2:8: records.keep: expected a whole number and a unit, d h m or s (\"90d\", \"12h\"), or "
       "\"forever\", got \"90 days\""},
      {"[records]\nkeep = \"1w\"\n", "sotto.toml:2:8: records.keep: expected a whole number and a unit"},
      {"[records]\nkeep = \"-1d\"\n", "got \"-1d\""},
      {"[records]\nkeep = \"0d\"\n", "(from 1 second to 100 years; \"forever\" for no limit)"},
      {"[records]\nkeep = \"40000d\"\n", "(from 1 second to 100 years"},
      {"[records]\nkeep = \"\"\n", "got \"\""},
      {"[records]\nkeep = 90\n",
       "sotto.toml:2:8: records.keep: expected a duration string such as \"90d\", \"12h\", or \"forever\" (or 0) to "
       "keep every record, got the number 90"},
      {"[records]\nkeep = true\n", "records.keep: expected a duration string such as \"90d\""},
      {"[records]\nkeep = \"90d\"\nprune = \"hourly\"\n",
       "sotto.toml:3:1: unknown key 'records.prune' (a [records] section takes: keep)"},
      {"records = \"90d\"\n", "sotto.toml:1:11: records: expected a [records] section (a table), got a string"},
  };
  for (const Case& k : cases) {
    auto c = parse(k.text);
    ASSERT_FALSE(c) << k.text;
    EXPECT_EQ(c.error().code, Errc::malformed_input);
    EXPECT_NE(c.error().context.find(k.want), std::string::npos) << k.text << "\n" << c.error().context;
  }
  // With other problems: every one listed, in file order.
  auto c = parse("rtp_ports = \"5-2\"\n[records]\nkeep = \"soon\"\n");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().context.rfind("sotto.toml:1:13: rtp_ports", 0), 0u) << c.error().context;
  EXPECT_NE(c.error().context.find("\nsotto.toml:3:8: records.keep"), std::string::npos) << c.error().context;
}

TEST(RecordsConfig, EffectiveSettingsShowAndReparseKeep) {
  for (const char* keep : {"90d", "36h", "90m", "61s", "forever"}) {
    auto c = parse(std::string("[records]\nkeep = \"") + keep + "\"\n");
    ASSERT_TRUE(c) << keep;
    auto eff = resolve(*c);
    ASSERT_TRUE(eff);
    const std::string toml = to_toml(*eff);
    EXPECT_NE(toml.find(std::string("[records]\nkeep = \"") + keep + "\"\n"), std::string::npos) << toml;
    auto again = parse(toml);
    ASSERT_TRUE(again) << again.error().context << "\n" << toml;
    EXPECT_EQ(again->records_keep, c->records_keep) << keep;
  }
  // The flags' value wins when set.
  ServerConfig flags;
  flags.records_keep = 3600;
  EXPECT_EQ(merge(*parse("[records]\nkeep = \"90d\"\n"), flags).records_keep, 3600);
  EXPECT_EQ(format_retention(7 * 86400), "7d");
  EXPECT_EQ(format_retention(0), "forever");
  EXPECT_EQ(*parse_retention("100d"), 100 * 86400);
}

}  // namespace
}  // namespace sotto::config
