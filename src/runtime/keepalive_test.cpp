#include "runtime/keepalive.hpp"

#include <gtest/gtest.h>

namespace sotto::runtime {
namespace {

using namespace std::chrono_literals;
using A = KeepAlive::Action;

KeepAlive::Timestamp t0() { return KeepAlive::Timestamp{} + 1h; }

TEST(KeepAlive, PingsBetween80And100PercentOfTheInterval) {
  KeepAlive early(100s, [] { return 0.0; });
  early.start(t0());
  EXPECT_EQ(*early.next_timeout(), t0() + 80s);
  KeepAlive late(100s, [] { return 0.999; });
  late.start(t0());
  EXPECT_GT(*late.next_timeout(), t0() + 99s);
  EXPECT_LE(*late.next_timeout(), t0() + 100s);
}

TEST(KeepAlive, PongInTimeSchedulesTheNextPing) {
  KeepAlive ka(100s, [] { return 0.5; });
  ka.start(t0());
  EXPECT_EQ(ka.handle_timeout(t0() + 10s), A::none);  // early wake-up: nothing
  EXPECT_EQ(ka.handle_timeout(t0() + 90s), A::ping);
  EXPECT_TRUE(ka.awaiting_pong());
  EXPECT_EQ(*ka.next_timeout(), t0() + 100s);           // pong deadline: 10 s
  ka.on_pong(t0() + 91s);
  EXPECT_FALSE(ka.awaiting_pong());
  EXPECT_EQ(*ka.next_timeout(), t0() + 181s);
  EXPECT_EQ(ka.pings_sent(), 1u);
  EXPECT_EQ(ka.pongs_received(), 1u);
}

TEST(KeepAlive, NoPongWithinTenSecondsMeansTheFlowIsDead) {
  KeepAlive ka(30s, [] { return 0.0; });
  ka.start(t0());
  ASSERT_EQ(ka.handle_timeout(t0() + 24s), A::ping);
  EXPECT_EQ(ka.handle_timeout(t0() + 33s), A::none);
  EXPECT_EQ(ka.handle_timeout(t0() + 34s), A::dead);
  EXPECT_FALSE(ka.next_timeout());
  EXPECT_EQ(ka.handle_timeout(t0() + 100s), A::none);  // stays dead until started again
}

TEST(KeepAlive, UnsolicitedPongChangesNothing) {
  KeepAlive ka(30s, [] { return 0.0; });
  ka.start(t0());
  ka.on_pong(t0() + 1s);
  EXPECT_EQ(*ka.next_timeout(), t0() + 24s);
  EXPECT_EQ(ka.pongs_received(), 0u);
}

TEST(KeepAlive, FlowTimerReplacesTheInterval) {
  KeepAlive ka(120s, [] { return 0.0; });
  ka.set_interval(25s);
  ka.start(t0());
  EXPECT_EQ(*ka.next_timeout(), t0() + 20s);
}

}  // namespace
}  // namespace sotto::runtime
