#pragma once
// SourceStats: reception statistics of one remote SSRC, as RFC 3550 appendix A.1 (sequence number
// validation), A.3 (expected and lost packets) and A.8 (interarrival jitter) compute them.
//
//   SourceStats s(ssrc, 8000);
//   s.on_packet(seq, rtp_timestamp, arrival, /*count_jitter=*/true);
//   ReportBlock rb = s.make_report_block(now);      // for the next SR/RR (RFC 3550 section 6.4.1)

#include <bitset>
#include <cstdint>
#include <optional>

#include "media/rtcp_packet.hpp"
#include "media/timestamp.hpp"

namespace sotto::media {

// What became of one packet's sequence number.
enum class SeqOutcome : std::uint8_t {
  accepted,     // in order, or a reordered packet seen for the first time
  probation,    // source not yet validated (A.1: MIN_SEQUENTIAL in-order packets needed)
  duplicate,    // sequence number already received (not counted in `received`)
  bad_jump,     // a large jump: dropped unless the next packet confirms it (then the stream restarts)
};

class SourceStats {
 public:
  static constexpr std::uint32_t kMaxDropout = 3000;  // A.1
  static constexpr std::uint32_t kMaxMisorder = 100;
  static constexpr int kMinSequential = 2;
  static constexpr std::uint32_t kSeqMod = 1u << 16;

  SourceStats(std::uint32_t ssrc, std::uint32_t clock_rate) noexcept;

  // A.1 update_seq, then A.8 jitter for accepted packets when `count_jitter` (RFC 4733 events carry
  // the timestamp of the event's start, so they are left out).
  SeqOutcome on_packet(std::uint16_t seq, std::uint32_t rtp_timestamp, Timestamp arrival,
                       bool count_jitter) noexcept;

  // A sender report from this source arrived (for LSR/DLSR in our next report block).
  void on_sender_report(std::uint64_t ntp_timestamp, Timestamp arrival) noexcept;

  // A.3: builds the report block and starts a new reporting interval (fraction lost is per interval).
  ReportBlock make_report_block(Timestamp now) noexcept;

  std::uint32_t ssrc() const noexcept { return ssrc_; }
  bool validated() const noexcept { return probation_ == 0; }
  std::uint64_t received() const noexcept { return received_; }
  std::uint64_t expected() const noexcept;                // A.3
  std::int64_t lost() const noexcept;                     // expected - received, may go negative
  std::uint32_t extended_highest_seq() const noexcept { return cycles_ + max_seq_; }
  std::uint32_t cycles() const noexcept { return cycles_ >> 16; }
  double jitter() const noexcept { return jitter_; }      // timestamp units (A.8)
  double jitter_ms() const noexcept { return jitter_ * 1000.0 / clock_rate_; }
  std::uint64_t duplicates() const noexcept { return duplicates_; }
  std::uint64_t reordered() const noexcept { return reordered_; }
  std::uint64_t bad_jumps() const noexcept { return bad_jumps_; }
  std::uint8_t last_fraction_lost() const noexcept { return last_fraction_; }
  // Middle 32 bits of the last SR's NTP timestamp, 0 when none (the report block's LSR).
  std::uint32_t last_sr() const noexcept { return lsr_; }

 private:
  void init_seq(std::uint16_t seq) noexcept;
  bool seen(std::uint32_t extended) const noexcept;
  void mark_seen(std::uint32_t extended) noexcept;

  std::uint32_t ssrc_;
  std::uint32_t clock_rate_;
  // A.1 source state.
  std::uint16_t max_seq_ = 0;
  std::uint32_t cycles_ = 0;       // shifted count of sequence number cycles
  std::int64_t base_seq_ = 0;     // may be -1 when the probation packets straddle 0
  std::uint32_t bad_seq_ = kSeqMod + 1;
  int probation_ = kMinSequential;
  std::uint64_t received_ = 0;
  std::uint64_t expected_prior_ = 0;
  std::uint64_t received_prior_ = 0;
  // A.8 jitter, in timestamp units, and the previous packet's relative transit time.
  std::optional<Timestamp> arrival_epoch_;
  std::optional<std::int64_t> last_transit_;
  double jitter_ = 0;
  // Duplicate detection over the last 128 extended sequence numbers (bit i = max - i).
  std::bitset<128> window_;
  std::uint64_t duplicates_ = 0;
  std::uint64_t reordered_ = 0;
  std::uint64_t bad_jumps_ = 0;
  std::uint8_t last_fraction_ = 0;
  // Last SR (A.3 / section 6.4.1 LSR, DLSR).
  std::uint32_t lsr_ = 0;
  std::optional<Timestamp> lsr_arrival_;
};

}  // namespace sotto::media
