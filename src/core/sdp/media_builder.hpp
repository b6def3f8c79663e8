#pragma once
// Internal helpers shared by build_offer and build_answer to write one m= section.
//
//   MediaDescription m = start_media(cap, "RTP/SAVP");
//   add_codec(m, RtpMap{0, "PCMU", 8000, {}}, std::nullopt);
//   finish_media(m, cap, Direction::sendrecv, cap.mid, cap.rtcp_mux);

#include <optional>
#include <string>

#include "core/sdp/capabilities.hpp"
#include "core/sdp/media_description.hpp"

namespace sotto::sdp::detail {

MediaDescription start_media(const MediaCapabilities& cap, const std::string& proto);
// Appends the payload type to m= and writes a=rtpmap (also for static types, as most peers do) and a=fmtp.
void add_codec(MediaDescription& m, const RtpMap& map, const std::optional<std::string>& fmtp);
// a=ptime, a=maxptime, a=rtcp-mux, a=mid, and an explicit direction attribute.
void finish_media(MediaDescription& m, const MediaCapabilities& cap, Direction d,
                  const std::optional<std::string>& mid, bool rtcp_mux);

}  // namespace sotto::sdp::detail
