#include "media/telephone_event.hpp"

#include <string>

#include "core/rtp/rtp_header.hpp"

namespace sotto::media {

Result<TelephoneEvent> parse_telephone_event(std::span<const std::uint8_t> payload) {
  if (payload.size() < kTelephoneEventSize) {
    return fail(Errc::malformed_input, "telephone-event: payload of " + std::to_string(payload.size()) +
                                           " bytes, RFC 4733 section 2.3 needs 4");
  }
  TelephoneEvent ev;
  ev.event = payload[0];
  ev.end = (payload[1] & 0x80) != 0;
  // R (0x40) is reserved: ignored on receipt.
  ev.volume = payload[1] & 0x3F;
  ev.duration = rtp::load_be16(&payload[2]);
  return ev;
}

void write_telephone_event(const TelephoneEvent& ev, std::span<std::uint8_t> out) noexcept {
  out[0] = ev.event;
  out[1] = static_cast<std::uint8_t>((ev.end ? 0x80 : 0x00) | (ev.volume & 0x3F));
  rtp::store_be16(&out[2], ev.duration);
}

std::optional<char> event_digit(std::uint8_t event) noexcept {
  static constexpr char kDigits[] = "0123456789*#ABCD";
  if (event > 15) return std::nullopt;
  return kDigits[event];
}

std::optional<std::uint8_t> digit_event(char digit) noexcept {
  if (digit >= '0' && digit <= '9') return static_cast<std::uint8_t>(digit - '0');
  if (digit == '*') return 10;
  if (digit == '#') return 11;
  if (digit >= 'A' && digit <= 'D') return static_cast<std::uint8_t>(12 + (digit - 'A'));
  if (digit >= 'a' && digit <= 'd') return static_cast<std::uint8_t>(12 + (digit - 'a'));
  return std::nullopt;
}

}  // namespace sotto::media
