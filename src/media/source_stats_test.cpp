#include "media/source_stats.hpp"

#include <gtest/gtest.h>

namespace sotto::media {
namespace {

using namespace std::chrono_literals;

const Timestamp t0{};

// Packet i sent at i*20 ms with timestamp i*160, arriving after `delay`.
SeqOutcome feed(SourceStats& s, std::uint16_t seq, std::uint32_t ts, Duration arrival) {
  return s.on_packet(seq, ts, t0 + arrival, true);
}

TEST(SourceStats, InOrderStreamHasNoLossNoJitter) {
  SourceStats s(7, 8000);
  EXPECT_EQ(feed(s, 100, 0, 0ms), SeqOutcome::probation);
  for (std::uint16_t i = 1; i < 50; ++i) EXPECT_EQ(feed(s, 100 + i, i * 160u, i * 20ms), SeqOutcome::accepted);
  EXPECT_TRUE(s.validated());
  EXPECT_EQ(s.received(), 50u);
  EXPECT_EQ(s.expected(), 50u);
  EXPECT_EQ(s.lost(), 0);
  EXPECT_DOUBLE_EQ(s.jitter(), 0.0);
  auto rb = s.make_report_block(t0 + 1s);
  EXPECT_EQ(rb.ssrc, 7u);
  EXPECT_EQ(rb.fraction_lost, 0);
  EXPECT_EQ(rb.cumulative_lost, 0);
  EXPECT_EQ(rb.extended_highest_seq, 149u);
  EXPECT_EQ(rb.lsr, 0u);
  EXPECT_EQ(rb.dlsr, 0u);
}

TEST(SourceStats, LossFractionPerInterval) {
  SourceStats s(7, 8000);
  for (std::uint16_t i = 0; i < 100; ++i) {
    if (i % 4 == 3) continue;  // lose every fourth packet
    feed(s, i, i * 160u, i * 20ms);
  }
  EXPECT_EQ(s.expected(), 99u);  // 0..98 (99 is lost and is past the highest)
  EXPECT_EQ(s.lost(), 24);
  auto rb = s.make_report_block(t0 + 2s);
  EXPECT_EQ(rb.cumulative_lost, 24);
  EXPECT_EQ(rb.fraction_lost, 24 * 256 / 99);
  // Next interval: only packet 99 (now below the highest) is missing: 1 of 51.
  for (std::uint16_t i = 100; i < 150; ++i) feed(s, i, i * 160u, i * 20ms);
  rb = s.make_report_block(t0 + 3s);
  EXPECT_EQ(rb.fraction_lost, 256 / 51);
  EXPECT_EQ(rb.cumulative_lost, 25);
  // And an interval with nothing lost.
  for (std::uint16_t i = 150; i < 200; ++i) feed(s, i, i * 160u, i * 20ms);
  EXPECT_EQ(s.make_report_block(t0 + 4s).fraction_lost, 0);
}

TEST(SourceStats, SequenceWrapCountsCycles) {
  SourceStats s(7, 8000);
  for (std::uint32_t i = 0; i < 20; ++i) {
    feed(s, static_cast<std::uint16_t>(65530 + i), i * 160, i * 20ms);
  }
  EXPECT_EQ(s.cycles(), 1u);
  EXPECT_EQ(s.extended_highest_seq(), 65536u + 13);
  EXPECT_EQ(s.lost(), 0);
  EXPECT_EQ(s.received(), 20u);
}

TEST(SourceStats, DuplicatesAndReorderingCounted) {
  SourceStats s(7, 8000);
  feed(s, 1, 160, 20ms);
  feed(s, 2, 320, 40ms);
  feed(s, 4, 640, 80ms);
  EXPECT_EQ(feed(s, 3, 480, 85ms), SeqOutcome::accepted);  // late but new
  EXPECT_EQ(feed(s, 3, 480, 86ms), SeqOutcome::duplicate);
  EXPECT_EQ(feed(s, 4, 640, 87ms), SeqOutcome::duplicate);
  EXPECT_EQ(s.duplicates(), 2u);
  EXPECT_EQ(s.reordered(), 1u);
  EXPECT_EQ(s.received(), 4u);
  EXPECT_EQ(s.lost(), 0);
}

TEST(SourceStats, LargeJumpNeedsConfirmation) {
  SourceStats s(7, 8000);
  for (std::uint16_t i = 0; i < 10; ++i) feed(s, i, i * 160u, i * 20ms);
  EXPECT_EQ(feed(s, 30000, 0, 300ms), SeqOutcome::bad_jump);
  EXPECT_EQ(feed(s, 30001, 160, 320ms), SeqOutcome::accepted);  // sender restarted: re-initialised
  EXPECT_EQ(s.received(), 1u);
  EXPECT_EQ(s.extended_highest_seq(), 30001u);
}

TEST(SourceStats, JitterFollowsA8) {
  SourceStats s(7, 8000);
  // Arrivals alternate 0 and 10 ms late: |D| = 80 timestamp units each time after the first.
  for (std::uint16_t i = 0; i < 200; ++i) {
    const Duration late = (i % 2) ? 10ms : 0ms;
    feed(s, i, i * 160u, i * 20ms + late);
  }
  EXPECT_NEAR(s.jitter(), 80.0, 1.0);
  EXPECT_NEAR(s.jitter_ms(), 10.0, 0.2);
  EXPECT_EQ(s.make_report_block(t0 + 5s).jitter, 79u);
}

TEST(SourceStats, LsrAndDlsrFromTheLastSenderReport) {
  SourceStats s(7, 8000);
  feed(s, 0, 0, 0ms);
  s.on_sender_report(0xAAAABBBBCCCCDDDDull, t0 + 1s);
  auto rb = s.make_report_block(t0 + 1500ms);
  EXPECT_EQ(rb.lsr, 0xBBBBCCCCu);
  EXPECT_EQ(rb.dlsr, 32768u);  // 0.5 s in 1/65536 s
}

}  // namespace
}  // namespace sotto::media
