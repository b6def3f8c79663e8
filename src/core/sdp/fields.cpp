#include "core/sdp/fields.hpp"

#include "core/sdp/text.hpp"

namespace sotto::sdp {
namespace {

using detail::parse_uint;
using detail::quote;

bool is_hex(char c) noexcept {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

bool all_digits_and_dots(std::string_view s) noexcept {
  for (char c : s) {
    if (!(c == '.' || (c >= '0' && c <= '9'))) return false;
  }
  return true;
}

// FQDN = 4*(alpha-numeric / "-" / ".") (RFC 4566 section 9); we accept any length >= 1.
bool is_fqdn(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
              c == '.' || c == '_';
    if (!ok) return false;
  }
  return true;
}

bool is_ipv4_multicast(std::string_view s) noexcept {
  auto first = parse_uint<std::uint8_t>(s.substr(0, s.find('.')));
  return first && *first >= 224 && *first <= 239;
}

// Splits "a/b/c" into at most three parts.
std::vector<std::string_view> split_slashes(std::string_view s) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    auto slash = s.find('/', start);
    parts.push_back(s.substr(start, slash == std::string_view::npos ? slash : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  return parts;
}

}  // namespace

bool is_ipv4_literal(std::string_view s) noexcept {
  int parts = 0;
  std::size_t start = 0;
  while (true) {
    auto dot = s.find('.', start);
    std::string_view octet = s.substr(start, dot == std::string_view::npos ? dot : dot - start);
    if (octet.empty() || octet.size() > 3 || !parse_uint<std::uint8_t>(octet)) return false;
    ++parts;
    if (dot == std::string_view::npos) break;
    start = dot + 1;
  }
  return parts == 4;
}

bool is_ipv6_literal(std::string_view s) noexcept {
  if (s.size() < 2 || s.size() > 45) return false;
  auto dc = s.find("::");
  if (dc != std::string_view::npos && s.find("::", dc + 1) != std::string_view::npos) return false;
  int groups = 0;
  auto count = [&](std::string_view part, bool may_end_ipv4) {
    if (part.empty()) return true;
    std::size_t start = 0;
    while (true) {
      auto colon = part.find(':', start);
      std::string_view g = part.substr(start, colon == std::string_view::npos ? colon : colon - start);
      bool last = colon == std::string_view::npos;
      if (last && may_end_ipv4 && g.find('.') != std::string_view::npos) {
        if (!is_ipv4_literal(g)) return false;
        groups += 2;
      } else {
        if (g.empty() || g.size() > 4) return false;
        for (char c : g) {
          if (!is_hex(c)) return false;
        }
        ++groups;
      }
      if (last) return true;
      start = colon + 1;
    }
  };
  if (dc == std::string_view::npos) return count(s, true) && groups == 8;
  return count(s.substr(0, dc), false) && count(s.substr(dc + 2), true) && groups < 8;
}

Result<Origin> parse_origin_field(std::string_view value) {
  auto f = detail::split_fields(value);
  if (f.size() != 6) {
    return fail(Errc::malformed_input,
                "o= needs 6 fields (username sess-id sess-version nettype addrtype address), got " +
                    std::to_string(f.size()));
  }
  auto version = parse_uint<std::uint64_t>(f[2]);
  if (!version) return fail(Errc::malformed_input, "o= sess-version " + quote(f[2]) + " is not a number");
  if (!detail::is_token(f[3]) || !detail::is_token(f[4])) {
    return fail(Errc::malformed_input, "o= nettype/addrtype " + quote(value) + " are not tokens");
  }
  return Origin{std::string(f[0]), std::string(f[1]), *version, std::string(f[3]), std::string(f[4]),
                std::string(f[5])};
}

Result<Connection> parse_connection_field(std::string_view value) {
  auto f = detail::split_fields(value);
  if (f.size() != 3) {
    return fail(Errc::malformed_input,
                "c= needs 3 fields (nettype addrtype address), got " + std::to_string(f.size()));
  }
  if (!detail::is_token(f[0]) || !detail::is_token(f[1])) {
    return fail(Errc::malformed_input, "c= nettype/addrtype " + quote(value) + " are not tokens");
  }
  Connection c{std::string(f[0]), std::string(f[1]), {}, std::nullopt, std::nullopt};
  if (c.address_type != "IP4" && c.address_type != "IP6") {
    c.address = std::string(f[2]);  // an extension address type: kept as written
    return c;
  }
  auto parts = split_slashes(f[2]);
  std::string_view addr = parts[0];
  bool v4 = c.address_type == "IP4";
  if (v4 && all_digits_and_dots(addr)) {
    if (!is_ipv4_literal(addr)) return fail(Errc::malformed_input, "c= " + quote(addr) + " is not an IPv4 address");
  } else if (!v4 && addr.find(':') != std::string_view::npos) {
    if (!is_ipv6_literal(addr)) return fail(Errc::malformed_input, "c= " + quote(addr) + " is not an IPv6 address");
  } else if (!is_fqdn(addr)) {
    return fail(Errc::malformed_input, "c= " + quote(addr) + " is neither an " +
                                           std::string(v4 ? "IPv4" : "IPv6") + " address nor a host name");
  }
  c.address = std::string(addr);
  bool multicast = v4 ? is_ipv4_literal(addr) && is_ipv4_multicast(addr)
                      : addr.size() >= 2 && (addr[0] == 'f' || addr[0] == 'F') && (addr[1] == 'f' || addr[1] == 'F');
  std::size_t max_parts = v4 ? 3 : 2;
  if (parts.size() > max_parts) return fail(Errc::malformed_input, "c= too many '/' in " + quote(f[2]));
  if (parts.size() > 1 && !multicast) {
    return fail(Errc::malformed_input, "c= " + quote(f[2]) + ": '/' suffixes are only for multicast addresses");
  }
  if (v4 && multicast && parts.size() < 2) {
    return fail(Errc::malformed_input, "c= IPv4 multicast address " + quote(addr) + " needs a /ttl (RFC 4566 5.7)");
  }
  std::size_t next = 1;
  if (v4 && parts.size() > 1) {
    auto ttl = parse_uint<std::uint8_t>(parts[1]);
    if (!ttl) return fail(Errc::malformed_input, "c= TTL " + quote(parts[1]) + " is not 0..255");
    c.ttl = *ttl;
    next = 2;
  }
  if (parts.size() > next) {
    auto n = parse_uint<std::uint32_t>(parts[next]);
    if (!n || *n == 0) {
      return fail(Errc::malformed_input, "c= number of addresses " + quote(parts[next]) + " is not a positive number");
    }
    c.address_count = *n;
  }
  return c;
}

std::string format_connection(const Connection& c) {
  std::string s = c.network_type + " " + c.address_type + " " + c.address;
  if (c.ttl) s += "/" + std::to_string(*c.ttl);
  if (c.address_count) s += "/" + std::to_string(*c.address_count);
  return s;
}

Result<Bandwidth> parse_bandwidth_field(std::string_view value) {
  auto colon = value.find(':');
  if (colon == std::string_view::npos) {
    return fail(Errc::malformed_input, "b= expected '<bwtype>:<bandwidth>', got " + quote(value));
  }
  std::string_view type = value.substr(0, colon);
  std::string_view amount = value.substr(colon + 1);
  if (!detail::is_token(type)) return fail(Errc::malformed_input, "b= bwtype " + quote(type) + " is not a token");
  auto n = parse_uint<std::uint64_t>(amount);
  if (!n) return fail(Errc::malformed_input, "b= bandwidth " + quote(amount) + " is not a number");
  return Bandwidth{std::string(type), *n};
}

Result<TimeDescription> parse_time_field(std::string_view value) {
  auto f = detail::split_fields(value);
  if (f.size() != 2) {
    return fail(Errc::malformed_input, "t= needs 2 fields (start-time stop-time), got " + std::to_string(f.size()));
  }
  auto start = parse_uint<std::uint64_t>(f[0]);
  auto stop = parse_uint<std::uint64_t>(f[1]);
  if (!start) return fail(Errc::malformed_input, "t= start-time " + quote(f[0]) + " is not a number");
  if (!stop) return fail(Errc::malformed_input, "t= stop-time " + quote(f[1]) + " is not a number");
  return TimeDescription{*start, *stop, {}};
}

Result<MediaDescription> parse_media_field(std::string_view value) {
  auto f = detail::split_fields(value);
  if (f.size() < 3) {
    return fail(Errc::malformed_input,
                "m= needs '<media> <port> <proto> <fmt> ...', got " + std::to_string(f.size()) + " fields");
  }
  MediaDescription m;
  if (!detail::is_token(f[0])) return fail(Errc::malformed_input, "m= media " + quote(f[0]) + " is not a token");
  m.media = std::string(f[0]);
  auto port_parts = split_slashes(f[1]);
  auto port = parse_uint<std::uint16_t>(port_parts[0]);
  if (!port || port_parts.size() > 2) {
    return fail(Errc::malformed_input, "m= port " + quote(f[1]) + " is not 0..65535 [/count]");
  }
  m.port = *port;
  if (port_parts.size() == 2) {
    auto n = parse_uint<std::uint16_t>(port_parts[1]);
    if (!n || *n == 0) return fail(Errc::malformed_input, "m= port count " + quote(port_parts[1]) + " is not 1..65535");
    m.port_count = *n;
  }
  for (auto part : split_slashes(f[2])) {
    if (!detail::is_token(part)) return fail(Errc::malformed_input, "m= proto " + quote(f[2]) + " is not token/token");
  }
  m.proto = std::string(f[2]);
  for (std::size_t i = 3; i < f.size(); ++i) {
    if (!detail::is_token(f[i])) return fail(Errc::malformed_input, "m= format " + quote(f[i]) + " is not a token");
    if (m.is_rtp()) {
      auto pt = parse_uint<std::uint8_t>(f[i]);
      if (!pt || *pt > 127) {
        return fail(Errc::malformed_input, "m= format " + quote(f[i]) + " is not an RTP payload type 0..127");
      }
    }
    m.formats.emplace_back(f[i]);
  }
  if (m.formats.empty() && m.port != 0) {
    return fail(Errc::malformed_input, "m=" + m.media + " lists no formats (allowed only with port 0)");
  }
  return m;
}

}  // namespace sotto::sdp
