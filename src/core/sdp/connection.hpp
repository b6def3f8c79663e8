#pragma once
// Connection: a "c=" line (RFC 4566 section 5.7), IPv4/IPv6 unicast or multicast.
//
//   Connection c{.address = "224.2.17.12", .ttl = 127};   // c=IN IP4 224.2.17.12/127
//   Connection u{.address_type = "IP6", .address = "2001:db8::1"};
//   bool hold = c.address == "0.0.0.0";                   // RFC 2543 hold, still seen in the wild

#include <cstdint>
#include <optional>
#include <string>

namespace sotto::sdp {

// connection-field = %x63 "=" nettype SP addrtype SP connection-address CRLF
// connection-address = multicast-address / unicast-address          (RFC 4566 section 9)
struct Connection {
  std::string network_type = "IN";   // nettype = token
  std::string address_type = "IP4";  // addrtype = token; "/ttl" and "/count" are read for IP4/IP6 only
  std::string address{};             // IP4-address / IP6-address / FQDN, without the "/..." suffixes
  // IP4-multicast = m1 3("." decimal-uchar) "/" ttl [ "/" integer ]; only IPv4 multicast has a TTL.
  std::optional<std::uint8_t> ttl{};
  // The "/<number of addresses>" suffix of a multicast address (IP4 after the TTL, IP6 directly).
  std::optional<std::uint32_t> address_count{};

  friend bool operator==(const Connection&, const Connection&) = default;
};

}  // namespace sotto::sdp
