#pragma once
// Origin: the "o=" line, which names the session and versions it (RFC 4566 section 5.2).
//
//   Origin o{.username = "-", .session_id = "4858949", .session_version = 1,
//            .address = "192.0.2.10"};
//   // o=- 4858949 1 IN IP4 192.0.2.10

#include <cstdint>
#include <string>

namespace sotto::sdp {

// origin-field = %x6f "=" username SP sess-id SP sess-version SP nettype SP addrtype SP
//                unicast-address CRLF                                   (RFC 4566 section 9)
struct Origin {
  std::string username = "-";         // username = non-ws-string; "-" when the host has no user ids
  std::string session_id = "0";       // sess-id = 1*DIGIT (kept as text: peers send up to 20+ digits)
  std::uint64_t session_version = 0;  // sess-version = 1*DIGIT; RFC 3264 section 8 increments it
  std::string network_type = "IN";    // nettype = token
  std::string address_type = "IP4";   // addrtype = token ("IP4" / "IP6")
  std::string address = "0.0.0.0";    // unicast-address, FQDN or literal

  friend bool operator==(const Origin&, const Origin&) = default;
};

}  // namespace sotto::sdp
