#pragma once
// RtpHeaderView: the fixed RTP header (RFC 3550 section 5.1) plus CSRCs and the header extension
// (RFC 8285), read in place from a packet without copying.
//
//   auto h = parse_rtp_header(packet);
//   if (!h) return;                        // h.error(): truncated / not version 2 / bad lengths
//   uint32_t ssrc = h->ssrc; std::size_t payload_at = h->header_len;

#include <cstddef>
#include <cstdint>
#include <span>

#include "base/result.hpp"

namespace sotto::rtp {

enum class HeaderError : std::uint8_t {
  truncated,      // fewer bytes than the header claims
  bad_version,    // V != 2
};

struct RtpHeaderView {
  bool padding = false;            // P
  bool extension = false;          // X
  std::uint8_t csrc_count = 0;     // CC
  bool marker = false;             // M
  std::uint8_t payload_type = 0;   // PT
  std::uint16_t sequence = 0;
  std::uint32_t timestamp = 0;
  std::uint32_t ssrc = 0;
  std::size_t extension_offset = 0;   // offset of the 4-byte extension header ("defined by profile")
  std::uint16_t extension_profile = 0;  // 0xBEDE one-byte, 0x100x two-byte (RFC 8285)
  std::size_t extension_len = 0;      // bytes of extension data after its 4-byte header
  std::size_t header_len = 0;         // 12 + 4*CC + (4 + extension_len if X)
};

// Parses the header of `packet`. Does not look at the payload or the padding.
Result<RtpHeaderView, HeaderError> parse_rtp_header(std::span<const std::uint8_t> packet) noexcept;

// RTCP common header (RFC 3550 section 6.4): the SRTCP transform needs only the first 8 bytes.
struct RtcpHeaderView {
  std::uint8_t packet_type = 0;
  std::uint32_t sender_ssrc = 0;
};
Result<RtcpHeaderView, HeaderError> parse_rtcp_header(std::span<const std::uint8_t> packet) noexcept;

inline std::uint16_t load_be16(const std::uint8_t* p) noexcept {
  return static_cast<std::uint16_t>((p[0] << 8) | p[1]);
}
inline std::uint32_t load_be32(const std::uint8_t* p) noexcept {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}
inline void store_be16(std::uint8_t* p, std::uint16_t v) noexcept {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
inline void store_be32(std::uint8_t* p, std::uint32_t v) noexcept {
  p[0] = static_cast<std::uint8_t>(v >> 24);
  p[1] = static_cast<std::uint8_t>(v >> 16);
  p[2] = static_cast<std::uint8_t>(v >> 8);
  p[3] = static_cast<std::uint8_t>(v);
}

}  // namespace sotto::rtp
