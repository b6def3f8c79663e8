#pragma once
// Bandwidth: a "b=" line (RFC 4566 section 5.8; TIAS from RFC 3890, RS/RR from RFC 3556).
//
//   Bandwidth b{.type = "AS", .kbps = 64};   // b=AS:64
//   Bandwidth t{.type = "TIAS", .kbps = 64000};   // the unit depends on the type: TIAS is bit/s

#include <cstdint>
#include <string>

namespace sotto::sdp {

// bandwidth-fields = *(%x62 "=" bwtype ":" bandwidth CRLF)
struct Bandwidth {
  std::string type{};      // bwtype = token ("CT", "AS", "TIAS", "RS", "RR", or an "X-" type)
  std::uint64_t kbps = 0;  // bandwidth = 1*DIGIT; kilobits per second for CT/AS, see the type otherwise

  friend bool operator==(const Bandwidth&, const Bandwidth&) = default;
};

}  // namespace sotto::sdp
