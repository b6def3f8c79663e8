#include "core/sip/host.hpp"

#include "core/sip/grammar.hpp"

namespace sotto::sip {

// IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT (each at most 255)
bool is_ipv4_address(std::string_view s) noexcept {
  int parts = 0;
  std::size_t i = 0;
  while (true) {
    std::size_t n = 0;
    while (i + n < s.size() && is_digit(s[i + n])) ++n;
    if (n == 0 || n > 3) return false;
    if (!parse_decimal(s.substr(i, n), 255)) return false;
    ++parts;
    i += n;
    if (i == s.size()) return parts == 4;
    if (s[i] != '.' || parts == 4) return false;
    ++i;
  }
}

// IPv6address: up to 8 groups of 1*4HEXDIG separated by ':', at most one "::", an optional trailing
// IPv4address counting as two groups.
bool is_ipv6_address(std::string_view s) noexcept {
  if (s.size() < 2) return false;
  int groups = 0;
  bool compressed = false;
  std::size_t i = 0;
  if (s.substr(0, 2) == "::") {
    compressed = true;
    i = 2;
    if (i == s.size()) return true;
  } else if (s[0] == ':') {
    return false;
  }
  while (i < s.size()) {
    std::size_t n = 0;
    while (i + n < s.size() && is_hex(s[i + n])) ++n;
    if (i + n < s.size() && s[i + n] == '.') {  // embedded IPv4 must be last
      if (!is_ipv4_address(s.substr(i))) return false;
      groups += 2;
      i = s.size();
      break;
    }
    if (n == 0 || n > 4) return false;
    ++groups;
    i += n;
    if (i == s.size()) break;
    if (s[i] != ':') return false;
    ++i;
    if (i < s.size() && s[i] == ':') {
      if (compressed) return false;
      compressed = true;
      ++i;
      if (i == s.size()) break;
    } else if (i == s.size()) {
      return false;  // trailing single ':'
    }
  }
  return compressed ? groups <= 7 : groups == 8;
}

namespace {

// hostname = *( domainlabel "." ) toplabel [ "." ]; domainlabel = alphanum / alphanum *( alphanum / "-" ) alphanum;
// toplabel = ALPHA / ALPHA *( alphanum / "-" ) alphanum
bool is_hostname(std::string_view s) noexcept {
  if (s.empty()) return false;
  if (s.back() == '.') s.remove_suffix(1);
  std::string_view last;
  while (true) {
    const std::size_t dot = s.find('.');
    const std::string_view label = s.substr(0, dot);
    if (label.empty() || !is_alphanum(label.front()) || !is_alphanum(label.back())) return false;
    for (char c : label) {
      if (!is_alphanum(c) && c != '-') return false;
    }
    last = label;
    if (dot == std::string_view::npos) break;
    s.remove_prefix(dot + 1);
  }
  return is_alpha(last.front());
}

}  // namespace

HostKind classify_host(std::string_view host) noexcept {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    return is_ipv6_address(host.substr(1, host.size() - 2)) ? HostKind::ipv6 : HostKind::invalid;
  }
  if (is_ipv4_address(host)) return HostKind::ipv4;
  if (is_hostname(host)) return HostKind::hostname;
  return HostKind::invalid;
}

std::size_t hostport_length(std::string_view s) noexcept {
  std::size_t i = 0;
  if (!s.empty() && s[0] == '[') {
    const std::size_t close = s.find(']');
    if (close == std::string_view::npos) return s.size();
    i = close + 1;
  }
  while (i < s.size() && (is_alphanum(s[i]) || s[i] == '-' || s[i] == '.' || s[i] == ':')) ++i;
  return i;
}

Result<HostPort> parse_hostport(std::string_view s, std::string_view what) {
  HostPort out;
  std::size_t host_end;
  if (!s.empty() && s[0] == '[') {
    const std::size_t close = s.find(']');
    if (close == std::string_view::npos) {
      return fail(Errc::malformed_input, std::string(what) + ": unterminated IPv6 reference");
    }
    host_end = close + 1;
  } else {
    host_end = s.find(':');
    if (host_end == std::string_view::npos) host_end = s.size();
  }
  const std::string_view host = s.substr(0, host_end);
  if (host.empty()) return fail(Errc::malformed_input, std::string(what) + ": missing host");
  if (classify_host(host) == HostKind::invalid) {
    return fail(Errc::malformed_input, std::string(what) + ": invalid host '" + excerpt(host) + "'");
  }
  out.host = std::string(host);
  if (host_end < s.size()) {
    if (s[host_end] != ':') {
      return fail(Errc::malformed_input, std::string(what) + ": unexpected characters after host");
    }
    auto port = parse_decimal(s.substr(host_end + 1), 65535);
    if (!port) {
      return fail(Errc::malformed_input,
                  std::string(what) + ": invalid port '" + excerpt(s.substr(host_end + 1)) + "'");
    }
    out.port = static_cast<std::uint16_t>(*port);
  }
  return out;
}

}  // namespace sotto::sip
