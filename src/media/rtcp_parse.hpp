#pragma once
// RTCP parsing lives in src/core/rtp; media code calls it as media::parse_rtcp.
//
//   auto c = media::parse_rtcp(bytes);

#include "core/rtp/rtcp_parse.hpp"
#include "media/rtcp_packet.hpp"

namespace sotto::media {
using rtp::parse_rtcp;
}  // namespace sotto::media
