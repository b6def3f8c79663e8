#pragma once
// TimeDescription: a "t=" line with its "r=" lines (RFC 4566 sections 5.9, 5.10).
//
//   TimeDescription always;                      // t=0 0: what every SIP peer sends
//   TimeDescription weekly{.start = 3034423619, .stop = 3042462419,
//                          .repeats = {"604800 3600 0 90000"}};

#include <cstdint>
#include <string>
#include <vector>

namespace sotto::sdp {

// time-fields = 1*( %x74 "=" start-time SP stop-time *(CRLF repeat-fields) CRLF ) [zone-adjustments CRLF]
struct TimeDescription {
  std::uint64_t start = 0;  // start-time = time / "0"  (NTP seconds)
  std::uint64_t stop = 0;   // stop-time = time / "0"
  // repeat-fields = %x72 "=" repeat-interval SP typed-time 1*(SP typed-time); kept as written: SIP
  // never uses them and the typed-time units ("7d", "1h") only matter for session directories.
  std::vector<std::string> repeats{};

  friend bool operator==(const TimeDescription&, const TimeDescription&) = default;
};

}  // namespace sotto::sdp
