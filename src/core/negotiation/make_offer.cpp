// make_offer / make_reoffer: our SDP offers with a=crypto per policy (RFC 4568 sections 7.1.1, 7.1.4).
#include "core/negotiation/detail.hpp"
#include "core/negotiation/offerer.hpp"
#include "core/sdp/offer_answer.hpp"

namespace sotto::negotiation {
namespace {

struct StreamPlan {
  bool keys = false;  // a=crypto lines on this m-line
  bool savp = false;  // offered as RTP/SAVP(F)
};

Result<Offer> build(const NegotiatedSession* previous, const sdp::LocalCapabilities& caps,
                    const MediaSecurityPolicy& policy, const SignallingContext& signalling, bool rekey) {
  if (auto st = validate(policy); !st) return Unexpected(st.error());
  Offer out;
  bool with_keys = policy.mode != SrtpMode::off;
  if (with_keys && !detail::keys_allowed(policy, signalling)) {
    // RFC 4568 section 8.3: SDES is only as secret as the signalling that carries it.
    if (policy.mode == SrtpMode::require) return fail(Errc::invalid_state, detail::keys_would_be_cleartext(signalling));
    out.warnings.push_back("SRTP not offered, media will be plain RTP: " + detail::keys_would_be_cleartext(signalling));
    with_keys = false;
  } else if (with_keys && !signalling.secure) {
    out.warnings.push_back("SDES keys sent in cleartext over " + signalling.transport +
                           " (allowed by --allow-sdes-over-insecure-transport): anyone on the path can decrypt the media");
  }
  const bool savp = with_keys && (policy.mode == SrtpMode::require || policy.offer_profile == OfferProfile::savp);

  sdp::LocalCapabilities local = caps;
  std::vector<StreamPlan> plans;
  for (std::size_t i = 0; i < local.media.size(); ++i) {
    sdp::MediaCapabilities& m = local.media[i];
    if (m.protos.empty()) return fail(Errc::invalid_argument, "capabilities media " + std::to_string(i) + ": no proto");
    auto profile = detail::classify_proto(m.protos.front());
    if (!profile) {
      return fail(Errc::invalid_argument, "capabilities media " + std::to_string(i) + ": proto " + m.protos.front() +
                                              " is not RTP/AVP, RTP/SAVP, RTP/AVPF or RTP/SAVPF; only SDES-keyed RTP is negotiated here");
    }
    m.protos = {detail::proto_name({savp, profile->feedback})};
    plans.push_back({with_keys && m.port != 0, savp});
  }
  auto sdp = previous ? sdp::build_reoffer(previous->local_sdp, local) : sdp::build_offer(local);
  if (!sdp) return Unexpected(sdp.error());

  out.pending.streams.resize(sdp->media.size());
  for (std::size_t i = 0; i < plans.size(); ++i) {
    OfferedStream& stream = out.pending.streams[i];
    stream.savp = plans[i].savp;
    if (!plans[i].keys) continue;
    const StreamKeys* old = previous && i < previous->streams.size() ? &previous->streams[i] : nullptr;
    if (!rekey && old && old->local && old->local->suite && allows(policy, old->local->suite->id)) {
      stream.crypto.push_back(*old->local);  // same tag, suite and key: the SRTP context continues
    } else {
      for (std::size_t k = 0; k < policy.suites.size(); ++k) {
        auto attr = detail::fresh_key(static_cast<std::uint32_t>(k + 1), policy.suites[k], policy);
        if (!attr) return Unexpected(attr.error());
        stream.crypto.push_back(std::move(*attr));
      }
    }
    for (const auto& attr : stream.crypto) detail::add_crypto(sdp->media[i], attr);
  }
  // The a=crypto lines were added after build_reoffer compared: decide the o= version again.
  if (previous) sdp::continue_origin(previous->local_sdp, *sdp);

  out.sdp = *sdp;
  out.pending.sdp = std::move(*sdp);
  out.pending.mode = policy.mode;
  if (previous) out.pending.previous = *previous;
  return out;
}

}  // namespace

Result<Offer> make_offer(const sdp::LocalCapabilities& caps, const MediaSecurityPolicy& policy,
                         const SignallingContext& signalling) {
  return build(nullptr, caps, policy, signalling, false);
}

Result<Offer> make_reoffer(const NegotiatedSession& previous, const sdp::LocalCapabilities& caps,
                           const MediaSecurityPolicy& policy, const SignallingContext& signalling, bool rekey) {
  return build(&previous, caps, policy, signalling, rekey);
}

}  // namespace sotto::negotiation
