// build_offer, build_reoffer, continue_origin (RFC 3264 sections 5 and 8).
#include <set>

#include "core/sdp/media_builder.hpp"
#include "core/sdp/offer_answer.hpp"

namespace sotto::sdp {
namespace {

Unexpected<Error> bad_caps(std::size_t index, std::string what) {
  return fail(Errc::invalid_argument, "capabilities media " + std::to_string(index) + ": " + std::move(what));
}

SessionDescription start_session(const LocalCapabilities& local) {
  SessionDescription sdp;
  sdp.origin = Origin{local.username, local.session_id, local.session_version, "IN", local.address_type,
                      local.address};
  sdp.session_name = local.session_name;
  sdp.connection = Connection{"IN", local.address_type, local.address, std::nullopt, std::nullopt};
  return sdp;
}

// Payload numbers: explicit, else static, else what `previous` used for the codec, else free 96..127.
Result<MediaDescription> offer_media(const MediaCapabilities& cap, std::size_t index,
                                     const MediaDescription* previous) {
  if (cap.protos.empty()) return bad_caps(index, "no proto");
  if (cap.codecs.empty()) return bad_caps(index, "no codecs");
  MediaDescription m = detail::start_media(cap, cap.protos.front());
  std::vector<RtpMap> maps;
  std::set<std::uint8_t> used;
  for (const auto& c : cap.codecs) {
    if (c.encoding.empty() || c.clock_rate == 0) return bad_caps(index, "codec without encoding or clock rate");
    RtpMap map{0, c.encoding, c.clock_rate, c.channels};
    std::optional<std::uint8_t> pt = c.payload_type;
    if (!pt) pt = static_payload_type(c.encoding, c.clock_rate, map.channel_count());
    if (!pt && previous) {
      auto old = previous->find_codec(map);
      if (old && *old >= 96 && !used.contains(*old)) pt = old;
    }
    if (pt && *pt > 127) return bad_caps(index, "payload type " + std::to_string(*pt) + " is above 127");
    if (pt && !used.insert(*pt).second) {
      return bad_caps(index, "payload type " + std::to_string(*pt) + " used twice");
    }
    map.payload_type = pt.value_or(255);  // 255 = assign below, once all fixed numbers are known
    maps.push_back(std::move(map));
  }
  std::uint8_t next = 96;
  for (std::size_t i = 0; i < maps.size(); ++i) {
    if (maps[i].payload_type != 255) continue;
    while (next <= 127 && used.contains(next)) ++next;
    if (next > 127) return bad_caps(index, "more codecs than dynamic payload types 96..127");
    maps[i].payload_type = next;
    used.insert(next);
  }
  for (std::size_t i = 0; i < maps.size(); ++i) detail::add_codec(m, maps[i], cap.codecs[i].fmtp);
  detail::finish_media(m, cap, cap.direction, cap.mid, cap.rtcp_mux);
  return m;
}

Result<SessionDescription> build(const LocalCapabilities& local, const SessionDescription* previous) {
  if (local.address.empty()) return fail(Errc::invalid_argument, "capabilities: no address for o= and c=");
  SessionDescription sdp = start_session(local);
  for (std::size_t i = 0; i < local.media.size(); ++i) {
    const MediaDescription* old = previous && i < previous->media.size() ? &previous->media[i] : nullptr;
    if (old && !old->rejected() && old->media != local.media[i].media) {
      return bad_caps(i, "re-offer changes m-line " + std::to_string(i) + " from " + old->media + " to " +
                             local.media[i].media + "; add new media after the existing ones");
    }
    auto m = offer_media(local.media[i], i, old);
    if (!m) return Unexpected<Error>(m.error());
    sdp.media.push_back(std::move(*m));
  }
  if (previous) {
    // RFC 3264 section 8.2: m-lines are never removed, a stream is removed by port 0.
    for (std::size_t i = local.media.size(); i < previous->media.size(); ++i) {
      MediaDescription m = previous->media[i];
      m.port = 0;                 // keep media/proto/formats; old keys and addresses are dropped
      m.port_count.reset();
      m.attributes.clear();
      m.connections.clear();
      m.bandwidths.clear();
      m.encryption_key.reset();
      sdp.media.push_back(std::move(m));
    }
    continue_origin(*previous, sdp);
  }
  return sdp;
}

}  // namespace

Result<SessionDescription> build_offer(const LocalCapabilities& local) { return build(local, nullptr); }

Result<SessionDescription> build_reoffer(const SessionDescription& previous, const LocalCapabilities& local) {
  return build(local, &previous);
}

void continue_origin(const SessionDescription& previous, SessionDescription& next) {
  next.origin.username = previous.origin.username;
  next.origin.session_id = previous.origin.session_id;
  next.origin.session_version = previous.origin.session_version;
  if (!(next == previous)) next.origin.session_version = previous.origin.session_version + 1;
}

}  // namespace sotto::sdp
