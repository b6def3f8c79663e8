// apply_answer: the offerer's check of an SDES answer (RFC 4568 section 7.1.2, 7.1.3). Never fails
// open: anything but a correct answer to what we offered is an error, never plain RTP.
#include <algorithm>

#include "core/negotiation/detail.hpp"
#include "core/negotiation/offerer.hpp"
#include "core/sdp/offer_answer.hpp"

namespace sotto::negotiation {
namespace {

Unexpected<Error> bad(Errc code, std::size_t i, const std::string& media, const std::string& what) {
  return fail(code, "SRTP answer " + detail::where(i, media) + ": " + what);
}

std::string tag_list(const std::vector<sdes::CryptoAttribute>& lines) {
  std::string s;
  for (const auto& l : lines) s += (s.empty() ? "" : ", ") + std::to_string(l.tag);
  return s;
}

// One m-line where we offered keys and the answer accepted the stream. Fills `out` and `keys`, or
// returns an error naming the fault.
Status check_stream(std::size_t i, const sdp::MediaDescription& o, const sdp::MediaDescription& a,
                    const OfferedStream& offered, SrtpMode mode, const MediaSecurityPolicy& policy, SecureMedia& out, StreamKeys& keys,
                    std::vector<std::string>& warnings) {
  const std::string& media = o.media;
  const auto values = a.crypto_values();
  auto profile = detail::classify_proto(a.proto);
  if (profile && profile->secure != offered.savp) {
    if (offered.savp) {
      return bad(Errc::malformed_input, i, media, "answered " + a.proto + " to our " + o.proto +
                                                      " offer: the peer would send plain RTP");
    }
    return bad(Errc::malformed_input, i, media, "answered " + a.proto + " to our " + o.proto +
                                                    " offer (RFC 3264 section 6: the answer keeps the offered proto)");
  }
  if (values.empty()) {
    if (offered.savp) {
      return bad(Errc::malformed_input, i, media, a.proto + " answer without a=crypto, so the media would not be keyed "
                                                            "(RFC 4568 section 7.1.2 needs exactly one)");
    }
    if (mode == SrtpMode::require) {
      return bad(Errc::unsupported, i, media, "the answer declined SRTP (" + a.proto + " without a=crypto) and SRTP is required");
    }
    warnings.push_back(detail::where(i, media) + ": the answer declined SRTP (" + a.proto +
                       " without a=crypto): media is plain RTP, not encrypted");
    return {};  // plain, flagged srtp = false
  }
  if (values.size() > 1) {
    return bad(Errc::malformed_input, i, media, "the answer has " + std::to_string(values.size()) +
                                                    " a=crypto lines; RFC 4568 section 7.1.2 allows exactly one");
  }
  auto attr = sdes::parse_crypto_attribute(values.front());
  if (!attr) return bad(Errc::malformed_input, i, media, "unusable a=crypto: " + attr.error().context);
  auto ours = std::find_if(offered.crypto.begin(), offered.crypto.end(),
                           [&](const sdes::CryptoAttribute& c) { return c.tag == attr->tag; });
  if (ours == offered.crypto.end()) {
    return bad(Errc::malformed_input, i, media, "a=crypto tag " + std::to_string(attr->tag) +
                                                    " was not in our offer (we offered tags " + tag_list(offered.crypto) + ")");
  }
  if (attr->suite != ours->suite) {
    const std::string answered = attr->suite ? std::string(attr->suite->name) : detail::suite_label(attr->suite_name);
    return bad(Errc::malformed_input, i, media, "a=crypto tag " + std::to_string(attr->tag) + " names " + answered +
                                                    ", but our offer's tag " + std::to_string(ours->tag) + " was " +
                                                    ours->suite_name + " (RFC 4568 section 7.1.2: same suite)");
  }
  if (auto weak = detail::weakening_param(attr->params)) {
    return bad(Errc::malformed_input, i, media, "a=crypto tag " + std::to_string(attr->tag) + " asks for " +
                                                    std::string(*weak) + ", which we did not offer");
  }
  if (auto kdr = kdr_refusal(policy, attr->params)) {
    return bad(Errc::unsupported, i, media, "a=crypto tag " + std::to_string(attr->tag) + ": " + *kdr);
  }
  auto m = detail::srtp_media(i, *ours, *attr);
  if (!m) return bad(Errc::malformed_input, i, media, "unusable a=crypto: " + m.error().context);
  out = std::move(*m);
  keys.local = *ours;
  keys.remote = std::move(*attr);
  return {};
}

}  // namespace

Result<Negotiated> apply_answer(const PendingOffer& pending, const sdp::SessionDescription& answer,
                                const MediaSecurityPolicy& policy) {
  const sdp::SessionDescription& offer = pending.sdp;
  if (answer.media.size() != offer.media.size() || pending.streams.size() != offer.media.size()) {
    auto streams = sdp::apply_answer(offer, answer);  // names the m-line count mismatch
    if (!streams) return Unexpected(streams.error());
    return fail(Errc::invalid_argument, "pending offer: streams do not match its SDP");
  }
  // The stricter of the two modes: a policy tightened while the offer was out still applies.
  const SrtpMode mode = (pending.mode == SrtpMode::require || policy.mode == SrtpMode::require) ? SrtpMode::require
                                                                                                : pending.mode;
  Negotiated out;
  out.session.streams.resize(offer.media.size());
  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    const sdp::MediaDescription& o = offer.media[i];
    const sdp::MediaDescription& a = answer.media[i];
    const OfferedStream& offered = pending.streams[i];
    SecureMedia m;
    m.index = i;
    if (o.rejected() || a.rejected()) {
      m.rejected = true;  // sdp::apply_answer checks the rest (accepting a disabled stream, ...)
    } else if (offered.crypto.empty()) {
      if (!a.crypto_values().empty()) {
        return bad(Errc::malformed_input, i, o.media, "a=crypto in the answer, but we offered no keys on this m-line");
      }
      if (mode == SrtpMode::require && o.is_rtp()) {
        return bad(Errc::invalid_state, i, o.media, "offered without keys, but SRTP is required");
      }
    } else {
      StreamKeys& keys = out.session.streams[i];
      if (auto st = check_stream(i, o, a, offered, mode, policy, m, keys, out.warnings); !st) return Unexpected(st.error());
      if (m.srtp) {
        const StreamKeys* prev = pending.previous && i < pending.previous->streams.size()
                                     ? &pending.previous->streams[i] : nullptr;
        m.tx_key_changed = !prev || !same_key(prev->local, keys.local);
        m.rx_key_changed = !prev || !same_key(prev->remote, keys.remote);
      }
    }
    out.media.push_back(std::move(m));
  }
  auto streams = sdp::apply_answer(offer, answer);
  if (!streams) return Unexpected(streams.error());
  for (std::size_t i = 0; i < out.media.size(); ++i) {
    out.media[i].stream = (*streams)[i];
    if ((*streams)[i].rejected) out.media[i].rejected = true;
  }
  out.session.local_sdp = offer;
  return out;
}

}  // namespace sotto::negotiation
