#include "core/ua/transfer.hpp"

#include <cctype>

namespace sotto::ua {
namespace {

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<SipfragStatus> parse_sipfrag_status(std::string_view body) {
  // RFC 3420 / RFC 3261 25.1: Status-Line = SIP-Version SP Status-Code SP Reason-Phrase CRLF.
  const std::size_t eol = body.find_first_of("\r\n");
  const std::string_view line = body.substr(0, eol);
  constexpr std::string_view kVersion = "SIP/2.0 ";
  if (line.size() < kVersion.size() + 3 || !iequals(line.substr(0, kVersion.size()), kVersion)) {
    return fail(Errc::malformed_input, "message/sipfrag: expected a status line 'SIP/2.0 NNN reason'");
  }
  const std::string_view code = line.substr(kVersion.size(), 3);
  for (char ch : code) {
    if (ch < '0' || ch > '9') return fail(Errc::malformed_input, "message/sipfrag: status code is not 3 digits");
  }
  SipfragStatus out;
  out.status = (code[0] - '0') * 100 + (code[1] - '0') * 10 + (code[2] - '0');
  if (out.status < 100 || out.status > 699) {
    return fail(Errc::malformed_input, "message/sipfrag: status " + std::string(code) + " outside 100-699");
  }
  std::string_view rest = line.substr(kVersion.size() + 3);
  if (!rest.empty() && rest.front() != ' ') {
    return fail(Errc::malformed_input, "message/sipfrag: expected SP after the status code");
  }
  rest = trim(rest);
  constexpr std::size_t kMaxReason = 256;
  if (rest.size() > kMaxReason) return fail(Errc::malformed_input, "message/sipfrag: reason phrase longer than 256 bytes");
  for (char ch : rest) {
    const auto u = static_cast<unsigned char>(ch);
    if (u < 0x20 && ch != '\t') return fail(Errc::malformed_input, "message/sipfrag: control character in the reason phrase");
    if (u == 0x7f) return fail(Errc::malformed_input, "message/sipfrag: control character in the reason phrase");
  }
  out.reason = std::string(rest);
  return out;
}

bool is_refer_event(std::string_view event_value) {
  // Event = event-type *( SEMI event-param ); the package is "refer" (RFC 3515 3).
  const std::string_view type = trim(event_value.substr(0, event_value.find(';')));
  return iequals(type, "refer");
}

}  // namespace sotto::ua
