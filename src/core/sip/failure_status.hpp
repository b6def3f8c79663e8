#pragma once
// Mapping a parse or check failure to the SIP response that reports it (RFC 3261 21.4, 20.43).
//
//   auto st = failure_status(err);          // {400, "Bad Request", "Via: missing branch"}
//   auto resp = make_error_response(request, err, "sotto.example.net");   // + Warning: 399 host "..."
//   // responses that fail to parse are dropped instead (RFC 3261 18.1.2)
//
// The parser marks the special cases with Errc plus a fixed context prefix (the constants below).

#include <string>
#include <string_view>

#include "base/result.hpp"
#include "core/sip/sip_message.hpp"

namespace sotto::sip {

inline constexpr std::string_view kUnsupportedVersionPrefix = "unsupported SIP version";  // 505
inline constexpr std::string_view kUnsupportedSchemePrefix = "unsupported URI scheme";    // 416
inline constexpr std::string_view kBodyTooLargePrefix = "body";                           // 413 (limit_exceeded)

struct FailureStatus {
  int code = 400;
  std::string_view reason;  // "Bad Request", "Version Not Supported", ...
  std::string warning;      // the error context, printable ASCII, at most 120 characters
};

FailureStatus failure_status(const Error& error);

// A response to `request` (make_response) with the failure's status and reason; when `warn_agent` is
// not empty also "Warning: 399 <warn_agent> "<context>"" (RFC 3261 20.43).
Result<SipMessage> make_error_response(const SipMessage& request, const Error& error, std::string_view warn_agent);

}  // namespace sotto::sip
