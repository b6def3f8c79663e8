#include "media/jitter_buffer.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace sotto::media {
namespace {

using namespace std::chrono_literals;

const Timestamp t0{};

std::vector<std::int16_t> frame_of(std::int16_t v) { return std::vector<std::int16_t>(160, v); }

TEST(JitterBuffer, WaitsForTheDelayThenPlaysInOrder) {
  JitterBuffer jb({.delay = 60ms});
  std::vector<std::int16_t> out(160);
  EXPECT_EQ(jb.pull(t0, out), PullOutcome::waiting);  // nothing yet
  jb.insert(t0, 1000, frame_of(1));
  jb.insert(t0 + 20ms, 1160, frame_of(2));
  EXPECT_EQ(jb.pull(t0 + 40ms, out), PullOutcome::waiting);
  jb.insert(t0 + 40ms, 1320, frame_of(3));
  EXPECT_EQ(jb.pull(t0 + 60ms, out), PullOutcome::played);
  EXPECT_EQ(out[0], 1);
  EXPECT_EQ(jb.pull(t0 + 80ms, out), PullOutcome::played);
  EXPECT_EQ(out[159], 2);
  EXPECT_EQ(jb.pull(t0 + 100ms, out), PullOutcome::played);
  EXPECT_EQ(out[0], 3);
  EXPECT_EQ(jb.pull(t0 + 120ms, out), PullOutcome::concealed);  // nothing more: silence
  EXPECT_EQ(out[0], 0);
  EXPECT_EQ(jb.counters().frames_played, 3u);
  EXPECT_EQ(jb.counters().frames_concealed, 1u);
}

TEST(JitterBuffer, ReordersWithinTheDelay) {
  JitterBuffer jb({.delay = 60ms});
  std::vector<std::int16_t> out(160);
  jb.insert(t0, 0, frame_of(1));
  jb.insert(t0 + 40ms, 320, frame_of(3));  // 2 overtaken by 3
  jb.insert(t0 + 45ms, 160, frame_of(2));
  for (int want : {1, 2, 3}) {
    EXPECT_EQ(jb.pull(t0 + 60ms + (want - 1) * 20ms, out), PullOutcome::played);
    EXPECT_EQ(out[80], want);
  }
}

TEST(JitterBuffer, DropsLatePacketsAndConcealsTheHole) {
  JitterBuffer jb({.delay = 40ms});
  std::vector<std::int16_t> out(160);
  jb.insert(t0, 0, frame_of(1));
  jb.insert(t0 + 40ms, 320, frame_of(3));
  EXPECT_EQ(jb.pull(t0 + 40ms, out), PullOutcome::played);
  EXPECT_EQ(jb.pull(t0 + 60ms, out), PullOutcome::concealed);  // frame 2 missing
  EXPECT_EQ(jb.insert(t0 + 70ms, 160, frame_of(2)), InsertOutcome::late);
  EXPECT_EQ(jb.pull(t0 + 80ms, out), PullOutcome::played);
  EXPECT_EQ(out[0], 3);
  EXPECT_EQ(jb.counters().packets_late, 1u);
}

TEST(JitterBuffer, ResyncsOnHugeJumpAndOnNewTalkspurt) {
  JitterBuffer jb({.delay = 60ms});
  std::vector<std::int16_t> out(160);
  jb.insert(t0, 0, frame_of(1));
  jb.pull(t0 + 60ms, out);
  EXPECT_EQ(jb.insert(t0 + 80ms, 5'000'000, frame_of(7)), InsertOutcome::resynced);
  // Plays one delay later, with no lost audio in between beyond concealment.
  int played = 0;
  for (int i = 0; i < 5; ++i) {
    if (jb.pull(t0 + 80ms + i * 20ms, out) == PullOutcome::played && out[0] == 7) ++played;
  }
  EXPECT_EQ(played, 1);
  EXPECT_EQ(jb.counters().resyncs, 1u);
  // A marked packet into an empty buffer re-anchors too (the sender's clock may have jumped back).
  EXPECT_EQ(jb.insert(t0 + 200ms, 4'000'000, frame_of(9), /*marker=*/true), InsertOutcome::resynced);
}

TEST(JitterBuffer, FollowsASenderThatJumpedBack) {
  JitterBuffer jb({.delay = 40ms});
  std::vector<std::int16_t> out(160);
  for (std::uint32_t i = 0; i < 10; ++i) {
    jb.insert(t0 + i * 20ms, 100'000 + i * 160, frame_of(1));
    jb.pull(t0 + i * 20ms, out);
  }
  // Now the timestamps restart 1000 samples earlier without a marker: late at first, then followed.
  int late = 0;
  for (std::uint32_t i = 0; i < 10; ++i) {
    if (jb.insert(t0 + 200ms + i * 20ms, 99'000 + i * 160, frame_of(2)) == InsertOutcome::late) ++late;
    jb.pull(t0 + 200ms + i * 20ms, out);
  }
  EXPECT_EQ(late, 5);
  EXPECT_EQ(jb.pull(t0 + 400ms, out), PullOutcome::played);
  EXPECT_EQ(out[0], 2);
}

}  // namespace
}  // namespace sotto::media
