#pragma once
// Fmtp: the value of "a=fmtp" (RFC 4566 section 6): format parameters for one payload type.
//
//   Fmtp f = parse_fmtp("101 0-16").value();   // {"101", "0-16"}
//   format_fmtp(f);                            // "101 0-16"
//   // parameters are codec specific and kept as written

#include <string>
#include <string_view>

#include "base/result.hpp"

namespace sotto::sdp {

// a=fmtp:<format> <format specific parameters>
struct Fmtp {
  std::string format{};      // fmt = token (the payload type number for RTP)
  std::string parameters{};  // byte-string after the first space; may be empty

  friend bool operator==(const Fmtp&, const Fmtp&) = default;
};

Result<Fmtp> parse_fmtp(std::string_view value);
std::string format_fmtp(const Fmtp& f);

}  // namespace sotto::sdp
