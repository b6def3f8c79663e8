#pragma once
// TransportKind: the SIP transport of a listener or connection (RFC 3261 18, RFC 5630 for TLS).
//
//   auto k = io::parse_transport_kind("tls");   // TransportKind::tls
//   bool s = io::is_stream(*k);                  // true: framed by Content-Length
//   std::string_view v = io::via_token(*k);      // "TLS" for the Via header

#include <cstdint>
#include <optional>
#include <string_view>

namespace sotto::io {

enum class TransportKind : std::uint8_t { udp, tcp, tls };

std::string_view to_string(TransportKind k) noexcept;      // "udp", "tcp", "tls"
std::string_view via_token(TransportKind k) noexcept;      // "UDP", "TCP", "TLS" (RFC 3261 20.42)
std::optional<TransportKind> parse_transport_kind(std::string_view s) noexcept;  // case-insensitive
constexpr bool is_stream(TransportKind k) noexcept { return k != TransportKind::udp; }

}  // namespace sotto::io
