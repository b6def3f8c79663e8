#pragma once
// RTCP serialisation lives in src/core/rtp; media code calls it as media::serialize_rtcp.
//
//   auto bytes = media::serialize_rtcp(compound);

#include "core/rtp/rtcp_serialize.hpp"
#include "media/rtcp_packet.hpp"

namespace sotto::media {
using rtp::rtcp_size;
using rtp::serialize_rtcp;
}  // namespace sotto::media
