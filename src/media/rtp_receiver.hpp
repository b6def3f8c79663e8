#pragma once
// RtpReceiver: the incoming RTP stream of one call leg (after SRTP unprotect): per-SSRC statistics
// (RFC 3550 appendix A), G.711 decoding into a jitter buffer, and RFC 4733 digits.
//
//   RtpReceiver rx({.jitter_delay = 60ms});
//   rx.on_packet(now, plain_rtp);                       // Status: why a packet was dropped
//   rx.pull(now, frame);  while (auto d = rx.poll_digit(now)) ...;

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <vector>

#include "base/result.hpp"
#include "core/srtp/srtp_error.hpp"
#include "media/jitter_buffer.hpp"
#include "media/rtcp_packet.hpp"
#include "media/source_stats.hpp"
#include "media/telephone_event_receiver.hpp"
#include "media/timestamp.hpp"

namespace sotto::media {

struct RtpReceiverConfig {
  std::uint32_t clock_rate = 8000;
  std::uint32_t frame_samples = 160;
  Duration jitter_delay = std::chrono::milliseconds(60);
  std::uint8_t event_payload_type = 101;  // telephone-event as negotiated
  std::size_t max_sources = 16;           // SSRCs tracked at once; packets from more are dropped
};

struct ReceiverCounters {
  std::uint64_t packets = 0;               // reached on_packet
  std::uint64_t audio_packets = 0;         // decoded into the jitter buffer
  std::uint64_t event_packets = 0;
  std::uint64_t malformed = 0;             // not RTP v2, bad padding
  std::uint64_t unknown_payload_type = 0;
  std::uint64_t duplicates = 0;
  std::uint64_t probation = 0;             // from a source not yet validated (still played)
  std::uint64_t bad_jumps = 0;
  std::uint64_t too_many_sources = 0;
  std::uint64_t ssrc_changes = 0;          // playout switched to another SSRC
  // Reported by the caller from SRTP unprotect (on_srtp_failure): these never reach on_packet.
  std::uint64_t srtp_auth_failures = 0;
  std::uint64_t srtp_replays = 0;          // replay and too_old
  std::uint64_t srtp_other_failures = 0;
  friend bool operator==(const ReceiverCounters&, const ReceiverCounters&) = default;
};

class RtpReceiver {
 public:
  explicit RtpReceiver(const RtpReceiverConfig& config = {});

  // `packet`: a plain RTP packet. Fails (malformed_input / unsupported / limit_exceeded) naming why it
  // was dropped; every outcome is counted.
  Status on_packet(Timestamp now, std::span<const std::uint8_t> packet);
  // A packet that failed SRTP unprotect (counted here so one place holds the receive counters).
  void on_srtp_failure(srtp::SrtpError error) noexcept;

  // Next frame for playout (see JitterBuffer::pull).
  PullOutcome pull(Timestamp now, std::span<std::int16_t> out);
  std::optional<ReceivedDigit> poll_digit(Timestamp now) { return events_.poll_digit(now); }
  std::optional<Timestamp> next_timeout() const noexcept { return events_.next_timeout(); }

  // RTCP glue: an SR from `ssrc` (for LSR/DLSR), and report blocks for the sources heard since the
  // last call (RFC 3550 section 6.4), at most 31.
  void on_sender_report(std::uint32_t ssrc, std::uint64_t ntp_timestamp, Timestamp arrival);
  std::vector<ReportBlock> make_report_blocks(Timestamp now);
  // BYE: forget the source.
  void on_bye(std::uint32_t ssrc);

  const SourceStats* source(std::uint32_t ssrc) const;
  std::vector<std::uint32_t> sources() const;
  std::optional<std::uint32_t> playout_ssrc() const noexcept { return playout_ssrc_; }
  const ReceiverCounters& counters() const noexcept { return counters_; }
  const JitterBufferCounters& jitter_counters() const noexcept { return jitter_.counters(); }

 private:
  struct Source {
    SourceStats stats;
    bool heard_since_report = false;
  };

  RtpReceiverConfig config_;
  std::map<std::uint32_t, Source> sources_;
  std::optional<std::uint32_t> playout_ssrc_;
  JitterBuffer jitter_;
  TelephoneEventReceiver events_;
  std::vector<std::int16_t> decoded_;
  ReceiverCounters counters_;
};

}  // namespace sotto::media
