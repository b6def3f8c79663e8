#pragma once
// The RTCP model lives in src/core/rtp (shared with the audit); media code uses it under its old names.
//
//   #include "media/rtcp_packet.hpp"
//   media::CompoundRtcp c;   // == rtp::CompoundRtcp

#include "core/rtp/rtcp_packet.hpp"

namespace sotto::media {
using rtp::App;
using rtp::Bye;
using rtp::CompoundRtcp;
using rtp::ReceiverReport;
using rtp::ReportBlock;
using rtp::RtcpPacket;
using rtp::RtcpType;
using rtp::sdes_cname;
using rtp::SdesChunk;
using rtp::SdesItem;
using rtp::SdesType;
using rtp::SenderInfo;
using rtp::SenderReport;
using rtp::SourceDescription;
using rtp::UnknownRtcp;
}  // namespace sotto::media
