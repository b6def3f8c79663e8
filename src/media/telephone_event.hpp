#pragma once
// TelephoneEvent: the 4-byte RFC 4733 payload (section 2.3) and the DTMF digit <-> event code map
// (section 3.2: 0-9 = 0-9, * = 10, # = 11, A-D = 12-15).
//
//   auto ev = parse_telephone_event(payload);          // payload of an RTP packet with PT 101
//   if (ev && ev->end) report(*event_digit(ev->event), ev->duration);
//   write_telephone_event({.event = 1, .end = true, .volume = 10, .duration = 1280}, out);

#include <cstdint>
#include <optional>
#include <span>

#include "base/result.hpp"

namespace sotto::media {

inline constexpr std::uint8_t kDefaultTelephoneEventPayloadType = 101;  // dynamic; the usual choice
inline constexpr std::size_t kTelephoneEventSize = 4;

struct TelephoneEvent {
  std::uint8_t event = 0;      // RFC 4733 section 2.3.1
  bool end = false;            // E: the last packet(s) of the event
  std::uint8_t volume = 0;     // 0..63, power in -dBm0
  std::uint16_t duration = 0;  // in timestamp units, since the event's RTP timestamp

  friend bool operator==(const TelephoneEvent&, const TelephoneEvent&) = default;
};

// Fails (malformed_input) on fewer than 4 bytes. Extra bytes (several events in one packet, RFC 4733
// section 2.5.1.5) are ignored: only the first event is read.
Result<TelephoneEvent> parse_telephone_event(std::span<const std::uint8_t> payload);
// Writes 4 bytes; `out` must hold at least 4 (checked by the caller).
void write_telephone_event(const TelephoneEvent& ev, std::span<std::uint8_t> out) noexcept;

// DTMF digit for an event code 0..15, nullopt for other events; and the reverse (case-insensitive A-D).
std::optional<char> event_digit(std::uint8_t event) noexcept;
std::optional<std::uint8_t> digit_event(char digit) noexcept;

}  // namespace sotto::media
