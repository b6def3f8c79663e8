#pragma once
// IpEndpoint: an IPv4 or IPv6 address with a port, as read from packet headers. Regular, hashable.
//
//   IpEndpoint e = IpEndpoint::v4({127, 0, 0, 1}, 5060);
//   std::string s = to_string(e);                     // "127.0.0.1:5060", "[::1]:5061"
//   auto p = parse_ip_endpoint("[::1]:5061");         // the reverse, for SDP c=/m= lookups too

#include <array>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace sotto::netpkt {

struct IpAddress {
  bool v6 = false;
  std::array<std::uint8_t, 16> bytes{};  // IPv4 in the first 4 bytes
  friend bool operator==(const IpAddress&, const IpAddress&) = default;
};

struct IpEndpoint {
  IpAddress address;
  std::uint16_t port = 0;

  static IpEndpoint v4(std::array<std::uint8_t, 4> a, std::uint16_t port);
  friend bool operator==(const IpEndpoint&, const IpEndpoint&) = default;
};

std::string to_string(const IpAddress& a);
std::string to_string(const IpEndpoint& e);
// Dotted IPv4 or textual IPv6 (no brackets); nullopt otherwise.
std::optional<IpAddress> parse_ip_address(std::string_view text);

struct IpEndpointHash {
  std::size_t operator()(const IpEndpoint& e) const noexcept {
    std::uint64_t h = 1469598103934665603ull;
    for (auto b : e.address.bytes) h = (h ^ b) * 1099511628211ull;
    h = (h ^ e.port) * 1099511628211ull;
    return static_cast<std::size_t>(h ^ (e.address.v6 ? 0x9e3779b97f4a7c15ull : 0));
  }
};

}  // namespace sotto::netpkt
