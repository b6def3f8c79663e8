#pragma once
// ListenSpec: "<transport>://<ip>[:<port>]", the user's way to say where a listener goes.
//
//   auto spec = io::parse_listen_spec("tls://127.0.0.1:5071");   // {tls, 127.0.0.1:5071}
//   auto v6 = io::parse_listen_spec("udp://[::1]");              // port defaults to 5060 (5061 for tls)
//   if (!spec) std::cerr << spec.error().message();              // names the spec and what was expected

#include <string>
#include <string_view>

#include "base/result.hpp"
#include "io/endpoint.hpp"
#include "io/transport_kind.hpp"

namespace sotto::io {

struct ListenSpec {
  TransportKind kind = TransportKind::udp;
  Endpoint local;  // port 0 = an ephemeral port, read back from the listener

  std::string to_string() const;  // "tls://127.0.0.1:5061"
  friend bool operator==(const ListenSpec&, const ListenSpec&) = default;
};

// Host names are refused on purpose: a listener binds to an address, and resolving here would make the
// bound address depend on DNS. Default ports per RFC 3261 19.1.2: 5060, and 5061 for TLS.
Result<ListenSpec> parse_listen_spec(std::string_view spec);

}  // namespace sotto::io
