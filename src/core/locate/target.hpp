#pragma once
// Target: one place to send a SIP request, the output of RFC 3263 server location.
//
//   for (const Target& t : targets)   // most preferred first; try the next on failure (RFC 3263 4.3)
//     std::cout << to_string(t);      // "tls sip1.example.com 192.0.2.10:5061"
//   connect(t.transport, t.address, t.port, /*expected certificate name*/ t.server_name);

#include <cstdint>
#include <string>

#include "core/locate/transport_mode.hpp"

namespace sotto::locate {

struct Target {
  Transport transport = Transport::udp;
  std::string host;          // the name the address was found under (SRV target or URI host), or the IP
  std::string address;       // IPv4 or IPv6 address text, no brackets
  std::uint16_t port = 0;
  std::string server_name;   // RFC 5922 4.1: the URI's domain, what a TLS certificate must name

  bool ipv6() const noexcept { return address.find(':') != std::string::npos; }
  friend bool operator==(const Target&, const Target&) = default;
};

std::string to_string(const Target& t);   // "udp sip.example.com [2001:db8::1]:5060"

}  // namespace sotto::locate
