#pragma once
// HOST:PORT as `sotto tls-check` takes it: "sip.example.com:5061", "127.0.0.1:5061", "[::1]:5061";
// without a port, 5061 (RFC 3261 19.1.2, sips).
//
//   auto t = tlscheck::parse_target("[::1]:5062");   // t->host "::1", t->port 5062
//   auto bad = tlscheck::parse_target("host:99999"); // "target 'host:99999': port must be 1-65535"

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace sotto::tlscheck {

struct Target {
  std::string host;  // IPv6 without brackets
  std::uint16_t port = 5061;
};

Result<Target> parse_target(std::string_view text);

}  // namespace sotto::tlscheck
