#include "core/ua/dtmf_relay.hpp"

#include <cctype>

#include "base/ascii.hpp"

namespace sotto::ua {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

std::optional<char> parse_dtmf_relay(std::string_view body) {
  while (!body.empty()) {
    const auto nl = body.find('\n');
    std::string_view line = body.substr(0, nl);
    body = nl == std::string_view::npos ? std::string_view{} : body.substr(nl + 1);
    const auto eq = line.find('=');
    if (eq == std::string_view::npos || !iequals(trim(line.substr(0, eq)), "Signal")) continue;
    const std::string_view v = trim(line.substr(eq + 1));
    if (v == "10") return '*';
    if (v == "11") return '#';
    if (v.size() != 1) return std::nullopt;
    const char c = static_cast<char>(std::toupper(static_cast<unsigned char>(v[0])));
    if ((c >= '0' && c <= '9') || c == '*' || c == '#' || (c >= 'A' && c <= 'D')) return c;
    return std::nullopt;
  }
  return std::nullopt;
}

std::string dtmf_relay_body(char digit, std::uint32_t duration_ms) {
  return "Signal=" + std::string(1, digit) + "\r\nDuration=" + std::to_string(duration_ms) + "\r\n";
}

}  // namespace sotto::ua
