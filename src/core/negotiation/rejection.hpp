#pragma once
// Rejection: the SIP failure response for an offer we will not answer, with an RFC 3261 Warning
// naming what was missing on which side, and a message for the CLI.
//
//   Rejection r = reject_offer("no common SRTP crypto suite: offered X; allowed Y");
//   resp.status = r.status; resp.reason = r.reason_phrase; resp.add("Warning", r.warning);
//   // Warning: 305 sotto "no common SRTP crypto suite: offered X; allowed Y"

#include <string>
#include <string_view>

namespace sotto::negotiation {

// Warn-code 305 "Incompatible media format" (RFC 3261 section 20.43 and the IANA SIP warning code
// registry). Not 308: RFC 8373 registers 308 for "Incompatible language specification".
inline constexpr int kWarnIncompatibleMedia = 305;
inline constexpr std::string_view kWarnAgent = "sotto";  // warn-agent = pseudonym (RFC 3261 25.1)

struct Rejection {
  int status = 488;
  std::string reason_phrase = "Not Acceptable Here";
  std::string warning{};  // the Warning header value: 305 sotto "<text>"
  std::string text{};     // <text> alone
  std::string message{};  // for the CLI: "refusing the call (488 Not Acceptable Here): <text>"
};

Rejection reject_offer(std::string text);

// warn-text = quoted-string (RFC 3261 section 25.1): '"' and '\' escaped, control bytes as '?'.
std::string quote_warn_text(std::string_view text);

}  // namespace sotto::negotiation
