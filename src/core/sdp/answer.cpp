// build_answer (RFC 3264 section 6).
#include <set>

#include "core/sdp/media_builder.hpp"
#include "core/sdp/offer_answer.hpp"

namespace sotto::sdp {
namespace {

MediaDescription rejected_copy(const MediaDescription& offered) {
  MediaDescription m;
  m.media = offered.media;
  m.port = 0;
  m.proto = offered.proto;
  m.formats = offered.formats;  // section 6: at least one format, even when rejected
  if (m.formats.empty()) m.formats.push_back(offered.is_rtp() ? "0" : "*");
  return m;
}

bool proto_supported(const MediaCapabilities& cap, const std::string& proto) {
  for (const auto& p : cap.protos) {
    if (iequals(p, proto)) return true;
  }
  return false;
}

const CodecCapability* local_codec(const MediaCapabilities& cap, const RtpMap& offered) {
  for (const auto& c : cap.codecs) {
    if (same_codec(RtpMap{0, c.encoding, c.clock_rate, c.channels}, offered)) return &c;
  }
  return nullptr;
}

// Fills `out` with the accepted stream or returns why it cannot be accepted.
std::optional<std::string> answer_media(const SessionDescription& offer, std::size_t i,
                                        const MediaCapabilities& cap, MediaDescription& out) {
  const MediaDescription& o = offer.media[i];
  MediaDescription m = detail::start_media(cap, o.proto);
  bool any_real = false;
  for (std::uint8_t pt : o.payload_types()) {
    auto map = o.rtpmap(pt);
    if (!map) continue;  // a dynamic type without a=rtpmap cannot be identified
    const CodecCapability* mine = local_codec(cap, *map);
    if (!mine || m.has_payload_type(pt)) continue;
    detail::add_codec(m, *map, mine->fmtp);
    any_real = any_real || !is_auxiliary_codec(*map);
  }
  if (m.formats.empty()) return std::string("no codec in common");
  // telephone-event alone is fine on a stream that offers nothing else (RFC 4317 section 2.4), not
  // as the only survivor of a stream that offered real codecs.
  if (!any_real && offers_real_codec(o)) return std::string("no codec in common besides telephone-event/CN");
  Direction d = intersect(invert(offer.media_direction(i)), cap.direction);
  std::optional<std::string> mid;
  if (auto v = o.mid()) mid = std::string(*v);
  detail::finish_media(m, cap, d, mid, cap.rtcp_mux && o.rtcp_mux());
  out = std::move(m);
  return std::nullopt;
}

}  // namespace

Result<SessionDescription> build_answer(const SessionDescription& offer, const LocalCapabilities& local) {
  if (local.address.empty()) return fail(Errc::invalid_argument, "capabilities: no address for o= and c=");
  SessionDescription sdp;
  sdp.origin = Origin{local.username, local.session_id, local.session_version, "IN", local.address_type,
                      local.address};
  sdp.session_name = local.session_name;
  sdp.connection = Connection{"IN", local.address_type, local.address, std::nullopt, std::nullopt};
  sdp.times = offer.times;  // section 6: "The t= line in the answer MUST equal that of the offer."
  for (auto& t : sdp.times) t.repeats.clear();
  if (sdp.times.empty()) sdp.times.push_back(TimeDescription{});

  std::set<std::size_t> used;
  std::string reasons;
  bool accepted_any = false;
  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    const MediaDescription& o = offer.media[i];
    MediaDescription m = rejected_copy(o);
    std::string why = "offered with port 0";
    if (!o.rejected()) {
      why = "no local capability for " + o.media + " " + o.proto;
      for (std::size_t k = 0; k < local.media.size(); ++k) {
        const MediaCapabilities& cap = local.media[k];
        if (used.contains(k) || cap.port == 0 || !iequals(cap.media, o.media) || !proto_supported(cap, o.proto)) {
          continue;
        }
        if (!o.is_rtp()) {
          why = "proto " + o.proto + " is not RTP";
          break;
        }
        auto failure = answer_media(offer, i, cap, m);
        if (!failure) {
          used.insert(k);
          accepted_any = true;
          why.clear();
          break;
        }
        why = *failure;
      }
    }
    if (!why.empty()) {
      if (!reasons.empty()) reasons += "; ";
      reasons += "m-line " + std::to_string(i) + " (" + o.media + " " + o.proto + "): " + why;
    }
    sdp.media.push_back(std::move(m));
  }
  if (!accepted_any && !offer.media.empty()) {
    return fail(Errc::unsupported, "no acceptable media stream: " + reasons);
  }
  return sdp;
}

}  // namespace sotto::sdp
