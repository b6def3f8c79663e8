// Rejection: 488 with an RFC 3261 Warning.
#include "core/negotiation/rejection.hpp"

namespace sotto::negotiation {

std::string quote_warn_text(std::string_view text) {
  // quoted-string = SWS DQUOTE *(qdtext / quoted-pair) DQUOTE (RFC 3261 section 25.1)
  std::string out = "\"";
  for (char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (u < 0x20 || u == 0x7f) {
      out += '?';  // CR/LF would end the header; other controls are not qdtext
    } else {
      out += c;
    }
  }
  out += '"';
  return out;
}

Rejection reject_offer(std::string text) {
  Rejection r;
  r.warning = std::to_string(kWarnIncompatibleMedia) + " " + std::string(kWarnAgent) + " " + quote_warn_text(text);
  r.message = "refusing the call (" + std::to_string(r.status) + " " + r.reason_phrase + "): " + text;
  r.text = std::move(text);
  return r;
}

}  // namespace sotto::negotiation
