#include "core/ua/ua_event.hpp"

namespace sotto::ua {

std::string_view to_string(CallState s) noexcept {
  switch (s) {
    case CallState::progress: return "progress";
    case CallState::ringing: return "ringing";
    case CallState::established: return "established";
    case CallState::terminated: return "terminated";
    case CallState::failed: return "failed";
  }
  return "?";
}

std::optional<MediaInfo> media_info(const std::vector<negotiation::SecureMedia>& media,
                                    const std::vector<std::string>& warnings) {
  for (const auto& m : media) {
    if (m.rejected || m.stream.rejected) continue;
    MediaInfo out;
    const sdp::NegotiatedStream& s = m.stream;
    out.remote_address = s.remote_address;
    out.remote_port = s.remote_port;
    out.remote_rtcp_port = s.remote_rtcp_port;
    out.rtcp_mux = s.rtcp_mux;
    for (const auto& c : s.codecs) {
      if (sdp::is_auxiliary_codec(c)) continue;
      out.payload_type = c.payload_type;
      out.codec = c.encoding;
      out.clock_rate = c.clock_rate;
      break;
    }
    out.ptime = s.remote_ptime;
    out.telephone_event_pt = s.telephone_event_pt;
    out.direction = s.direction;
    out.srtp = m.srtp;
    out.suite = m.suite;
    out.tx = m.tx;
    out.rx = m.rx;
    out.tx_key_changed = m.tx_key_changed;
    out.rx_key_changed = m.rx_key_changed;
    out.warnings = warnings;
    return out;
  }
  return std::nullopt;
}

}  // namespace sotto::ua
