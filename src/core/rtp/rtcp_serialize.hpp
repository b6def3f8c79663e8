#pragma once
// serialize_rtcp: the model of rtcp_packet.hpp to wire bytes (RFC 3550 section 6.4-6.7), packets
// stacked in order as one compound packet (section 6.1). No padding is added.
//
//   std::vector<std::uint8_t> bytes = serialize_rtcp(compound).value();
//   std::size_t n = serialize_rtcp(compound, buf).value();   // into a caller buffer (no allocation)
//   std::size_t need = rtcp_size(compound);

#include <cstdint>
#include <span>
#include <vector>

#include "base/result.hpp"
#include "core/rtp/rtcp_packet.hpp"

namespace sotto::rtp {

// Bytes serialize_rtcp will write (valid or not).
std::size_t rtcp_size(const CompoundRtcp& c) noexcept;

// Fails (invalid_argument) naming the packet and field that cannot be encoded: more than 31 report
// blocks/chunks/SSRCs, an SDES value or BYE reason over 255 bytes, extension/APP data not a multiple
// of 4 bytes, an APP subtype over 31; fails (limit_exceeded) when `out` is too small.
Result<std::size_t> serialize_rtcp(const CompoundRtcp& c, std::span<std::uint8_t> out);
Result<std::vector<std::uint8_t>> serialize_rtcp(const CompoundRtcp& c);

}  // namespace sotto::rtp
