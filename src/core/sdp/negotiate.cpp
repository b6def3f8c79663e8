// apply_answer / answered_streams: check an answer against its offer (RFC 3264 sections 6 and 7).
#include <algorithm>
#include "core/sdp/offer_answer.hpp"

namespace sotto::sdp {
namespace {

Unexpected<Error> bad_answer(std::size_t i, const std::string& media, std::string what) {
  return fail(Errc::malformed_input,
              "answer m-line " + std::to_string(i) + " (" + media + "): " + std::move(what));
}

std::string describe(const RtpMap& m) {
  std::string s = std::to_string(m.payload_type) + " (" + m.encoding + "/" + std::to_string(m.clock_rate);
  if (m.channels) s += "/" + std::to_string(*m.channels);
  return s + ")";
}

Result<std::vector<NegotiatedStream>> negotiate(const SessionDescription& offer, const SessionDescription& answer,
                                                bool we_offered) {
  if (answer.media.size() != offer.media.size()) {
    return fail(Errc::malformed_input, "answer has " + std::to_string(answer.media.size()) +
                                           " m-lines, the offer had " + std::to_string(offer.media.size()) +
                                           " (RFC 3264 section 6)");
  }
  const SessionDescription& remote = we_offered ? answer : offer;
  std::vector<NegotiatedStream> out;
  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    const MediaDescription& o = offer.media[i];
    const MediaDescription& a = answer.media[i];
    NegotiatedStream s;
    s.index = i;
    s.media = o.media;
    s.proto = o.proto;
    if (!iequals(a.media, o.media)) {
      return bad_answer(i, o.media, "media '" + a.media + "' does not match the offered '" + o.media + "'");
    }
    if (a.rejected() || o.rejected()) {
      if (!a.rejected()) return bad_answer(i, o.media, "accepts a stream the offer disabled with port 0");
      s.rejected = true;
      s.direction = Direction::inactive;
      out.push_back(std::move(s));
      continue;
    }
    if (!iequals(a.proto, o.proto)) {
      return bad_answer(i, o.media, "proto " + a.proto + " does not match the offered " + o.proto);
    }
    if (!o.is_rtp()) return bad_answer(i, o.media, "proto " + o.proto + " is not RTP");
    for (std::uint8_t pt : a.payload_types()) {
      auto map = a.rtpmap(pt);
      if (!map) map = o.rtpmap(pt);  // liberal: same dynamic number as offered, rtpmap left out
      if (!map) return bad_answer(i, o.media, "payload type " + std::to_string(pt) + " has no a=rtpmap");
      auto offered_pt = o.find_codec(*map);
      if (!offered_pt) return bad_answer(i, o.media, "payload type " + describe(*map) + " was not offered");
      RtpMap send = *map;
      send.payload_type = we_offered ? pt : *offered_pt;  // the numbers the receiver chose
      if (!s.telephone_event_pt && iequals(send.encoding, "telephone-event")) s.telephone_event_pt = send.payload_type;
      s.codecs.push_back(std::move(send));
    }
    std::size_t first_real = s.codecs.size();
    for (std::size_t k = 0; k < s.codecs.size(); ++k) {
      if (!is_auxiliary_codec(s.codecs[k])) {
        first_real = k;
        break;
      }
    }
    if (s.codecs.empty()) return bad_answer(i, o.media, "accepts the stream with no payload type");
    if (first_real == s.codecs.size()) {
      if (offers_real_codec(o)) {
        return bad_answer(i, o.media, "accepts the stream with only telephone-event/CN, no codec");
      }
    } else {
      std::rotate(s.codecs.begin(), s.codecs.begin() + static_cast<std::ptrdiff_t>(first_real),
                  s.codecs.begin() + static_cast<std::ptrdiff_t>(first_real) + 1);
    }
    // Liberal: an answer that breaks section 6.1 (sendrecv to a sendonly offer) is narrowed, not refused.
    Direction offered = offer.media_direction(i);
    Direction answered = answer.media_direction(i);
    s.direction = we_offered ? intersect(offered, invert(answered)) : intersect(answered, invert(offered));
    const Connection* c = remote.media_connection(i);
    if (!c) return bad_answer(i, o.media, "no c= line");
    s.remote_address = c->address;
    const MediaDescription& rm = we_offered ? a : o;
    s.remote_port = rm.port;
    s.rtcp_mux = o.rtcp_mux() && a.rtcp_mux();
    if (auto r = rm.rtcp()) {
      s.remote_rtcp_port = r->port;
    } else {
      s.remote_rtcp_port = s.rtcp_mux ? rm.port : static_cast<std::uint16_t>(rm.port + 1);
    }
    s.remote_ptime = rm.ptime();
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace

bool offers_real_codec(const MediaDescription& o) {
  for (std::uint8_t pt : o.payload_types()) {
    auto map = o.rtpmap(pt);
    if (!map || !is_auxiliary_codec(*map)) return true;  // unknown dynamic types count as real
  }
  return false;
}

const RtpMap* primary_codec(const NegotiatedStream& s) noexcept {
  for (const RtpMap& c : s.codecs) {
    if (!is_auxiliary_codec(c)) return &c;
  }
  return nullptr;
}

bool is_auxiliary_codec(const RtpMap& m) noexcept {
  return iequals(m.encoding, "telephone-event") || iequals(m.encoding, "CN") || iequals(m.encoding, "red") ||
         iequals(m.encoding, "rtx") || iequals(m.encoding, "ulpfec") || iequals(m.encoding, "flexfec");
}

Result<std::vector<NegotiatedStream>> apply_answer(const SessionDescription& offer,
                                                   const SessionDescription& answer) {
  return negotiate(offer, answer, true);
}

Result<std::vector<NegotiatedStream>> answered_streams(const SessionDescription& offer,
                                                       const SessionDescription& answer) {
  return negotiate(offer, answer, false);
}

}  // namespace sotto::sdp
