#pragma once
// RtpSender: numbers and stamps the outgoing RTP stream of one call leg (RFC 3550 section 5.1) and
// sends RFC 4733 telephone events in place of audio. Driven by one on_tick() per packet time.
//
//   auto tx = RtpSender::create({.payload_type = 0}).value();
//   tx.queue_digits("123#");
//   std::size_t n = tx.on_tick(encoded_frame, buf, srtp_trailer_room).value();   // 0 = nothing to send

#include <cstddef>
#include <cstdint>
#include <chrono>
#include <deque>
#include <optional>
#include <span>
#include <string_view>

#include "base/result.hpp"

namespace sotto::media {

struct RtpSenderConfig {
  std::uint8_t payload_type = 0;            // audio (PCMU)
  std::uint8_t event_payload_type = 101;    // telephone-event (RFC 4733)
  std::uint32_t clock_rate = 8000;          // Hz, for audio and events alike
  std::uint32_t samples_per_frame = 160;    // ptime 20 ms at 8 kHz
  std::chrono::milliseconds digit_duration{160};
  std::chrono::milliseconds digit_gap{100};  // between the end of one event and the start of the next
  std::uint8_t event_volume = 10;           // -dBm0, 0..63
  // Random (crypto::random_u32) when not set, per RFC 3550 sections 5.1 and 8. Set them only in tests.
  std::optional<std::uint32_t> ssrc;
  std::optional<std::uint16_t> initial_sequence;
  std::optional<std::uint32_t> initial_timestamp;
};

class RtpSender {
 public:
  static constexpr std::size_t kHeaderSize = 12;
  static constexpr int kEndPacketCopies = 3;  // RFC 4733 section 2.5.1.4

  // Fails (invalid_argument) naming the field: zero clock rate or frame, a digit longer than the
  // 16-bit duration field can carry, volume > 63, payload types > 127 or equal.
  static Result<RtpSender> create(const RtpSenderConfig& config);

  // Queues DTMF digits 0-9 * # A-D (a-d accepted). Fails naming the first bad character; then
  // nothing is queued.
  Status queue_digits(std::string_view digits);
  bool sending_event() const noexcept { return event_.has_value(); }
  std::size_t pending_digits() const noexcept { return digits_.size(); }

  // One packet time of the media clock: the RTP timestamp advances by samples_per_frame whether or
  // not anything is sent. While a telephone event is in progress the tick carries an event packet
  // and `audio` is dropped; otherwise `audio` (an encoded frame; empty = send nothing, e.g. on hold)
  // becomes an audio packet, marked when it starts a talkspurt. Writes into `out` and returns the
  // packet length, or 0 when nothing is sent this tick. Fails (limit_exceeded) when `out` lacks
  // room for the packet plus `trailer_room` bytes (the SRTP tag).
  Result<std::size_t> on_tick(std::span<const std::uint8_t> audio, std::span<std::uint8_t> out,
                              std::size_t trailer_room = 0);

  std::uint32_t ssrc() const noexcept { return ssrc_; }
  std::uint16_t next_sequence() const noexcept { return sequence_; }
  // RTP timestamp of the next tick.
  std::uint32_t next_timestamp() const noexcept { return timestamp_; }
  const RtpSenderConfig& config() const noexcept { return config_; }

  // RFC 3550 section 6.4.1 sender's packet and octet counts (payload octets only).
  std::uint32_t packets_sent() const noexcept { return packets_sent_; }
  std::uint32_t octets_sent() const noexcept { return octets_sent_; }
  std::uint64_t events_sent() const noexcept { return events_sent_; }

 private:
  struct Event {
    std::uint8_t code = 0;
    std::uint32_t timestamp = 0;  // of the first packet, kept for every packet of the event
    std::uint32_t ticks_sent = 0;
    int end_copies_sent = 0;
  };

  explicit RtpSender(const RtpSenderConfig& config);
  std::size_t write_header(std::span<std::uint8_t> out, std::uint8_t pt, bool marker,
                           std::uint32_t timestamp);
  Result<std::size_t> event_tick(std::span<std::uint8_t> out, std::size_t trailer_room);

  RtpSenderConfig config_;
  std::uint32_t ssrc_ = 0;
  std::uint16_t sequence_ = 0;
  std::uint32_t timestamp_ = 0;
  std::uint32_t event_ticks_ = 0;  // ticks in one digit
  std::uint32_t gap_ticks_ = 0;    // ticks between digits
  std::uint32_t hold_off_ = 0;     // ticks left before the next digit may start
  bool talkspurt_start_ = true;    // next audio packet gets M=1
  std::deque<std::uint8_t> digits_;
  std::optional<Event> event_;
  std::uint32_t packets_sent_ = 0;
  std::uint32_t octets_sent_ = 0;
  std::uint64_t events_sent_ = 0;
};

}  // namespace sotto::media
