#pragma once
// TransportKind: the SIP transport of a listener or connection (RFC 3261 18, RFC 5630 for TLS).
//
//   auto k = io::parse_transport_kind("tls");   // TransportKind::tls
//   bool s = io::is_stream(*k);                  // true: framed by Content-Length
//   std::string_view v = io::via_token(*k);      // "TLS" for the Via header

#include <cstdint>
#include <optional>
#include <string_view>

#include "core/sip/transport.hpp"

namespace sotto::io {

// The one transport type (core/sip/transport.hpp); io keeps its name for it.
using TransportKind = sip::Transport;

std::string_view to_string(TransportKind k) noexcept;      // "udp", "tcp", "tls"
std::string_view via_token(TransportKind k) noexcept;      // sip::transport_name: "UDP", "TCP", "TLS"
std::optional<TransportKind> parse_transport_kind(std::string_view s) noexcept;  // case-insensitive
constexpr bool is_stream(TransportKind k) noexcept { return sip::is_reliable(k); }

}  // namespace sotto::io
