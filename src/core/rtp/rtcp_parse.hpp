#pragma once
// parse_rtcp: a received (compound) RTCP packet, after SRTCP unprotect, into the model of
// rtcp_packet.hpp, with an error naming the packet and field at fault.
//
//   auto c = parse_rtcp(bytes);
//   if (!c) log(c.error().message());    // "malformed input: RTCP packet 2 (SDES): chunk 1 ..."
//   for (const RtcpPacket& p : c->packets) std::visit(handler, p);

#include <cstdint>
#include <span>

#include "base/result.hpp"
#include "core/rtp/rtcp_packet.hpp"

namespace sotto::rtp {

// Checks (RFC 3550 section 6.4 and appendix A.2): version 2 everywhere, each length field within the
// datagram, padding only on the last packet and no larger than it, packet bodies consistent with
// their counts. A first packet other than SR/RR is accepted (RFC 5506 reduced-size RTCP). Unknown
// packet types are kept as UnknownRtcp.
Result<CompoundRtcp> parse_rtcp(std::span<const std::uint8_t> bytes);

}  // namespace sotto::rtp
