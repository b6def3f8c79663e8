#include "io/log_summary.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "io/testing/fake_clock.hpp"
#include "io/testing/io_test_support.hpp"

namespace sotto::io {
namespace {

using ::testing::HasSubstr;
using std::chrono::seconds;

TEST(EventSummary, FirstEventInFullThenOneCountingLinePerInterval) {
  testing::FakeClock clock;
  EventSummary s("junk datagram", seconds(10));
  const Timestamp t0 = clock.now();
  auto first = s.note(t0, "from 127.0.0.1:5999: no empty line after the header section");
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, "junk datagram: from 127.0.0.1:5999: no empty line after the header section");
  for (int i = 1; i < 1000; ++i) EXPECT_FALSE(s.note(t0 + std::chrono::milliseconds(i), "junk " + std::to_string(i)));
  EXPECT_FALSE(s.flush(t0 + seconds(9)));
  ASSERT_EQ(s.next_deadline(), t0 + seconds(10));
  auto summary = s.flush(t0 + seconds(10));
  ASSERT_TRUE(summary);
  EXPECT_EQ(*summary, "junk datagram: 999 more in the last 10 s (1000 in all; last: junk 999)");
  // The flood goes on: the next line comes one interval later, with the count of that interval only.
  for (int i = 0; i < 5; ++i) EXPECT_FALSE(s.note(t0 + seconds(11), "more"));
  EXPECT_FALSE(s.flush(t0 + seconds(15)));
  auto second = s.flush(t0 + seconds(20));
  ASSERT_TRUE(second);
  EXPECT_THAT(*second, HasSubstr("5 more in the last 10 s (1005 in all"));
  // A quiet interval ends the summary; the next event is again logged in full, at once.
  EXPECT_FALSE(s.flush(t0 + seconds(30)));
  EXPECT_FALSE(s.next_deadline());
  auto again = s.note(t0 + seconds(45), "late one");
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, "junk datagram: late one");
  EXPECT_EQ(s.total(), 1006u);
}

TEST(EventSummary, AnEventAfterAnUnflushedIntervalReportsTheCountFirst) {
  EventSummary s("refused", seconds(10));
  const Timestamp t0{};
  ASSERT_TRUE(s.note(t0, "a"));
  EXPECT_FALSE(s.note(t0 + seconds(1), "b"));
  auto line = s.note(t0 + seconds(12), "c");  // no timer ran in between
  ASSERT_TRUE(line);
  EXPECT_THAT(*line, HasSubstr("1 more in the last 10 s"));
  auto later = s.flush(t0 + seconds(22));
  ASSERT_TRUE(later);
  EXPECT_THAT(*later, HasSubstr("1 more in the last 10 s (3 in all; last: c)"));
}

TEST(LogSummary, TheTimerWritesTheSummaryWhenTheIntervalEnds) {
  asio::io_context io;
  testing::FakeClock clock;
  std::vector<std::string> lines;
  LogSummary log("refused", std::chrono::milliseconds(10), clock, io, [&](std::string_view l) { lines.emplace_back(l); });
  for (int i = 0; i < 50; ++i) log.note("x" + std::to_string(i));
  ASSERT_EQ(lines.size(), 1u);
  clock.advance(std::chrono::milliseconds(10));
  ASSERT_TRUE(testing::run_until(io, [&] { return lines.size() == 2; }));
  EXPECT_EQ(lines[1], "refused: 49 more in the last 10 ms (50 in all; last: x49)");
  EXPECT_EQ(log.total(), 50u);
}

}  // namespace
}  // namespace sotto::io
