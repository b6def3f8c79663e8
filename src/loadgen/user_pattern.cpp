// UserPattern: "alice%d:PASSWORD" parsing (see user_pattern.hpp).
#include "loadgen/user_pattern.hpp"

#include <fmt/format.h>

namespace sotto::loadgen {
namespace {

// RFC 3261 25.1: user = 1*( unreserved / escaped / user-unreserved ); we take the unescaped ones only.
bool user_char(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  for (char ok : std::string_view("-_.!~*'()&=+$,;?/")) {
    if (c == ok) return true;
  }
  return false;
}

}  // namespace

std::string UserPattern::user(std::size_t n) const {
  return prefix + (width == 0 ? fmt::format("{}", n) : fmt::format("{:0{}}", n, width)) + suffix;
}

Result<UserPattern> parse_user_pattern(std::string_view text) {
  UserPattern p;
  const std::size_t colon = text.find(':');
  std::string_view name = text.substr(0, colon);
  if (colon != std::string_view::npos) p.password = std::string(text.substr(colon + 1));
  bool seen = false;
  std::string* out = &p.prefix;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    if (c != '%') {
      if (!user_char(c)) {
        return fail(Errc::invalid_argument,
                    fmt::format("'{}': character '{}' cannot be in a SIP user name", std::string(name), c));
      }
      *out += c;
      continue;
    }
    if (i + 1 < name.size() && name[i + 1] == '%') {
      return fail(Errc::invalid_argument,
                  fmt::format("'{}': '%' cannot be in a SIP user name unescaped", std::string(name)));
    }
    std::size_t j = i + 1;
    std::size_t width = 0;
    if (j < name.size() && name[j] == '0') {
      ++j;
      const std::size_t digits_from = j;
      while (j < name.size() && name[j] >= '0' && name[j] <= '9' && j - digits_from < 2) {
        width = width * 10 + static_cast<std::size_t>(name[j] - '0');
        ++j;
      }
      if (j == digits_from || width == 0) {
        return fail(Errc::invalid_argument, fmt::format("'{}': '%0' must be followed by a width 1-99, as in %04d", std::string(name)));
      }
    }
    if (j >= name.size() || name[j] != 'd') {
      return fail(Errc::invalid_argument,
                  fmt::format("'{}': only %d (or %0Nd) is understood, as in alice%d:PASSWORD", std::string(name)));
    }
    if (seen) return fail(Errc::invalid_argument, fmt::format("'{}': %d appears twice", std::string(name)));
    seen = true;
    p.width = width;
    out = &p.suffix;
    i = j;
  }
  if (!seen) {
    return fail(Errc::invalid_argument,
                fmt::format("'{}' has no %d for the account number, as in alice%d:PASSWORD", std::string(name)));
  }
  return p;
}

}  // namespace sotto::loadgen
