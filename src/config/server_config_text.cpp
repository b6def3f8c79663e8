// The checks of single values shared by the file parser and the flags, and the effective settings as TOML
// (docs/CONFIG.md).
#include <arpa/inet.h>

#include <cstdio>
#include <sstream>

#include "config/server_config_parser.hpp"

namespace sotto::config {

using detail::array;
using detail::is_digit;
using detail::quoted;

std::string_view to_string(LogFormat f) noexcept { return f == LogFormat::json ? "json" : "text"; }

Result<PortRange> parse_port_range(std::string_view text) {
  const std::string expected = "expected \"LO-HI\" with 1024 <= LO < HI <= 65535, e.g. \"30000-39999\", got \"" +
                               std::string(text) + "\"";
  const auto dash = text.find('-');
  if (dash == std::string_view::npos) return fail(Errc::invalid_argument, expected);
  auto num = [](std::string_view s) -> std::optional<std::uint32_t> {
    if (s.empty() || s.size() > 5) return std::nullopt;
    std::uint32_t v = 0;
    for (char c : s) {
      if (!is_digit(c)) return std::nullopt;
      v = v * 10 + static_cast<std::uint32_t>(c - '0');
    }
    return v;
  };
  const auto lo = num(text.substr(0, dash)), hi = num(text.substr(dash + 1));
  if (!lo || !hi || *lo < 1024 || *hi > 65535 || *lo >= *hi) return fail(Errc::invalid_argument, expected);
  return PortRange{static_cast<std::uint16_t>(*lo), static_cast<std::uint16_t>(*hi)};
}

Result<std::int64_t> parse_retention(std::string_view text) {
  if (text == "forever" || text == "0") return std::int64_t{0};
  const std::string expected = "expected a whole number and a unit, d h m or s (\"90d\", \"12h\"), or \"forever\", got \"" +
                               std::string(text) + "\"";
  if (text.size() < 2 || text.size() > 12) return fail(Errc::invalid_argument, expected);
  std::int64_t unit = 0;
  switch (text.back()) {
    case 'd': unit = 86400; break;
    case 'h': unit = 3600; break;
    case 'm': unit = 60; break;
    case 's': unit = 1; break;
    default: return fail(Errc::invalid_argument, expected);
  }
  std::int64_t n = 0;
  for (char c : text.substr(0, text.size() - 1)) {
    if (!is_digit(c)) return fail(Errc::invalid_argument, expected);
    n = n * 10 + (c - '0');
  }
  constexpr std::int64_t kMax = 100LL * 366 * 86400;
  if (n == 0 || n > kMax / unit) {
    return fail(Errc::invalid_argument, expected + " (from 1 second to 100 years; \"forever\" for no limit)");
  }
  return n * unit;
}

std::string format_retention(std::int64_t seconds) {
  if (seconds <= 0) return "forever";
  if (seconds % 86400 == 0) return std::to_string(seconds / 86400) + "d";
  if (seconds % 3600 == 0) return std::to_string(seconds / 3600) + "h";
  if (seconds % 60 == 0) return std::to_string(seconds / 60) + "m";
  return std::to_string(seconds) + "s";
}

Result<LogFormat> parse_log_format(std::string_view text) {
  if (text == "text") return LogFormat::text;
  if (text == "json") return LogFormat::json;
  return fail(Errc::invalid_argument, "expected \"text\" or \"json\", got \"" + std::string(text) + "\"");
}

Status check_ip_literal(std::string_view text) {
  const std::string s(text);
  unsigned char buf[16];
  if (::inet_pton(AF_INET, s.c_str(), buf) == 1 || ::inet_pton(AF_INET6, s.c_str(), buf) == 1) return {};
  return fail(Errc::invalid_argument, "expected an IPv4 or IPv6 address, got \"" + s + "\"");
}

Status check_host_port(std::string_view text) {
  const std::string expected = "expected IP:PORT, e.g. \"127.0.0.1:8061\" or \"[::1]:8061\", got \"" + std::string(text) + "\"";
  std::string_view host, port;
  if (!text.empty() && text.front() == '[') {
    const auto close = text.find("]:");
    if (close == std::string_view::npos) return fail(Errc::invalid_argument, expected);
    host = text.substr(1, close - 1);
    port = text.substr(close + 2);
    unsigned char buf[16];
    if (::inet_pton(AF_INET6, std::string(host).c_str(), buf) != 1) return fail(Errc::invalid_argument, expected);
  } else {
    const auto colon = text.find(':');
    if (colon == std::string_view::npos || text.find(':', colon + 1) != std::string_view::npos) {
      return fail(Errc::invalid_argument, expected);
    }
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
    unsigned char buf[4];
    if (::inet_pton(AF_INET, std::string(host).c_str(), buf) != 1) return fail(Errc::invalid_argument, expected);
  }
  std::uint32_t v = 0;
  if (port.empty() || port.size() > 5) return fail(Errc::invalid_argument, expected);
  for (char c : port) {
    if (!is_digit(c)) return fail(Errc::invalid_argument, expected);
    v = v * 10 + static_cast<std::uint32_t>(c - '0');
  }
  if (v == 0 || v > 65535) return fail(Errc::invalid_argument, expected);
  return {};
}

Status check_cert_name(std::string_view text) {
  if (check_ip_literal(text)) return {};
  bool ok = !text.empty() && text.size() <= 253 && text.front() != '.' && text.back() != '.' && text.front() != '-' &&
            text.find("..") == std::string_view::npos;
  for (char c : text) ok = ok && ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || is_digit(c) || c == '-' || c == '.');
  if (!ok) {
    return fail(Errc::invalid_argument, "\"" + std::string(text) +
                                            "\" is neither a host name (letters, digits, '-', '.') nor an IP address");
  }
  return {};
}

Status check_domain(std::string_view text) { return check_cert_name(text); }

namespace detail {

std::string quoted(std::string_view s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

std::string array(const std::vector<std::string>& v) {
  std::string out = "[";
  for (std::size_t i = 0; i < v.size(); ++i) out += (i ? ", " : "") + quoted(v[i]);
  return out + "]";
}

}  // namespace detail

std::string to_toml(const EffectiveConfig& c) {
  std::string out;
  out += "listen = " + array(c.listen) + "\n";
  out += "domain = " + array(c.domains) + "\n";
  out += "data_dir = " + quoted(c.data_dir) + "\n";
  out += c.realm ? "realm = " + quoted(*c.realm) + "\n" : "# realm: the data directory's (\"sotto\" when it is created)\n";
  if (c.cert) out += "cert = " + quoted(*c.cert) + "\nkey = " + quoted(*c.key) + "\n";
  else out += "# cert, key: the data directory's server certificate (made on first start)\n";
  if (c.ca_file) out += "ca_file = " + quoted(*c.ca_file) + "\n";
  out += "cert_names = " + array(c.cert_names) + "\n";
  out += "media_ip = " + quoted(c.media_ip) + "\n";
  out += "rtp_ports = \"" + std::to_string(c.rtp_ports.lo) + "-" + std::to_string(c.rtp_ports.hi) + "\"\n";
  out += c.http ? "http = " + quoted(*c.http) + "\n" : "# http: off\n";
  out += "log_format = \"" + std::string(to_string(c.log_format)) + "\"\n";
  {
    std::ostringstream secs;  // 60 -> "60", 2.5 -> "2.5"
    secs << c.dead_media_timeout;
    out += "dead_media_timeout = " + secs.str() + "\n";
  }
  out += "\n[records]\nkeep = \"" + format_retention(c.records_keep) + "\"\n";
  for (const auto& t : c.trunks) out += detail::trunk_toml(t);
  return out;
}

}  // namespace sotto::config
