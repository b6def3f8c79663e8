#pragma once
// next_hop: where to send a request for a SIP URI when its host is an IP address (RFC 3263 section 4:
// no NAPTR/SRV for numeric hosts; sips: means TLS; ;transport= picks the transport; default ports
// 5060 / 5061). Host names go through DNS (src/core/locate) instead.
//
//   auto hop = next_hop(parse_uri("sips:bob@127.0.0.1:5072").value());   // {tls, 127.0.0.1:5072, "127.0.0.1"}
//   if (!hop) std::cerr << hop.error().message();                        // e.g. sips: with transport=udp

#include <string>

#include "base/result.hpp"
#include "core/sip/uri.hpp"
#include "io/endpoint.hpp"
#include "io/transport_kind.hpp"

namespace sotto::phone {

struct NextHop {
  io::TransportKind kind = io::TransportKind::udp;
  io::Endpoint endpoint;
  std::string server_name;   // what the TLS certificate must name (RFC 5922): the URI host
};

Result<NextHop> next_hop(const sip::Uri& uri);

}  // namespace sotto::phone
