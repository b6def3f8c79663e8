#pragma once
// DnsResolverOptions: which DNS servers to ask and how patiently.
//
//   DnsResolverOptions o{.servers = {"127.0.0.1:5353"}, .timeout = std::chrono::milliseconds(500), .tries = 2};
//   auto s = parse_dns_server("[::1]:53");   // {"::1", 53}; "127.0.0.1" means port 53
//   // Only with .use_system_config = true and no .servers is /etc/resolv.conf consulted.

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "core/locate/locator.hpp"
#include "core/locate/srv_order.hpp"

namespace sotto::io::dns {

struct DnsResolverOptions {
  std::vector<std::string> servers{};             // "ip", "ip:port", "[ipv6]:port"; tried in this order
  bool use_system_config = false;                 // when servers is empty: the system's resolv.conf servers
  std::chrono::milliseconds timeout{2000};        // first try; c-ares doubles it on each round over the servers
  int tries = 2;                                  // rounds over the server list before ETIMEOUT
  locate::LocatorOptions locator{};               // address families, query budget, timeout policy
  locate::UniformRandom random{};                 // SRV weights; empty: seeded from std::random_device
};

struct DnsServer {
  std::string address;   // IP literal, no brackets
  std::uint16_t port = 53;
  friend bool operator==(const DnsServer&, const DnsServer&) = default;
};

// "192.0.2.53", "127.0.0.1:5353", "[::1]:5353", "::1". Errors name the bad entry.
Result<DnsServer> parse_dns_server(std::string_view text);
// Checks the options and returns the c-ares server list ("127.0.0.1:5353,[::1]:53"), or "" for the system's.
Result<std::string> server_list_csv(const DnsResolverOptions& options);

}  // namespace sotto::io::dns
