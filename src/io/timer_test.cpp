#include "io/timer.hpp"

#include <gtest/gtest.h>

#include "io/system_clock.hpp"
#include "io/testing/fake_clock.hpp"
#include "io/testing/io_test_support.hpp"

namespace sotto::io {
namespace {

TEST(Timer, FiresAtTheDeadlineOfTheRealClock) {
  asio::io_context io;
  SystemClock clock;
  Timer t(io, clock);
  std::optional<Timestamp> fired;
  const Timestamp deadline = clock.now() + std::chrono::milliseconds(30);
  t.arm(deadline, [&](Timestamp now) { fired = now; });
  EXPECT_TRUE(t.armed());
  ASSERT_TRUE(testing::run_until(io, [&] { return fired.has_value(); }));
  EXPECT_GE(*fired, deadline);
  EXPECT_FALSE(t.armed());
}

TEST(Timer, RearmReplacesAndCancelStops) {
  asio::io_context io;
  SystemClock clock;
  Timer t(io, clock);
  int first = 0, second = 0;
  t.arm(clock.now() + std::chrono::hours(1), [&](Timestamp) { ++first; });
  t.arm(clock.now(), [&](Timestamp) { ++second; });  // past deadline: fires on the next run, not inside arm()
  EXPECT_EQ(second, 0);
  ASSERT_TRUE(testing::run_until(io, [&] { return second == 1; }));
  EXPECT_EQ(first, 0);
  t.arm(clock.now(), [&](Timestamp) { ++first; });
  t.cancel();
  io.restart();
  io.poll();
  EXPECT_EQ(first, 0);
}

TEST(Timer, FakeClockDecidesWhenTheDeadlineIsReached) {
  asio::io_context io;
  testing::FakeClock clock;
  Timer t(io, clock);
  std::optional<Timestamp> fired;
  const Timestamp deadline = clock.now() + std::chrono::seconds(32);  // SIP Timer B
  clock.advance(std::chrono::seconds(40));
  t.arm(deadline, [&](Timestamp now) { fired = now; });
  ASSERT_TRUE(testing::run_until(io, [&] { return fired.has_value(); }));
  EXPECT_EQ(*fired, clock.now());
}

}  // namespace
}  // namespace sotto::io
