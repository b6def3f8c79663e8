#pragma once
// Parsers for the single-value header fields that are numbers, ids, dates or token lists.
//
//   auto mf = parse_max_forwards("70");           // 70; "300" fails: 0-255 (RFC 3261 20.22)
//   auto cl = parse_content_length("0150");       // 150
//   Status d = check_sip_date("Sat, 13 Nov 2010 23:29:00 GMT");
//
// Each error context starts with the header name so it can go into a 400 reason or Warning as is.

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace sotto::sip {

// Max-Forwards = "Max-Forwards" HCOLON 1*DIGIT, 0-255
Result<std::uint8_t> parse_max_forwards(std::string_view value);
// Content-Length = ( "Content-Length" / "l" ) HCOLON 1*DIGIT (no sign, at most 2**32-1)
Result<std::uint32_t> parse_content_length(std::string_view value);
// delta-seconds = 1*DIGIT (Expires, Min-Expires, Retry-After); at most 2**32-1
Result<std::uint32_t> parse_delta_seconds(std::string_view value, std::string_view what);
// callid = word [ "@" word ]; returns the value unchanged (Call-IDs compare byte-exact)
Result<std::string> parse_call_id(std::string_view value);
// An option-tag / method token list element (Require, Supported, Allow, ...).
Result<std::string> parse_token_value(std::string_view value, std::string_view what);
// Plain text header (Subject, User-Agent, Server, ...): any unfolded value.
Result<std::string> parse_text_value(std::string_view value);
// SIP-date = rfc1123-date = wkday "," SP date1 SP time SP "GMT" (RFC 3261 20.17, 25.1)
Status check_sip_date(std::string_view value);

}  // namespace sotto::sip
