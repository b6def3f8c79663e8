#pragma once
// Transport: the SIP transport of a listener, a connection, a located target or a Via (RFC 3261 18; TLS
// over TCP per RFC 3261 26.2). One type for core/locate, core/ua, io and the runtime; its text, as Via
// and the JSON reports write it, comes from transport_name() alone.
//
//   sip::Transport t = sip::parse_transport("tls").value();   // case-insensitive
//   std::string_view v = sip::transport_name(t);              // "TLS"
//   bool framed = sip::is_reliable(t);                        // true: Content-Length framing, keep-alives

#include <cstdint>
#include <optional>
#include <string_view>

namespace sotto::sip {

enum class Transport : std::uint8_t { udp, tcp, tls };

// "UDP", "TCP", "TLS" (RFC 3261 20.42 Via transport tokens).
std::string_view transport_name(Transport t) noexcept;
// "udp" / "UDP" / "Tls" ...; nullopt for anything else.
std::optional<Transport> parse_transport(std::string_view text) noexcept;
constexpr bool is_reliable(Transport t) noexcept { return t != Transport::udp; }
// RFC 3261 19.1.2: 5061 for TLS, 5060 otherwise.
constexpr std::uint16_t default_port(Transport t) noexcept { return t == Transport::tls ? 5061 : 5060; }

}  // namespace sotto::sip
