#include "core/rtp/rtp_header.hpp"

namespace sotto::rtp {

Result<RtpHeaderView, HeaderError> parse_rtp_header(std::span<const std::uint8_t> p) noexcept {
  if (p.size() < 12) return Unexpected(HeaderError::truncated);
  if ((p[0] >> 6) != 2) return Unexpected(HeaderError::bad_version);
  RtpHeaderView h;
  h.padding = (p[0] & 0x20) != 0;
  h.extension = (p[0] & 0x10) != 0;
  h.csrc_count = p[0] & 0x0f;
  h.marker = (p[1] & 0x80) != 0;
  h.payload_type = p[1] & 0x7f;
  h.sequence = load_be16(&p[2]);
  h.timestamp = load_be32(&p[4]);
  h.ssrc = load_be32(&p[8]);
  std::size_t off = 12 + 4 * std::size_t{h.csrc_count};
  if (p.size() < off) return Unexpected(HeaderError::truncated);
  if (h.extension) {
    if (p.size() < off + 4) return Unexpected(HeaderError::truncated);
    h.extension_offset = off;
    h.extension_profile = load_be16(&p[off]);
    h.extension_len = 4 * std::size_t{load_be16(&p[off + 2])};
    off += 4 + h.extension_len;
    if (p.size() < off) return Unexpected(HeaderError::truncated);
  }
  h.header_len = off;
  return h;
}

Result<RtcpHeaderView, HeaderError> parse_rtcp_header(std::span<const std::uint8_t> p) noexcept {
  if (p.size() < 8) return Unexpected(HeaderError::truncated);
  if ((p[0] >> 6) != 2) return Unexpected(HeaderError::bad_version);
  return RtcpHeaderView{p[1], load_be32(&p[4])};
}

}  // namespace sotto::rtp
