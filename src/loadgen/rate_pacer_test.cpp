#include "loadgen/rate_pacer.hpp"

#include <gtest/gtest.h>

namespace sotto::loadgen {
namespace {

using std::chrono::milliseconds;

TEST(RatePacer, SpacesAttemptsAtTheRate) {
  const Timestamp t0 = Timestamp{} + std::chrono::hours(1);
  RatePacer p(100.0);  // one every 10 ms
  p.start(t0);
  EXPECT_TRUE(p.ready(t0));  // attempt 0 is due at the start
  p.take();
  EXPECT_FALSE(p.ready(t0 + milliseconds(9)));
  EXPECT_EQ(p.next_due(), t0 + milliseconds(10));
  EXPECT_TRUE(p.ready(t0 + milliseconds(10)));
  p.take();
  EXPECT_EQ(p.next_due(), t0 + milliseconds(20));
}

TEST(RatePacer, ALateTickCatchesUpWithoutDrift) {
  const Timestamp t0 = Timestamp{};
  RatePacer p(1000.0);  // one per ms
  p.start(t0);
  // Woken 5.5 ms late: attempts 0..5 are all due now, the 7th (index 6) at 6 ms exactly.
  int started = 0;
  while (p.ready(t0 + std::chrono::microseconds(5500))) {
    p.take();
    ++started;
  }
  EXPECT_EQ(started, 6);
  EXPECT_EQ(p.next_due(), t0 + milliseconds(6));
  EXPECT_EQ(p.taken(), 6u);
}

TEST(RatePacer, FractionalRate) {
  RatePacer p(0.5);  // one every 2 s
  p.start(Timestamp{});
  p.take();
  p.take();
  EXPECT_EQ(p.next_due(), Timestamp{} + std::chrono::seconds(4));
}

TEST(RatePacer, WithoutARateAlwaysReady) {
  RatePacer p;
  p.start(Timestamp{});
  for (int i = 0; i < 1000; ++i) {
    ASSERT_TRUE(p.ready(Timestamp{}));
    p.take();
  }
  EXPECT_FALSE(p.next_due());
}

TEST(ParseRate, AcceptsNumbersWithOrWithoutPerSecond) {
  EXPECT_EQ(parse_rate("200").value(), 200.0);
  EXPECT_EQ(parse_rate("200/s").value(), 200.0);
  EXPECT_EQ(parse_rate("12.5/s").value(), 12.5);
}

TEST(ParseRate, RefusesWhatIsNotARate) {
  for (const char* bad : {"", "/s", "0", "-5", "fast", "10/m", "10 /s", "1e9", "nan", "inf", "5x"}) {
    auto r = parse_rate(bad);
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().context.find("is not a rate"), std::string::npos) << r.error().context;
  }
}

}  // namespace
}  // namespace sotto::loadgen
