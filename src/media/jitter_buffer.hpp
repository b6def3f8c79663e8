#pragma once
// JitterBuffer: a fixed-delay playout buffer of decoded PCM indexed by RTP timestamp. Reorders,
// drops packets that come after their playout time, and conceals gaps with silence.
//
//   JitterBuffer jb({.delay = 60ms});
//   jb.insert(now, rtp_timestamp, pcm, marker);           // on every audio packet
//   jb.pull(now, frame);                                  // every 20 ms: 160 samples for the speaker

#include <cstdint>
#include <span>
#include <vector>

#include "media/timestamp.hpp"

namespace sotto::media {

struct JitterBufferConfig {
  Duration delay = std::chrono::milliseconds(60);  // playout starts this long after the first packet
  std::uint32_t clock_rate = 8000;
  std::uint32_t frame_samples = 160;               // what pull() yields
  // Ring size in samples (a power of two): how far ahead of playout a packet may be (8192 = 1.024 s).
  std::uint32_t capacity_samples = 8192;
};

enum class InsertOutcome : std::uint8_t {
  stored,     // (at least partly) in time for playout
  late,       // entirely before the playout point: dropped
  resynced,   // too far from the playout point, or a new talkspurt into an empty buffer: re-anchored
};

enum class PullOutcome : std::uint8_t {
  waiting,    // nothing received yet, or the initial delay has not passed: silence
  played,     // all samples came from packets
  concealed,  // some or all samples were missing: silence in their place
};

struct JitterBufferCounters {
  std::uint64_t frames_played = 0;     // pulls that returned received audio only
  std::uint64_t frames_concealed = 0;  // pulls with at least one missing sample
  std::uint64_t frames_waiting = 0;
  std::uint64_t packets_stored = 0;
  std::uint64_t packets_late = 0;
  std::uint64_t resyncs = 0;
  friend bool operator==(const JitterBufferCounters&, const JitterBufferCounters&) = default;
};

class JitterBuffer {
 public:
  explicit JitterBuffer(const JitterBufferConfig& config = {});

  // `marker`: the packet starts a talkspurt (RTP M bit); a sender may jump its timestamp then.
  InsertOutcome insert(Timestamp now, std::uint32_t rtp_timestamp, std::span<const std::int16_t> pcm,
                       bool marker = false);
  // Fills `out` (frame_samples long; other sizes are filled as far as they go) with the next frame.
  // Call once per frame time.
  PullOutcome pull(Timestamp now, std::span<std::int16_t> out);
  // Forget everything (new remote source).
  void reset();

  std::uint32_t buffered_samples() const noexcept { return buffered_; }
  const JitterBufferCounters& counters() const noexcept { return counters_; }
  const JitterBufferConfig& config() const noexcept { return config_; }

 private:
  static constexpr int kLateBeforeResync = 5;  // consecutive late packets mean the sender jumped back

  std::uint32_t delay_samples() const noexcept;
  void clear_ring();
  void anchor(Timestamp now, std::uint32_t rtp_timestamp);

  JitterBufferConfig config_;
  std::vector<std::int16_t> pcm_;
  std::vector<std::uint8_t> filled_;
  std::uint32_t mask_ = 0;
  bool anchored_ = false;
  bool playing_ = false;
  Timestamp start_at_{};
  std::uint32_t play_ts_ = 0;    // RTP timestamp of the next sample to play
  std::uint32_t buffered_ = 0;   // filled samples in the ring
  int consecutive_late_ = 0;
  JitterBufferCounters counters_;
};

}  // namespace sotto::media
