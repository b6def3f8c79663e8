#include "media/source_stats.hpp"

#include <algorithm>
#include <cmath>

namespace sotto::media {

SourceStats::SourceStats(std::uint32_t ssrc, std::uint32_t clock_rate) noexcept
    : ssrc_(ssrc), clock_rate_(clock_rate == 0 ? 8000 : clock_rate) {}

void SourceStats::init_seq(std::uint16_t seq) noexcept {
  base_seq_ = seq;
  max_seq_ = seq;
  bad_seq_ = kSeqMod + 1;  // so seq == bad_seq is false
  cycles_ = 0;
  received_ = 0;
  received_prior_ = 0;
  expected_prior_ = 0;
  window_.reset();
  window_.set(0);
}

bool SourceStats::seen(std::uint32_t back) const noexcept { return back < window_.size() && window_.test(back); }

void SourceStats::mark_seen(std::uint32_t back) noexcept {
  if (back < window_.size()) window_.set(back);
}

SeqOutcome SourceStats::on_packet(std::uint16_t seq, std::uint32_t rtp_timestamp, Timestamp arrival,
                                  bool count_jitter) noexcept {
  SeqOutcome outcome = SeqOutcome::accepted;
  const auto udelta = static_cast<std::uint16_t>(seq - max_seq_);
  if (probation_ > 0) {
    // A.1: a source is valid after kMinSequential packets in sequence. Unlike A.1's listing, the
    // probation packets are counted once it passes (base_seq moves back to the first of them).
    if (!arrival_epoch_ || seq != static_cast<std::uint16_t>(max_seq_ + 1)) {
      probation_ = kMinSequential - 1;
      max_seq_ = seq;
      outcome = SeqOutcome::probation;
    } else {
      --probation_;
      max_seq_ = seq;
      if (probation_ == 0) {
        init_seq(seq);
        base_seq_ = std::int64_t{seq} - (kMinSequential - 1);
        received_ = kMinSequential;
        for (int i = 1; i < kMinSequential; ++i) window_.set(static_cast<std::size_t>(i));
      } else {
        outcome = SeqOutcome::probation;
      }
    }
  } else if (udelta == 0) {
    ++duplicates_;
    return SeqOutcome::duplicate;
  } else if (udelta < kMaxDropout) {
    // In order, with a permissible gap.
    if (seq < max_seq_) cycles_ += kSeqMod;  // wrapped
    max_seq_ = seq;
    window_ <<= udelta;
    window_.set(0);
    ++received_;
  } else if (udelta <= kSeqMod - kMaxMisorder) {
    // A very large jump: accept it only if the next packet follows it (the sender restarted).
    if (seq == bad_seq_) {
      init_seq(seq);
      ++received_;
    } else {
      bad_seq_ = (seq + 1u) & (kSeqMod - 1);
      ++bad_jumps_;
      return SeqOutcome::bad_jump;
    }
  } else {
    // Reordered (or duplicate of an older packet).
    const std::uint32_t back = static_cast<std::uint16_t>(max_seq_ - seq);
    if (seen(back)) {
      ++duplicates_;
      return SeqOutcome::duplicate;
    }
    mark_seen(back);
    ++reordered_;
    ++received_;
  }

  // A.8: transit time difference in timestamp units, smoothed with gain 1/16.
  if (!arrival_epoch_) arrival_epoch_ = arrival;
  if (count_jitter) {
    const auto since = std::chrono::duration_cast<std::chrono::nanoseconds>(arrival - *arrival_epoch_);
    const auto arrival_units =
        static_cast<std::int64_t>(std::llround(static_cast<double>(since.count()) * clock_rate_ / 1e9));
    // Timestamps wrap: work with the arrival clock truncated to 32 bits, like A.8 does.
    const auto transit = static_cast<std::int32_t>(static_cast<std::uint32_t>(arrival_units) - rtp_timestamp);
    if (last_transit_) {
      const double d = std::abs(static_cast<double>(static_cast<std::int32_t>(
          static_cast<std::uint32_t>(transit) - static_cast<std::uint32_t>(*last_transit_))));
      jitter_ += (d - jitter_) / 16.0;
    }
    last_transit_ = transit;
  }
  return outcome;
}

void SourceStats::on_sender_report(std::uint64_t ntp_timestamp, Timestamp arrival) noexcept {
  lsr_ = static_cast<std::uint32_t>(ntp_timestamp >> 16);
  lsr_arrival_ = arrival;
}

std::uint64_t SourceStats::expected() const noexcept {
  if (!validated()) return 0;
  const std::int64_t e = std::int64_t{extended_highest_seq()} - base_seq_ + 1;
  return e > 0 ? static_cast<std::uint64_t>(e) : 0;
}

std::int64_t SourceStats::lost() const noexcept {
  if (!validated()) return 0;
  return static_cast<std::int64_t>(expected()) - static_cast<std::int64_t>(received_);
}

ReportBlock SourceStats::make_report_block(Timestamp now) noexcept {
  ReportBlock rb;
  rb.ssrc = ssrc_;
  // A.3: cumulative loss clamped to the 24-bit signed field.
  rb.cumulative_lost = static_cast<std::int32_t>(std::clamp<std::int64_t>(lost(), -0x800000, 0x7FFFFF));
  const std::uint64_t exp = expected();
  const std::int64_t expected_interval = static_cast<std::int64_t>(exp - expected_prior_);
  const std::int64_t received_interval = static_cast<std::int64_t>(received_ - received_prior_);
  expected_prior_ = exp;
  received_prior_ = received_;
  const std::int64_t lost_interval = expected_interval - received_interval;
  last_fraction_ = (expected_interval <= 0 || lost_interval <= 0)
                       ? 0
                       : static_cast<std::uint8_t>(std::min<std::int64_t>((lost_interval << 8) / expected_interval, 255));
  rb.fraction_lost = last_fraction_;
  rb.extended_highest_seq = extended_highest_seq();
  rb.jitter = static_cast<std::uint32_t>(jitter_);
  rb.lsr = lsr_;
  if (lsr_arrival_ && lsr_ != 0) {
    const auto delay = std::chrono::duration_cast<std::chrono::nanoseconds>(now - *lsr_arrival_).count();
    const double units = std::max<double>(0, static_cast<double>(delay)) * 65536.0 / 1e9;
    rb.dlsr = static_cast<std::uint32_t>(std::min(units, 4294967295.0));
  }
  return rb;
}

}  // namespace sotto::media
