#pragma once
// RtcpAttribute: the value of "a=rtcp" (RFC 3605): where RTCP goes when not RTP port + 1.
//
//   RtcpAttribute r = parse_rtcp_attribute("53020 IN IP4 126.16.64.4").value();
//   r.port;                     // 53020
//   format_rtcp_attribute(r);   // "53020 IN IP4 126.16.64.4"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "core/sdp/connection.hpp"

namespace sotto::sdp {

// rtcp-attribute = "a=rtcp:" port [nettype space addrtype space connection-address] CRLF
struct RtcpAttribute {
  std::uint16_t port = 0;
  std::optional<Connection> connection{};  // only nettype/addrtype/address are used

  friend bool operator==(const RtcpAttribute&, const RtcpAttribute&) = default;
};

Result<RtcpAttribute> parse_rtcp_attribute(std::string_view value);
std::string format_rtcp_attribute(const RtcpAttribute& r);

}  // namespace sotto::sdp
