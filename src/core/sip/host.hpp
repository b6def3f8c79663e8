#pragma once
// Host and port syntax (RFC 3261 25.1): hostname, IPv4address, IPv6reference "[...]".
//
//   auto hp = parse_hostport("[2001:db8::1]:5061", "Via sent-by");
//   // hp->host == "[2001:db8::1]", hp->port == 5061, classify_host(hp->host) == HostKind::ipv6
//   bool ok = is_ipv4_address("192.0.2.1");

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace sotto::sip {

enum class HostKind : std::uint8_t { invalid, hostname, ipv4, ipv6 };

// host = hostname / IPv4address / IPv6reference; an IPv6 address must be in brackets here.
HostKind classify_host(std::string_view host) noexcept;
bool is_ipv4_address(std::string_view s) noexcept;
// IPv6address without brackets (RFC 3261 25.1, same as RFC 4291 text forms).
bool is_ipv6_address(std::string_view s) noexcept;

struct HostPort {
  std::string host;                  // as written; IPv6 keeps its brackets
  std::optional<std::uint16_t> port;
  friend bool operator==(const HostPort&, const HostPort&) = default;
};

// hostport = host [ ":" port ]; the whole of `s` must be consumed.
Result<HostPort> parse_hostport(std::string_view s, std::string_view what);
// How many leading characters of `s` could belong to a hostport (stops at ';', '?', '>', space, ...).
std::size_t hostport_length(std::string_view s) noexcept;

}  // namespace sotto::sip
