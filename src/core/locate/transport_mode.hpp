#pragma once
// TransportMode: how a phone is configured to reach its server; Transport: the SIP transport of a target.
//
//   auto mode = locate::parse_transport_mode("tcp-preferred");   // TransportMode::tcp_preferred
//   std::string_view s = locate::to_string(Transport::tls);       // "tls"
//   std::uint16_t p = locate::default_port(Transport::tls);       // 5061 (RFC 3261 19.1.2)

#include <cstdint>
#include <string_view>

#include "base/result.hpp"
#include "core/sip/transport.hpp"

namespace sotto::locate {

// The SIP transports we can open: the one transport type (core/sip/transport.hpp).
using Transport = sip::Transport;
using sip::default_port;

std::string_view to_string(Transport t) noexcept;                 // "udp", "tcp", "tls"
// RFC 3263 4.1 / RFC 2782: "_sip._udp", "_sip._tcp", "_sips._tcp".
std::string_view srv_prefix(Transport t) noexcept;
// RFC 3263 4.1 NAPTR services: "SIP+D2U", "SIP+D2T", "SIPS+D2T".
std::string_view naptr_service(Transport t) noexcept;

// The transport settings found on phones in the field.
enum class TransportMode : std::uint8_t {
  udp,            // UDP only
  tcp,            // TCP only
  tcp_preferred,  // TCP first, UDP as fallback targets
  tls,            // TLS only
  dns,            // let NAPTR and SRV records decide (RFC 3263 4.1), preferring TLS, then TCP, then UDP
};

std::string_view to_string(TransportMode m) noexcept;             // "udp", "tcp", "tcp-preferred", "tls", "dns"
// Case-insensitive; the error names the input and the accepted values.
Result<TransportMode> parse_transport_mode(std::string_view text);

}  // namespace sotto::locate
