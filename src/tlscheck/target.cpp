#include "tlscheck/target.hpp"

#include <algorithm>
#include <cctype>

namespace sotto::tlscheck {
namespace {

Result<std::uint16_t> parse_port(std::string_view text, std::string_view whole) {
  auto bad = [&] { return fail(Errc::invalid_argument, "target '" + std::string(whole) + "': port must be 1-65535"); };
  if (text.empty() || text.size() > 5 ||
      !std::all_of(text.begin(), text.end(), [](unsigned char c) { return std::isdigit(c) != 0; })) {
    return bad();
  }
  unsigned long v = std::stoul(std::string(text));
  if (v == 0 || v > 65535) return bad();
  return static_cast<std::uint16_t>(v);
}

}  // namespace

Result<Target> parse_target(std::string_view text) {
  const std::string whole(text);
  if (text.empty()) return fail(Errc::invalid_argument, "target is empty: expected HOST:PORT");
  if (std::any_of(text.begin(), text.end(), [](unsigned char c) { return std::isspace(c) || std::iscntrl(c); })) {
    return fail(Errc::invalid_argument, "target '" + whole + "' contains white space or control characters");
  }
  Target t;
  if (text.front() == '[') {
    const std::size_t close = text.find(']');
    if (close == std::string_view::npos) return fail(Errc::invalid_argument, "target '" + whole + "': missing ']'");
    t.host = std::string(text.substr(1, close - 1));
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return fail(Errc::invalid_argument, "target '" + whole + "': expected ':' after ']'");
      auto p = parse_port(rest.substr(1), whole);
      if (!p) return Unexpected(p.error());
      t.port = *p;
    }
  } else {
    const std::size_t colon = text.rfind(':');
    if (colon != std::string_view::npos && text.find(':') != colon) {
      return fail(Errc::invalid_argument, "target '" + whole + "': write IPv6 addresses in brackets, [::1]:5061");
    }
    t.host = std::string(text.substr(0, colon));
    if (colon != std::string_view::npos) {
      auto p = parse_port(text.substr(colon + 1), whole);
      if (!p) return Unexpected(p.error());
      t.port = *p;
    }
  }
  if (t.host.empty()) return fail(Errc::invalid_argument, "target '" + whole + "': host is empty");
  return t;
}

}  // namespace sotto::tlscheck
