#include "core/b2bua/media.hpp"

#include "core/sdp/rtpmap.hpp"

namespace sotto::b2bua {
namespace {

sdp::LocalCapabilities base_caps(const relay::AnchorAddress& addr, const std::string& session_id) {
  sdp::LocalCapabilities caps;
  caps.username = "sotto";
  caps.session_id = session_id;
  caps.address_type = addr.ip.find(':') != std::string::npos ? "IP6" : "IP4";
  caps.address = addr.ip;
  return caps;
}

}  // namespace

std::optional<std::size_t> first_audio(const sdp::SessionDescription& sdp) {
  for (std::size_t i = 0; i < sdp.media.size(); ++i) {
    const auto& m = sdp.media[i];
    if (m.media == "audio" && !m.rejected() && m.is_rtp()) return i;
  }
  return std::nullopt;
}

std::vector<sdp::CodecCapability> codecs_of(const sdp::MediaDescription& m) {
  std::vector<sdp::CodecCapability> out;
  for (std::uint8_t pt : m.payload_types()) {
    auto map = m.rtpmap(pt);
    if (!map) continue;
    sdp::CodecCapability c;
    c.encoding = map->encoding;
    c.clock_rate = map->clock_rate;
    c.channels = map->channels;
    c.payload_type = pt;
    c.fmtp = m.fmtp(pt);
    out.push_back(std::move(c));
  }
  return out;
}

sdp::LocalCapabilities offer_caps(const relay::AnchorAddress& addr, const std::string& session_id,
                                  const sdp::SessionDescription* offer,
                                  const std::vector<sdp::CodecCapability>& fallback, sdp::Direction direction) {
  sdp::LocalCapabilities caps = base_caps(addr, session_id);
  sdp::MediaCapabilities m;
  m.media = "audio";
  m.port = addr.rtp_port;
  m.protos = {"RTP/AVP"};  // the negotiator picks RTP/SAVP or RTP/AVP (+ a=crypto) by policy
  m.direction = direction;
  std::optional<std::size_t> i = offer ? first_audio(*offer) : std::nullopt;
  if (i) {
    m.codecs = codecs_of(offer->media[*i]);
    m.ptime = offer->media[*i].ptime();
  }
  if (m.codecs.empty()) {
    m.codecs = fallback;
    m.ptime = 20;
  }
  caps.media.push_back(std::move(m));
  return caps;
}

sdp::LocalCapabilities answer_caps(const relay::AnchorAddress& addr, const std::string& session_id,
                                   const std::vector<sdp::CodecCapability>& codecs,
                                   const sdp::NegotiatedStream& accepted, sdp::Direction direction) {
  sdp::LocalCapabilities caps = base_caps(addr, session_id);
  sdp::MediaCapabilities m;
  m.media = "audio";
  m.port = addr.rtp_port;
  m.protos = {"RTP/AVP"};
  m.direction = direction;
  m.ptime = accepted.remote_ptime;
  for (const auto& c : codecs) {
    const sdp::RtpMap mine{c.payload_type.value_or(0), c.encoding, c.clock_rate, c.channels};
    if (accepted.telephone_event_pt && sdp::iequals(c.encoding, "telephone-event")) {
      m.codecs.push_back(c);  // RFC 4733 events pass through the relay
      continue;
    }
    for (const auto& kept : accepted.codecs) {
      if (sdp::same_codec(mine, kept)) {
        m.codecs.push_back(c);
        break;
      }
    }
  }
  if (m.codecs.empty()) m.codecs = codecs;  // nothing matched by name: let the answerer's intersection decide
  caps.media.push_back(std::move(m));
  return caps;
}

relay::LegMedia leg_media(const negotiation::SecureMedia& m, const negotiation::NegotiatedSession& s) {
  relay::LegMedia out;
  if (m.rejected) return out;
  out.remote_ip = m.stream.remote_address;
  out.remote_rtp_port = m.stream.remote_port;
  out.remote_rtcp_port = m.stream.remote_rtcp_port;
  out.rtcp_mux = m.stream.rtcp_mux;
  out.direction = m.stream.direction;
  if (m.srtp && m.index < s.streams.size()) {
    out.local_key = s.streams[m.index].local;
    out.remote_key = s.streams[m.index].remote;
  }
  return out;
}

}  // namespace sotto::b2bua
