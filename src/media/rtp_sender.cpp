#include "media/rtp_sender.hpp"

#include <string>

#include "core/rtp/rtp_header.hpp"
#include "crypto/random.hpp"
#include "media/telephone_event.hpp"

namespace sotto::media {
namespace {

std::uint32_t ticks_for(std::chrono::milliseconds d, const RtpSenderConfig& c) {
  const std::uint64_t samples = static_cast<std::uint64_t>(d.count()) * c.clock_rate / 1000;
  return static_cast<std::uint32_t>((samples + c.samples_per_frame - 1) / c.samples_per_frame);
}

}  // namespace

Result<RtpSender> RtpSender::create(const RtpSenderConfig& config) {
  if (config.clock_rate == 0) return fail(Errc::invalid_argument, "RtpSender: clock_rate is 0");
  if (config.samples_per_frame == 0 || config.samples_per_frame > config.clock_rate) {
    return fail(Errc::invalid_argument, "RtpSender: samples_per_frame " +
                                            std::to_string(config.samples_per_frame) +
                                            " outside 1..clock_rate");
  }
  if (config.payload_type > 127 || config.event_payload_type > 127) {
    return fail(Errc::invalid_argument, "RtpSender: payload types must be 0..127");
  }
  if (config.payload_type == config.event_payload_type) {
    return fail(Errc::invalid_argument, "RtpSender: audio and telephone-event payload types are both " +
                                            std::to_string(config.payload_type));
  }
  if (config.event_volume > 63) {
    return fail(Errc::invalid_argument, "RtpSender: event_volume " + std::to_string(config.event_volume) +
                                            " above 63 (-dBm0, RFC 4733 section 2.3.4)");
  }
  if (config.digit_duration.count() <= 0 || config.digit_gap.count() < 0) {
    return fail(Errc::invalid_argument, "RtpSender: digit_duration must be > 0 and digit_gap >= 0");
  }
  // The duration field is 16 bits (RFC 4733 section 2.3.5); we do not split long events into segments.
  if (std::uint64_t{ticks_for(config.digit_duration, config)} * config.samples_per_frame > 0xFFFF) {
    return fail(Errc::invalid_argument, "RtpSender: digit_duration " +
                                            std::to_string(config.digit_duration.count()) +
                                            " ms does not fit the 16-bit duration field");
  }
  return RtpSender(config);
}

RtpSender::RtpSender(const RtpSenderConfig& config)
    : config_(config),
      ssrc_(config.ssrc ? *config.ssrc : crypto::random_u32()),
      sequence_(config.initial_sequence ? *config.initial_sequence
                                        : static_cast<std::uint16_t>(crypto::random_u32())),
      timestamp_(config.initial_timestamp ? *config.initial_timestamp : crypto::random_u32()),
      event_ticks_(ticks_for(config.digit_duration, config)),
      gap_ticks_(ticks_for(config.digit_gap, config)) {}

Status RtpSender::queue_digits(std::string_view digits) {
  for (std::size_t i = 0; i < digits.size(); ++i) {
    if (!digit_event(digits[i])) {
      return fail(Errc::invalid_argument, "DTMF digits \"" + std::string(digits) + "\": character " +
                                              std::to_string(i) + " '" + digits[i] +
                                              "' is not one of 0-9 * # A-D");
    }
  }
  for (char c : digits) digits_.push_back(*digit_event(c));
  return {};
}

std::size_t RtpSender::write_header(std::span<std::uint8_t> out, std::uint8_t pt, bool marker,
                                    std::uint32_t timestamp) {
  out[0] = 0x80;  // V=2, no padding, no extension, no CSRC
  out[1] = static_cast<std::uint8_t>((marker ? 0x80 : 0x00) | pt);
  rtp::store_be16(&out[2], sequence_++);
  rtp::store_be32(&out[4], timestamp);
  rtp::store_be32(&out[8], ssrc_);
  return kHeaderSize;
}

Result<std::size_t> RtpSender::event_tick(std::span<std::uint8_t> out, std::size_t trailer_room) {
  Event& ev = *event_;
  const std::size_t len = kHeaderSize + kTelephoneEventSize;
  if (out.size() < len + trailer_room) {
    return fail(Errc::limit_exceeded, "RtpSender: buffer of " + std::to_string(out.size()) +
                                          " bytes, event packet needs " + std::to_string(len + trailer_room));
  }
  // RFC 4733 section 2.5.1.2-2.5.1.4: one packet per tick, same timestamp, growing duration, M on the
  // first, the final one (E set) sent three times.
  const bool first = ev.ticks_sent == 0;
  if (ev.ticks_sent < event_ticks_) ++ev.ticks_sent;
  const bool end = ev.ticks_sent == event_ticks_;
  if (end) ++ev.end_copies_sent;
  write_header(out, config_.event_payload_type, first, ev.timestamp);
  write_telephone_event({.event = ev.code,
                         .end = end,
                         .volume = config_.event_volume,
                         .duration = static_cast<std::uint16_t>(ev.ticks_sent * config_.samples_per_frame)},
                        out.subspan(kHeaderSize));
  if (ev.end_copies_sent == kEndPacketCopies) {
    event_.reset();
    ++events_sent_;
    talkspurt_start_ = true;
    // The two end retransmissions already took two ticks of the gap.
    hold_off_ = gap_ticks_ > 2 ? gap_ticks_ - 2 : 0;
  }
  ++packets_sent_;
  octets_sent_ += static_cast<std::uint32_t>(kTelephoneEventSize);
  return len;
}

Result<std::size_t> RtpSender::on_tick(std::span<const std::uint8_t> audio, std::span<std::uint8_t> out,
                                       std::size_t trailer_room) {
  const std::uint32_t tick_timestamp = timestamp_;
  timestamp_ += config_.samples_per_frame;
  if (!event_ && hold_off_ == 0 && !digits_.empty()) {
    event_ = Event{.code = digits_.front(), .timestamp = tick_timestamp, .ticks_sent = 0, .end_copies_sent = 0};
    digits_.pop_front();
  } else if (hold_off_ > 0) {
    --hold_off_;
  }
  if (event_) return event_tick(out, trailer_room);

  if (audio.empty()) {
    talkspurt_start_ = true;
    return std::size_t{0};
  }
  const std::size_t len = kHeaderSize + audio.size();
  if (out.size() < len + trailer_room) {
    return fail(Errc::limit_exceeded, "RtpSender: buffer of " + std::to_string(out.size()) +
                                          " bytes, audio packet needs " + std::to_string(len + trailer_room));
  }
  write_header(out, config_.payload_type, talkspurt_start_, tick_timestamp);
  talkspurt_start_ = false;
  std::copy(audio.begin(), audio.end(), out.begin() + kHeaderSize);
  ++packets_sent_;
  octets_sent_ += static_cast<std::uint32_t>(audio.size());
  return len;
}

}  // namespace sotto::media
