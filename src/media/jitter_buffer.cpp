#include "media/jitter_buffer.hpp"

#include <algorithm>
#include <bit>

namespace sotto::media {

JitterBuffer::JitterBuffer(const JitterBufferConfig& config) : config_(config) {
  if (config_.clock_rate == 0) config_.clock_rate = 8000;
  if (config_.frame_samples == 0) config_.frame_samples = 160;
  // At least four frames plus the delay, rounded up to a power of two so the ring index survives the
  // 32-bit timestamp wrap.
  const std::uint32_t need = std::max(config_.capacity_samples, delay_samples() + 4 * config_.frame_samples);
  config_.capacity_samples = std::bit_ceil(need);
  mask_ = config_.capacity_samples - 1;
  pcm_.assign(config_.capacity_samples, 0);
  filled_.assign(config_.capacity_samples, 0);
}

std::uint32_t JitterBuffer::delay_samples() const noexcept {
  const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(config_.delay).count();
  return static_cast<std::uint32_t>(std::max<std::int64_t>(0, ns) * config_.clock_rate / 1'000'000'000);
}

void JitterBuffer::clear_ring() {
  std::fill(filled_.begin(), filled_.end(), std::uint8_t{0});
  buffered_ = 0;
}

void JitterBuffer::reset() {
  clear_ring();
  anchored_ = false;
  playing_ = false;
  consecutive_late_ = 0;
}

void JitterBuffer::anchor(Timestamp now, std::uint32_t rtp_timestamp) {
  clear_ring();
  anchored_ = true;
  consecutive_late_ = 0;
  if (playing_) {
    // Keep the speaker fed: this packet plays one delay from now.
    play_ts_ = rtp_timestamp - delay_samples();
  } else {
    play_ts_ = rtp_timestamp;
    start_at_ = now + config_.delay;
  }
}

InsertOutcome JitterBuffer::insert(Timestamp now, std::uint32_t rtp_timestamp, std::span<const std::int16_t> pcm,
                                   bool marker) {
  InsertOutcome outcome = InsertOutcome::stored;
  const auto n = static_cast<std::int64_t>(std::min<std::size_t>(pcm.size(), config_.capacity_samples / 2));
  if (!anchored_) {
    anchor(now, rtp_timestamp);
    outcome = InsertOutcome::resynced;
  }
  std::int64_t offset = static_cast<std::int32_t>(rtp_timestamp - play_ts_);
  const bool too_far = offset + n > static_cast<std::int64_t>(config_.capacity_samples) ||
                       offset < -static_cast<std::int64_t>(config_.capacity_samples);
  // A talkspurt into an empty buffer may come with a timestamp jump (RFC 3550 section 5.1 allows it):
  // re-anchor only when keeping the old mapping would drop it or add latency.
  const bool new_talkspurt =
      marker && buffered_ == 0 &&
      (offset < 0 || offset > static_cast<std::int64_t>(delay_samples() + 2 * config_.frame_samples));
  if (outcome != InsertOutcome::resynced && (too_far || new_talkspurt)) {
    anchor(now, rtp_timestamp);
    ++counters_.resyncs;
    outcome = InsertOutcome::resynced;
    offset = static_cast<std::int32_t>(rtp_timestamp - play_ts_);
  }
  if (offset + n <= 0) {
    ++counters_.packets_late;
    if (++consecutive_late_ >= kLateBeforeResync) {
      // The sender's clock moved back for good: follow it rather than drop everything.
      anchor(now, rtp_timestamp);
      ++counters_.resyncs;
    }
    return InsertOutcome::late;
  }
  consecutive_late_ = 0;
  for (std::int64_t i = std::max<std::int64_t>(0, -offset); i < n; ++i) {
    const std::uint32_t at = (rtp_timestamp + static_cast<std::uint32_t>(i)) & mask_;
    if (!filled_[at]) ++buffered_;
    filled_[at] = 1;
    pcm_[at] = pcm[static_cast<std::size_t>(i)];
  }
  ++counters_.packets_stored;
  return outcome;
}

PullOutcome JitterBuffer::pull(Timestamp now, std::span<std::int16_t> out) {
  if (!anchored_ || (!playing_ && now < start_at_)) {
    std::fill(out.begin(), out.end(), std::int16_t{0});
    ++counters_.frames_waiting;
    return PullOutcome::waiting;
  }
  playing_ = true;
  std::size_t missing = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    const std::uint32_t at = (play_ts_ + static_cast<std::uint32_t>(i)) & mask_;
    if (filled_[at]) {
      out[i] = pcm_[at];
      filled_[at] = 0;
      --buffered_;
    } else {
      out[i] = 0;  // concealment: silence
      ++missing;
    }
  }
  play_ts_ += static_cast<std::uint32_t>(out.size());
  if (missing > 0) {
    ++counters_.frames_concealed;
    return PullOutcome::concealed;
  }
  ++counters_.frames_played;
  return PullOutcome::played;
}

}  // namespace sotto::media
