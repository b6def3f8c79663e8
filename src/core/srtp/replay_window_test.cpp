// ReplayWindow at its edges (RFC 3711 section 3.3.2): an index size-1 behind the highest is still
// inside the window, size and size+1 behind are too old, and the bitmap keeps what it saw across
// shifts of size-1, size and size+1.
#include "core/srtp/replay_window.hpp"

#include <gtest/gtest.h>

#include <cstdint>

namespace sotto::srtp {
namespace {

using V = ReplayWindow::Verdict;

class ReplayWindowEdges : public ::testing::TestWithParam<std::uint32_t> {};

TEST_P(ReplayWindowEdges, DeltaSizeMinusOneIsInsideSizeAndSizePlusOneAreTooOld) {
  const std::uint32_t size = GetParam();
  const std::uint64_t top = 100000;
  ReplayWindow w(size);
  EXPECT_TRUE(w.empty());
  EXPECT_EQ(w.check(top), V::fresh);
  w.accept(top);
  EXPECT_EQ(w.highest(), top);
  EXPECT_EQ(w.check(top), V::replay);
  // Never seen, one short of the window's end: fresh; once accepted, a replay.
  EXPECT_EQ(w.check(top - (size - 1)), V::fresh);
  w.accept(top - (size - 1));
  EXPECT_EQ(w.check(top - (size - 1)), V::replay);
  EXPECT_EQ(w.highest(), top);  // accepting an older index does not move the window
  EXPECT_EQ(w.check(top - size), V::too_old);
  EXPECT_EQ(w.check(top - (size + 1)), V::too_old);
  // Between the edges nothing else is marked.
  EXPECT_EQ(w.check(top - 1), V::fresh);
  EXPECT_EQ(w.check(top - (size - 2)), V::fresh);
}

TEST_P(ReplayWindowEdges, ShiftBySizeMinusOneKeepsTheOldestBit) {
  const std::uint32_t size = GetParam();
  const std::uint64_t base = 5000;
  ReplayWindow w(size);
  w.accept(base);
  w.accept(base + 1);
  w.accept(base + size - 1);  // base is now size-1 behind: still remembered
  EXPECT_EQ(w.highest(), base + size - 1);
  EXPECT_EQ(w.check(base), V::replay);
  EXPECT_EQ(w.check(base + 1), V::replay);
  EXPECT_EQ(w.check(base + 2), V::fresh);
  EXPECT_EQ(w.check(base - 1), V::too_old);
}

TEST_P(ReplayWindowEdges, ShiftBySizeDropsTheOldestAndKeepsTheNext) {
  const std::uint32_t size = GetParam();
  const std::uint64_t base = 5000;
  ReplayWindow w(size);
  w.accept(base);
  w.accept(base + 1);
  w.accept(base + size);  // base is size behind: out; base+1 is size-1 behind: in, and seen
  EXPECT_EQ(w.check(base), V::too_old);
  EXPECT_EQ(w.check(base + 1), V::replay);
  EXPECT_EQ(w.check(base + 2), V::fresh);
  EXPECT_EQ(w.check(base + size), V::replay);
}

TEST_P(ReplayWindowEdges, ShiftBySizePlusOneForgetsBothAndLeavesTheEdgeFresh) {
  const std::uint32_t size = GetParam();
  const std::uint64_t base = 5000;
  ReplayWindow w(size);
  w.accept(base);
  w.accept(base + 1);
  w.accept(base + size + 1);
  EXPECT_EQ(w.check(base), V::too_old);
  EXPECT_EQ(w.check(base + 1), V::too_old);
  // base+2 is now exactly size-1 behind and was never accepted: no stale bit may claim it.
  EXPECT_EQ(w.check(base + 2), V::fresh);
  w.accept(base + 2);
  EXPECT_EQ(w.check(base + 2), V::replay);
}

TEST_P(ReplayWindowEdges, EveryIndexOfAFullWindowIsAReplayAfterwards) {
  const std::uint32_t size = GetParam();
  ReplayWindow w(size);
  const std::uint64_t first = 70000;
  for (std::uint64_t i = first; i < first + size; ++i) w.accept(i);
  for (std::uint64_t i = first; i < first + size; ++i) EXPECT_EQ(w.check(i), V::replay) << i;
  EXPECT_EQ(w.check(first - 1), V::too_old);
  EXPECT_EQ(w.check(first + size), V::fresh);
  w.accept(first + size);  // one step: the first index falls off the end
  EXPECT_EQ(w.check(first), V::too_old);
  EXPECT_EQ(w.check(first + 1), V::replay);
}

TEST_P(ReplayWindowEdges, ResetStartsAgainAnywhere) {
  const std::uint32_t size = GetParam();
  ReplayWindow w(size);
  w.accept(1000000);
  w.reset();
  EXPECT_TRUE(w.empty());
  EXPECT_EQ(w.check(10), V::fresh);
  w.accept(10);
  EXPECT_EQ(w.highest(), 10u);
  EXPECT_EQ(w.check(10), V::replay);
}

// 64 and 128: whole words; 100: a partial last word; 1024: many words (shifts across word borders).
INSTANTIATE_TEST_SUITE_P(Sizes, ReplayWindowEdges, ::testing::Values(64u, 100u, 128u, 1024u, 32768u));

TEST(ReplayWindow, IndexZeroAndSmallIndicesNearTheStart) {
  ReplayWindow w(64);
  w.accept(0);
  EXPECT_EQ(w.check(0), V::replay);
  w.accept(63);
  EXPECT_EQ(w.check(0), V::replay);  // delta 63 = size-1
  w.accept(64);
  EXPECT_EQ(w.check(0), V::too_old);  // delta 64 = size
  EXPECT_EQ(w.check(1), V::fresh);
}

}  // namespace
}  // namespace sotto::srtp
