#pragma once
// IpEndpoint: an IPv4 or IPv6 address with a port, as read from packet headers. Regular, hashable.
//
//   IpEndpoint e = IpEndpoint::v4({127, 0, 0, 1}, 5060);
//   std::string s = to_string(e);                     // "127.0.0.1:5060", "[::1]:5061"
//   auto p = parse_ip_endpoint("[::1]:5061");         // the reverse, for SDP c=/m= lookups too

#include <array>
#include <cstdint>
#include <cstring>
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
    std::uint64_t a, b;
    std::memcpy(&a, e.address.bytes.data(), 8);
    std::memcpy(&b, e.address.bytes.data() + 8, 8);
    std::uint64_t h = (a * 0x9E3779B97F4A7C15ull) ^ (b + 0x632BE59BD9B4E019ull + (h_shift(a)));
    h ^= (std::uint64_t{e.port} << 1 | (e.address.v6 ? 1u : 0u)) * 0xBF58476D1CE4E5B9ull;
    return static_cast<std::size_t>(h ^ (h >> 31));
  }
  static std::uint64_t h_shift(std::uint64_t x) noexcept { return (x << 6) + (x >> 2); }
};

}  // namespace sotto::netpkt
