#include "core/ua/call.hpp"

namespace sotto::ua {

sdp::LocalCapabilities local_caps(const UaConfig& cfg, const CallOptions& media, const std::string& session_id,
                                  sdp::Direction direction) {
  sdp::LocalCapabilities caps;
  caps.username = "sotto";
  caps.session_id = session_id;
  caps.address_type = media.address_type;
  caps.address = media.rtp_address;
  sdp::MediaCapabilities m;
  m.media = "audio";
  m.port = media.rtp_port;
  m.protos = {"RTP/AVP"};  // the negotiator picks RTP/SAVP or RTP/AVP (+ a=crypto) by policy
  m.codecs = cfg.codecs;
  m.ptime = cfg.ptime;
  m.direction = direction;
  caps.media.push_back(std::move(m));
  return caps;
}

}  // namespace sotto::ua
