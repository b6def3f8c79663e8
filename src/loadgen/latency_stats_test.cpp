#include "loadgen/latency_stats.hpp"

#include <gtest/gtest.h>

namespace sotto::loadgen {
namespace {

TEST(LatencyStats, EmptyHasNoPercentiles) {
  LatencyStats s;
  EXPECT_EQ(s.count(), 0u);
  EXPECT_FALSE(s.percentile(50));
  EXPECT_FALSE(s.mean());
  EXPECT_FALSE(s.max());
}

TEST(LatencyStats, NearestRankOnOneToHundred) {
  LatencyStats s;
  for (int i = 100; i >= 1; --i) s.add(i);  // added out of order
  EXPECT_EQ(s.percentile(50), 50.0);
  EXPECT_EQ(s.percentile(95), 95.0);
  EXPECT_EQ(s.percentile(99), 99.0);
  EXPECT_EQ(s.percentile(99.5), 100.0);
  EXPECT_EQ(s.percentile(0), 1.0);
  EXPECT_EQ(s.max(), 100.0);
  EXPECT_EQ(s.mean(), 50.5);
}

TEST(LatencyStats, RanksOnTwentySamplesAreExact) {
  // ceil(0.95 * 20) = 19 exactly: the 19th smallest, not the maximum.
  LatencyStats s;
  for (int i = 1; i <= 20; ++i) s.add(i * 10.0);
  EXPECT_EQ(s.percentile(95), 190.0);
  EXPECT_EQ(s.percentile(50), 100.0);
  EXPECT_EQ(s.percentile(99), 200.0);
}

TEST(LatencyStats, EveryPercentileIsAMeasuredValue) {
  LatencyStats s;
  s.add(3.0);
  s.add(12.5);
  EXPECT_EQ(s.percentile(50), 3.0);
  EXPECT_EQ(s.percentile(51), 12.5);
  EXPECT_EQ(s.percentile(99), 12.5);
  s.add(7.0);  // adding after a query sorts again
  EXPECT_EQ(s.percentile(50), 7.0);
}

TEST(LatencyStats, OutOfRangePercentilesAreClamped) {
  LatencyStats s;
  s.add(1.0);
  s.add(2.0);
  EXPECT_EQ(s.percentile(-10), 1.0);
  EXPECT_EQ(s.percentile(250), 2.0);
}

}  // namespace
}  // namespace sotto::loadgen
