#pragma once
// NTP timestamps for RTCP (RFC 3550 section 4): 32.32 fixed-point seconds since 1900, derived from
// the caller's steady clock plus the wall-clock offset io measured once; and the RTT of section 6.4.1.
//
//   NtpClock ntp(wall_minus_steady);                     // io: system_clock - steady_clock at start
//   std::uint64_t t = ntp.at(now);                       // SR "NTP timestamp"
//   auto rtt = round_trip_time(ntp.middle32(now), block.lsr, block.dlsr);

#include <chrono>
#include <cstdint>
#include <optional>

#include "media/timestamp.hpp"

namespace sotto::media {

inline constexpr std::uint64_t kNtpUnixEpochOffset = 2'208'988'800;  // seconds from 1900 to 1970

class NtpClock {
 public:
  // `wall_offset`: wall clock (Unix time) minus steady clock. Only consistency matters for RTT; a
  // zero offset gives a valid but not wall-accurate NTP time.
  explicit NtpClock(std::chrono::nanoseconds wall_offset = {}) noexcept : wall_offset_(wall_offset) {}

  std::uint64_t at(Timestamp now) const noexcept {
    const auto unix_ns = std::chrono::duration_cast<std::chrono::nanoseconds>(now.time_since_epoch()) + wall_offset_;
    const auto ns = static_cast<std::uint64_t>(unix_ns.count() < 0 ? 0 : unix_ns.count());
    const std::uint64_t secs = ns / 1'000'000'000 + kNtpUnixEpochOffset;
    const std::uint64_t frac = ((ns % 1'000'000'000) << 32) / 1'000'000'000;
    return (secs << 32) | frac;
  }
  // The "compact" middle 32 bits used by LSR/DLSR (16.16 seconds).
  std::uint32_t middle32(Timestamp now) const noexcept { return static_cast<std::uint32_t>(at(now) >> 16); }

 private:
  std::chrono::nanoseconds wall_offset_;
};

// RFC 3550 section 6.4.1: RTT = A - LSR - DLSR, all in 1/65536 s, where A is when the report block
// arrived. nullopt when LSR is 0 (no SR received by the peer yet) or the result is negative.
inline std::optional<std::chrono::microseconds> round_trip_time(std::uint32_t arrival_middle32,
                                                                std::uint32_t lsr, std::uint32_t dlsr) noexcept {
  if (lsr == 0) return std::nullopt;
  const auto units = static_cast<std::int32_t>(arrival_middle32 - lsr - dlsr);
  if (units < 0) return std::nullopt;
  return std::chrono::microseconds(static_cast<std::int64_t>(units) * 1'000'000 / 65536);
}

}  // namespace sotto::media
