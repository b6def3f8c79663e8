#pragma once
// MediaSession: the media plane of one call leg, sans-IO. Audio from a FrameSource is G.711-encoded
// into RTP every 20 ms, received RTP goes through a jitter buffer to a FrameSink, RFC 4733 digits go
// both ways and RTCP SR/RR + SDES are exchanged; SRTP/SRTCP are applied here when contexts are given.
//
//   auto s = MediaSession::create({.law = G711Law::mu_law}, now, &srtp_tx, &srtp_rx).value();
//   s.on_rtp(now, datagram);  while (auto t = s.poll_transmit(now)) udp.send(t->bytes);
//   timer.arm(s.next_timeout());  while (auto e = s.poll_event()) handle(*e);
//
// SRTP: when `outbound`/`inbound` contexts are passed, poll_transmit() returns protected packets and
// on_rtp()/on_rtcp() take protected packets and unprotect them in place; with nullptr the packets are
// plain RTP/RTCP. The contexts are borrowed: they must outlive the session (or be replaced with
// set_srtp()). Nothing here reads a clock or a socket: every call takes `now`.

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <deque>

#include "base/result.hpp"
#include "core/sdp/direction.hpp"
#include "core/srtp/context.hpp"
#include "media/frame_source.hpp"
#include "media/g711.hpp"
#include "media/ntp_time.hpp"
#include "media/rtcp_packet.hpp"
#include "media/rtcp_scheduler.hpp"
#include "media/rtp_receiver.hpp"
#include "media/rtp_sender.hpp"
#include "media/timestamp.hpp"

namespace sotto::media {

struct MediaSessionConfig {
  G711Law law = G711Law::mu_law;
  std::uint8_t event_payload_type = 101;
  Duration ptime = std::chrono::milliseconds(20);     // 160 samples at 8 kHz
  Duration jitter_delay = std::chrono::milliseconds(60);
  Duration rtcp_interval = std::chrono::seconds(5);
  std::chrono::milliseconds digit_duration{160};
  std::chrono::milliseconds digit_gap{100};
  sdp::Direction direction = sdp::Direction::sendrecv;
  std::string cname;                                  // SDES CNAME; empty = random (RFC 7022)
  std::chrono::nanoseconds ntp_offset{};              // wall clock minus steady clock, for SR NTP times
  // Tests only: fixed SSRC / sequence / timestamp, and the RTCP interval's random source.
  std::optional<std::uint32_t> ssrc;
  std::optional<std::uint16_t> initial_sequence;
  std::optional<std::uint32_t> initial_timestamp;
  std::function<std::uint32_t()> rtcp_random;
};

// One packet to send; `bytes` stays valid until the next poll_transmit().
struct Transmit {
  enum class Kind : std::uint8_t { rtp, rtcp };
  Kind kind = Kind::rtp;
  std::span<const std::uint8_t> bytes;
};

struct DigitReceived { ReceivedDigit digit; };
struct ByeReceived { std::uint32_t ssrc = 0; std::string reason; };
struct RttMeasured { std::chrono::microseconds rtt{0}; };
using MediaEvent = std::variant<DigitReceived, ByeReceived, RttMeasured>;

struct MediaCounters {
  std::uint64_t ticks = 0;               // 20-ms frames processed
  std::uint64_t rtp_sent = 0;
  std::uint64_t rtcp_sent = 0;
  std::uint64_t rtp_received = 0;        // packets handed to on_rtp
  std::uint64_t rtp_accepted = 0;        // ... that passed SRTP and the receiver's checks
  std::uint64_t rtcp_received = 0;       // packets handed to on_rtcp
  std::uint64_t rtcp_accepted = 0;
  std::uint64_t rtcp_malformed = 0;
  std::uint64_t srtcp_failures = 0;      // unprotect_rtcp refused (auth, replay, ...)
  std::uint64_t protect_failures = 0;    // outbound SRTP/SRTCP refused (key exhausted, ...)
  std::uint64_t digits_queued = 0;
  std::uint64_t digits_received = 0;
  std::uint64_t byes_received = 0;
  std::uint64_t apps_received = 0;       // e.g. baresip's APP "PING"/"PONG"
  friend bool operator==(const MediaCounters&, const MediaCounters&) = default;
};

class MediaSession {
 public:
  // Fails (invalid_argument) naming the bad setting (ptime not a whole number of samples, ...).
  static Result<MediaSession> create(const MediaSessionConfig& config, Timestamp now,
                                     srtp::Context* outbound = nullptr, srtp::Context* inbound = nullptr);

  void set_source(FrameSource* source) noexcept { source_ = source; }  // nullptr: send silence
  void set_sink(FrameSink* sink) noexcept { sink_ = sink; }            // gets one frame per tick
  void set_srtp(srtp::Context* outbound, srtp::Context* inbound) noexcept;

  // Incoming datagrams (demultiplexed RTP vs RTCP by the caller, RFC 5761 if on one port). Bytes
  // are unprotected in place. A failure says why the packet was dropped; it is counted either way.
  Status on_rtp(Timestamp now, std::span<std::uint8_t> packet);
  Status on_rtcp(Timestamp now, std::span<std::uint8_t> packet);

  // Runs every 20-ms tick and RTCP report due by `now`, then returns the next packet to send.
  std::optional<Transmit> poll_transmit(Timestamp now);
  std::optional<MediaEvent> poll_event();
  // The earliest instant poll_transmit() has work: next tick, RTCP report, or DTMF end timeout.
  Timestamp next_timeout() const noexcept;

  // RFC 4733 digits 0-9 * # A-D. Fails (invalid_argument) on another character, (invalid_state) when
  // we may not send (hold, recvonly, inactive, closed).
  Status send_digits(std::string_view digits);
  // Hold stops audio and events (RTCP continues, RFC 3264 section 8.4); so do recvonly/inactive.
  // sendonly/inactive stop playout (the sink gets silence).
  void set_hold(bool on) noexcept { hold_ = on; }
  void set_direction(sdp::Direction d) noexcept { direction_ = d; }
  bool sending_audio() const noexcept;
  // Queues a final RTCP report with BYE (RFC 3550 section 6.6); no RTP is sent afterwards.
  void close(Timestamp now);

  std::uint32_t ssrc() const noexcept { return sender_.ssrc(); }
  const std::string& cname() const noexcept { return cname_; }
  const MediaCounters& counters() const noexcept { return counters_; }
  const RtpSender& sender() const noexcept { return sender_; }
  const RtpReceiver& receiver() const noexcept { return receiver_; }
  std::optional<std::chrono::microseconds> rtt() const noexcept { return rtt_; }
  // The far end's latest report block about our stream (loss and jitter as it sees them).
  std::optional<ReportBlock> remote_report() const noexcept { return remote_report_; }
  std::optional<std::string> remote_cname() const { return remote_cname_; }

 private:
  static constexpr std::size_t kQueueSlots = 4;
  static constexpr std::size_t kMaxPacket = 1500;
  struct Slot {
    Transmit::Kind kind = Transmit::Kind::rtp;
    std::size_t len = 0;
    std::array<std::uint8_t, kMaxPacket> bytes{};
  };

  MediaSession(const MediaSessionConfig& config, Timestamp now, RtpSender sender, srtp::Context* outbound,
               srtp::Context* inbound);
  void run_tick(Timestamp tick_time);
  void send_report(Timestamp now, bool with_bye);
  CompoundRtcp build_report(Timestamp now, bool with_bye);
  void handle_rtcp(Timestamp now, const CompoundRtcp& c);
  void on_report_block(Timestamp now, const ReportBlock& rb);
  std::uint32_t rtp_timestamp_at(Timestamp now) const noexcept;
  bool playing() const noexcept;
  void drain_digits(Timestamp now);
  Slot* push_slot() noexcept;

  MediaSessionConfig config_;
  RtpSender sender_;
  RtpReceiver receiver_;
  RtcpScheduler rtcp_;
  NtpClock ntp_;
  srtp::Context* outbound_ = nullptr;
  srtp::Context* inbound_ = nullptr;
  FrameSource* source_ = nullptr;
  FrameSink* sink_ = nullptr;
  std::string cname_;
  std::uint32_t samples_per_frame_ = 160;
  Timestamp next_tick_;
  sdp::Direction direction_;
  bool hold_ = false;
  bool closed_ = false;
  std::uint32_t packets_at_last_report_ = 0;
  std::array<Slot, kQueueSlots> slots_;
  std::size_t head_ = 0;
  std::size_t queued_ = 0;
  std::deque<MediaEvent> events_;
  std::vector<std::int16_t> pcm_;
  std::vector<std::uint8_t> encoded_;
  std::optional<std::chrono::microseconds> rtt_;
  std::optional<ReportBlock> remote_report_;
  std::optional<std::string> remote_cname_;
  MediaCounters counters_;
};

}  // namespace sotto::media
