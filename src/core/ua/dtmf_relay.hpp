#pragma once
// application/dtmf-relay bodies (SIP INFO DTMF as Cisco and most PBXs send it; no RFC, de facto format):
// "Signal=5\r\nDuration=160\r\n".
//
//   std::string body = dtmf_relay_body('5', 160);              // for UserAgent::send_info
//   std::optional<char> d = parse_dtmf_relay("Signal= 5\r\n");  // '5'
//   parse_dtmf_relay("Signal=X");                               // nullopt: not a DTMF event

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sotto::ua {

inline constexpr std::string_view kDtmfRelayType = "application/dtmf-relay";

// '0'-'9', '*', '#', 'A'-'D' (lower case a-d accepted, returned upper case); also the numeric forms
// 10 ('*') and 11 ('#') some phones send. nullopt without a usable Signal= line.
std::optional<char> parse_dtmf_relay(std::string_view body);
std::string dtmf_relay_body(char digit, std::uint32_t duration_ms);

}  // namespace sotto::ua
