#include "core/sdp/media_builder.hpp"

#include "core/sdp/attribute_list.hpp"
#include "core/sdp/fmtp.hpp"

namespace sotto::sdp::detail {

MediaDescription start_media(const MediaCapabilities& cap, const std::string& proto) {
  MediaDescription m;
  m.media = cap.media;
  m.port = cap.port;
  m.proto = proto;
  if (cap.address) {
    Connection c;
    c.address = *cap.address;
    if (cap.address->find(':') != std::string::npos) c.address_type = "IP6";
    m.connections.push_back(std::move(c));
  }
  return m;
}

void add_codec(MediaDescription& m, const RtpMap& map, const std::optional<std::string>& fmtp) {
  m.formats.push_back(std::to_string(map.payload_type));
  m.attributes.push_back(Attribute{"rtpmap", format_rtpmap(map)});
  if (fmtp) {
    m.attributes.push_back(Attribute{"fmtp", format_fmtp(Fmtp{std::to_string(map.payload_type), *fmtp})});
  }
}

void finish_media(MediaDescription& m, const MediaCapabilities& cap, Direction d,
                  const std::optional<std::string>& mid, bool rtcp_mux) {
  if (cap.ptime) m.attributes.push_back(Attribute{"ptime", std::to_string(*cap.ptime)});
  if (cap.maxptime) m.attributes.push_back(Attribute{"maxptime", std::to_string(*cap.maxptime)});
  if (rtcp_mux) m.attributes.push_back(Attribute{"rtcp-mux", std::nullopt});
  if (mid) m.attributes.push_back(Attribute{"mid", *mid});
  set_direction(m.attributes, d);
}

}  // namespace sotto::sdp::detail
