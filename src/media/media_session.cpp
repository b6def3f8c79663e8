#include "media/media_session.hpp"

#include <algorithm>
#include <cstdio>
#include <string>

#include "crypto/random.hpp"

namespace sotto::media {
namespace {

constexpr std::uint32_t kClockRate = 8000;  // G.711

std::int64_t to_samples(Duration d) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(d).count() * kClockRate / 1'000'000'000;
}

std::string random_cname() {
  char buf[32];
  std::snprintf(buf, sizeof buf, "sotto-%08x%08x", crypto::random_u32(), crypto::random_u32());
  return buf;
}

}  // namespace

Result<MediaSession> MediaSession::create(const MediaSessionConfig& config, Timestamp now,
                                          srtp::Context* outbound, srtp::Context* inbound) {
  const std::int64_t spf = to_samples(config.ptime);
  if (spf <= 0 || spf > 1920 || std::chrono::duration_cast<std::chrono::nanoseconds>(config.ptime).count() *
                                        kClockRate % 1'000'000'000 != 0) {
    return fail(Errc::invalid_argument, "MediaSession: ptime must be a whole number of 8 kHz samples, 1..240 ms");
  }
  if (config.rtcp_interval <= Duration::zero()) {
    return fail(Errc::invalid_argument, "MediaSession: rtcp_interval must be positive");
  }
  if (config.jitter_delay < Duration::zero() || config.jitter_delay > std::chrono::milliseconds(500)) {
    return fail(Errc::invalid_argument, "MediaSession: jitter_delay must be 0..500 ms");
  }
  if (config.cname.size() > 255) return fail(Errc::invalid_argument, "MediaSession: CNAME longer than 255 bytes");
  auto sender = RtpSender::create({.payload_type = payload_type_of(config.law),
                                   .event_payload_type = config.event_payload_type,
                                   .clock_rate = kClockRate,
                                   .samples_per_frame = static_cast<std::uint32_t>(spf),
                                   .digit_duration = config.digit_duration,
                                   .digit_gap = config.digit_gap,
                                   .ssrc = config.ssrc,
                                   .initial_sequence = config.initial_sequence,
                                   .initial_timestamp = config.initial_timestamp});
  if (!sender) return Unexpected(sender.error());
  return MediaSession(config, now, std::move(*sender), outbound, inbound);
}

MediaSession::MediaSession(const MediaSessionConfig& config, Timestamp now, RtpSender sender,
                           srtp::Context* outbound, srtp::Context* inbound)
    : config_(config),
      sender_(std::move(sender)),
      receiver_({.clock_rate = kClockRate,
                 .frame_samples = sender_.config().samples_per_frame,
                 .jitter_delay = config.jitter_delay,
                 .event_payload_type = config.event_payload_type}),
      rtcp_(now, config.rtcp_interval, config.rtcp_random),
      ntp_(config.ntp_offset),
      outbound_(outbound),
      inbound_(inbound),
      cname_(config.cname.empty() ? random_cname() : config.cname),
      samples_per_frame_(sender_.config().samples_per_frame),
      next_tick_(now),
      direction_(config.direction),
      pcm_(samples_per_frame_),
      encoded_(samples_per_frame_) {}

void MediaSession::set_srtp(srtp::Context* outbound, srtp::Context* inbound) noexcept {
  outbound_ = outbound;
  inbound_ = inbound;
}

bool MediaSession::sending_audio() const noexcept {
  return !closed_ && !hold_ &&
         sdp::sends(direction_);
}

bool MediaSession::playing() const noexcept {
  return sdp::receives(direction_);
}

Status MediaSession::send_digits(std::string_view digits) {
  if (!sending_audio()) {
    return fail(Errc::invalid_state, "MediaSession: cannot send DTMF while on hold, closed or not sending");
  }
  if (auto s = sender_.queue_digits(digits); !s) return s;
  counters_.digits_queued += digits.size();
  return {};
}

MediaSession::Slot* MediaSession::push_slot() noexcept {
  if (queued_ == kQueueSlots) return nullptr;
  Slot* s = &slots_[(head_ + queued_) % kQueueSlots];
  ++queued_;
  return s;
}

void MediaSession::drain_digits(Timestamp now) {
  while (auto d = receiver_.poll_digit(now)) {
    ++counters_.digits_received;
    events_.push_back(DigitReceived{*d});
  }
}

void MediaSession::run_tick(Timestamp tick_time) {
  ++counters_.ticks;
  // Send: one frame of audio (or an event packet) per tick; the RTP clock runs on regardless.
  std::span<const std::uint8_t> audio;
  if (sending_audio()) {
    if (source_) {
      source_->read_frame(pcm_);
    } else {
      std::fill(pcm_.begin(), pcm_.end(), std::int16_t{0});
    }
    g711_encode(config_.law, pcm_, encoded_);
    audio = encoded_;
  }
  Slot* slot = closed_ ? nullptr : push_slot();
  if (slot) {
    const std::size_t room = outbound_ ? outbound_->max_trailer() : 0;
    auto n = sender_.on_tick(audio, slot->bytes, room);
    std::size_t len = n ? *n : 0;
    if (len > 0 && outbound_) {
      auto p = outbound_->protect_rtp(slot->bytes, len);
      if (p) {
        len = *p;
      } else {
        ++counters_.protect_failures;
        len = 0;
      }
    }
    if (len > 0) {
      slot->kind = Transmit::Kind::rtp;
      slot->len = len;
      ++counters_.rtp_sent;
    } else {
      --queued_;  // nothing to send this tick
    }
  }
  // Receive: one frame of playout per tick.
  receiver_.pull(tick_time, pcm_);
  if (!playing()) std::fill(pcm_.begin(), pcm_.end(), std::int16_t{0});
  if (sink_) sink_->write_frame(pcm_);
  drain_digits(tick_time);
}

std::optional<Transmit> MediaSession::poll_transmit(Timestamp now) {
  // Each tick may need a slot; stop when the queue is full and resume on the next call.
  while (next_tick_ <= now && queued_ < kQueueSlots) {
    run_tick(next_tick_);
    next_tick_ += config_.ptime;
  }
  if (rtcp_.due(now) && queued_ < kQueueSlots) send_report(now, /*with_bye=*/false);
  drain_digits(now);
  if (queued_ == 0) return std::nullopt;
  const Slot& s = slots_[head_];
  head_ = (head_ + 1) % kQueueSlots;
  --queued_;
  return Transmit{s.kind, std::span<const std::uint8_t>(s.bytes.data(), s.len)};
}

std::optional<MediaEvent> MediaSession::poll_event() {
  if (events_.empty()) return std::nullopt;
  MediaEvent e = std::move(events_.front());
  events_.pop_front();
  return e;
}

Timestamp MediaSession::next_timeout() const noexcept {
  Timestamp t = std::min(next_tick_, rtcp_.next_due());
  if (auto d = receiver_.next_timeout()) t = std::min(t, *d);
  return t;
}

Status MediaSession::on_rtp(Timestamp now, std::span<std::uint8_t> packet) {
  ++counters_.rtp_received;
  std::size_t len = packet.size();
  if (inbound_) {
    auto r = inbound_->unprotect_rtp(packet, len);
    if (!r) {
      receiver_.on_srtp_failure(r.error());
      return fail(Errc::malformed_input, std::string("SRTP: ") + std::string(srtp::to_string(r.error())));
    }
    len = *r;
  }
  auto s = receiver_.on_packet(now, packet.first(len));
  if (s) ++counters_.rtp_accepted;
  drain_digits(now);
  return s;
}

std::uint32_t MediaSession::rtp_timestamp_at(Timestamp now) const noexcept {
  // next_timestamp() belongs to next_tick_; step back (or forward) by the time in between.
  return sender_.next_timestamp() - static_cast<std::uint32_t>(to_samples(next_tick_ - now));
}

}  // namespace sotto::media
