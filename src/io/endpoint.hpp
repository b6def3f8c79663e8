#pragma once
// Endpoint: an IP address and port, the address of a listener, a peer or a connection end.
//
//   auto ep = io::Endpoint::parse("[::1]:5061");     // Result<Endpoint>
//   std::string s = ep->to_string();                 // "[::1]:5061"
//   asio::ip::tcp::endpoint native = ep->tcp();

#include <asio/ip/address.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ip/udp.hpp>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace sotto::io {

struct Endpoint {
  asio::ip::address address;
  std::uint16_t port = 0;

  // "127.0.0.1:5060" or "[::1]:5060"; IP literals only, no name resolution here.
  static Result<Endpoint> parse(std::string_view s);
  static Endpoint from(const asio::ip::tcp::endpoint& e) { return {e.address(), e.port()}; }
  static Endpoint from(const asio::ip::udp::endpoint& e) { return {e.address(), e.port()}; }

  asio::ip::tcp::endpoint tcp() const { return {address, port}; }
  asio::ip::udp::endpoint udp() const { return {address, port}; }
  std::string to_string() const;

  friend bool operator==(const Endpoint&, const Endpoint&) = default;
};

struct EndpointHash {
  std::size_t operator()(const Endpoint& e) const noexcept;
};

}  // namespace sotto::io
