#include "core/netpkt/ip_endpoint.hpp"

#include <arpa/inet.h>

namespace sotto::netpkt {

IpEndpoint IpEndpoint::v4(std::array<std::uint8_t, 4> a, std::uint16_t port) {
  IpEndpoint e;
  for (std::size_t i = 0; i < 4; ++i) e.address.bytes[i] = a[i];
  e.port = port;
  return e;
}

std::string to_string(const IpAddress& a) {
  char buf[INET6_ADDRSTRLEN] = {};
  inet_ntop(a.v6 ? AF_INET6 : AF_INET, a.bytes.data(), buf, sizeof buf);
  return buf;
}

std::string to_string(const IpEndpoint& e) {
  if (e.address.v6) return "[" + to_string(e.address) + "]:" + std::to_string(e.port);
  return to_string(e.address) + ":" + std::to_string(e.port);
}

std::optional<IpAddress> parse_ip_address(std::string_view text) {
  std::string s(text);
  IpAddress a;
  if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) return a;
  a.v6 = true;
  if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1) return a;
  return std::nullopt;
}

}  // namespace sotto::netpkt
