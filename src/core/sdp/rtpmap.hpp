#pragma once
// RtpMap: the value of "a=rtpmap" (RFC 4566 section 6), and the static payload types of RFC 3551.
//
//   RtpMap m = parse_rtpmap("97 iLBC/8000").value();   // {97, "iLBC", 8000, nullopt}
//   static_rtpmap(18)->encoding;                       // "G729": static types need no a=rtpmap
//   format_rtpmap(m);                                  // "97 iLBC/8000"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/ascii.hpp"
#include "base/result.hpp"

namespace sotto::sdp {

// a=rtpmap:<payload type> <encoding name>/<clock rate> [/<encoding parameters>]
struct RtpMap {
  std::uint8_t payload_type = 0;  // 0..127 (RTP PT is 7 bits)
  std::string encoding{};         // "PCMU", "opus", "telephone-event"; compared case-insensitively
  std::uint32_t clock_rate = 0;   // Hz
  // Audio channels; nullopt when absent, which RFC 4566 defines as 1 for audio.
  std::optional<std::uint16_t> channels{};

  std::uint16_t channel_count() const noexcept { return channels.value_or(1); }
  friend bool operator==(const RtpMap&, const RtpMap&) = default;
};

// Parses an a=rtpmap value. Errors name the part that was wrong ("clock rate 'x' is not a number").
Result<RtpMap> parse_rtpmap(std::string_view value);
std::string format_rtpmap(const RtpMap& m);

// RFC 3551 section 6 table 4/5 static assignments (0 PCMU, 3 GSM, 8 PCMA, 9 G722, 18 G729, 34 H263, ...).
std::optional<RtpMap> static_rtpmap(std::uint8_t payload_type);
// The static payload type with this encoding/rate/channels, if RFC 3551 assigns one.
std::optional<std::uint8_t> static_payload_type(std::string_view encoding, std::uint32_t clock_rate,
                                                std::uint16_t channels);

// True when both name the same codec: encoding (case-insensitive), clock rate and channel count.
bool same_codec(const RtpMap& a, const RtpMap& b) noexcept;
using sotto::iequals;

}  // namespace sotto::sdp
