// make_answer: the answerer's decision per offered m-line (docs/NEGOTIATION.md), then RFC 3264
// build_answer and one a=crypto line with our own key per SRTP stream (RFC 4568 section 7.1.2).
#include "core/negotiation/answerer.hpp"
#include "core/negotiation/crypto_pick.hpp"
#include "core/negotiation/detail.hpp"
#include "core/sdp/offer_answer.hpp"

namespace sotto::negotiation {
namespace {

enum class Verdict { pass, srtp, plain, refuse };

struct Decision {
  Verdict verdict = Verdict::pass;
  std::optional<sdes::CryptoAttribute> remote{};  // srtp: the offered line we accept
  std::string reason{};                            // refuse: why; plain: a warning, if any
};

Decision refuse(std::string why) { return {Verdict::refuse, std::nullopt, std::move(why)}; }
Decision plain(std::string warning = {}) { return {Verdict::plain, std::nullopt, std::move(warning)}; }

Decision decide(const sdp::MediaDescription& o, const MediaSecurityPolicy& policy, const SignallingContext& sig) {
  if (o.rejected()) return {};
  auto profile = detail::classify_proto(o.proto);
  if (!profile) {
    return refuse("proto " + o.proto + " is not supported; SRTP is negotiated with SDES over RTP/SAVP or RTP/SAVPF only");
  }
  const auto values = o.crypto_values();
  const std::string lines = std::to_string(values.size()) + " a=crypto line" + (values.size() == 1 ? "" : "s");
  if (policy.mode == SrtpMode::off) {
    if (profile->secure) return refuse("SRTP offered (" + o.proto + ") but disabled here (SRTP mode off)");
    if (!values.empty()) return plain("ignored " + lines + ": SRTP is disabled here; answering plain RTP");
    return plain();
  }
  if (values.empty()) {
    if (profile->secure) {
      return refuse(o.proto + " offered without a=crypto; SDES (RFC 4568) is the only SRTP keying supported here");
    }
    if (policy.mode == SrtpMode::require) return refuse("SRTP required but not offered: " + o.proto + " without a=crypto");
    return plain();
  }
  if (!detail::keys_allowed(policy, sig)) {
    if (profile->secure || policy.mode == SrtpMode::require) return refuse(detail::keys_arrived_cleartext(sig));
    return plain("ignored " + lines + ": " + detail::keys_arrived_cleartext(sig) + "; answering plain RTP");
  }
  CryptoPick pick = pick_offered_crypto(values, policy);
  if (pick.chosen) return {Verdict::srtp, std::move(pick.chosen), {}};
  if (profile->secure || policy.mode == SrtpMode::require) return refuse(pick.failure);
  return plain(pick.failure + "; answering plain RTP (the offer was best-effort " + o.proto + ")");
}

// One reason per refused m-line; without the m-line prefix when the offer had only one.
std::string compose(const std::vector<std::string>& reasons) {
  std::string out;
  for (std::size_t i = 0; i < reasons.size(); ++i) out += (i ? "; " : "") + reasons[i];
  return out;
}

// The caps' RTP profiles in both forms (AVP and SAVP): the decision above, not the proto list, says
// which the offer gets.
sdp::LocalCapabilities accept_both_forms(const sdp::LocalCapabilities& caps) {
  sdp::LocalCapabilities local = caps;
  for (auto& m : local.media) {
    std::vector<std::string> protos;
    auto add = [&](std::string p) {
      for (const auto& have : protos) if (have == p) return;
      protos.push_back(std::move(p));
    };
    for (const auto& p : m.protos) {
      if (auto profile = detail::classify_proto(p)) {
        add(detail::proto_name({false, profile->feedback}));
        add(detail::proto_name({true, profile->feedback}));
      } else {
        add(p);
      }
    }
    m.protos = std::move(protos);
  }
  return local;
}

Result<AnswerOutcome> answer(const sdp::SessionDescription& offer, const sdp::LocalCapabilities& caps,
                             const MediaSecurityPolicy& policy, const SignallingContext& sig,
                             const NegotiatedSession* previous) {
  if (auto st = validate(policy); !st) return Unexpected(st.error());
  const bool prefix = offer.media.size() > 1;
  sdp::SessionDescription filtered = offer;
  std::vector<Decision> decisions;
  std::vector<std::string> refusals;
  bool any_left = false;
  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    decisions.push_back(decide(offer.media[i], policy, sig));
    if (decisions.back().verdict == Verdict::refuse) {
      refusals.push_back(prefix ? detail::where(i, offer.media[i].media) + ": " + decisions.back().reason
                                : decisions.back().reason);
      filtered.media[i].port = 0;  // build_answer rejects it like any disabled stream
    } else if (!offer.media[i].rejected()) {
      any_left = true;
    }
  }
  if (!any_left && !refusals.empty()) return AnswerOutcome{reject_offer(compose(refusals))};

  auto built = sdp::build_answer(filtered, accept_both_forms(caps));
  if (!built) {
    if (built.error().code != Errc::unsupported) return Unexpected(built.error());
    refusals.push_back(built.error().context);  // "no acceptable media stream: m-line 0 (...): no codec in common"
    return AnswerOutcome{reject_offer(compose(refusals))};
  }
  Answer out;
  // Refusals alongside an Answer only happen with several m-lines, so each already names its m-line.
  for (const auto& r : refusals) out.warnings.push_back("refused " + r);
  out.session.streams.resize(offer.media.size());
  for (std::size_t i = 0; i < offer.media.size(); ++i) {
    const Decision& d = decisions[i];
    SecureMedia m;
    m.index = i;
    if (built->media[i].rejected()) {
      m.rejected = true;
    } else if (d.verdict == Verdict::srtp) {
      const sdes::CryptoAttribute& remote = *d.remote;
      const StreamKeys* prev = previous && i < previous->streams.size() ? &previous->streams[i] : nullptr;
      sdes::CryptoAttribute local;
      if (prev && prev->local && same_key(prev->remote, remote) && prev->local->suite == remote.suite) {
        local = *prev->local;  // RFC 4568 section 7.1.4: the peer kept its key, we keep ours
        local.tag = remote.tag;
      } else {
        auto fresh = detail::fresh_key(remote.tag, remote.suite->id, policy);
        if (!fresh) return Unexpected(fresh.error());
        local = std::move(*fresh);
      }
      detail::add_crypto(built->media[i], local);
      auto sm = detail::srtp_media(i, local, remote);
      if (!sm) return Unexpected(sm.error());  // pick_offered_crypto checked to_policy: not reached
      m = std::move(*sm);
      m.tx_key_changed = !prev || !same_key(prev->local, local);
      m.rx_key_changed = !prev || !same_key(prev->remote, remote);
      out.session.streams[i] = StreamKeys{std::move(local), remote};
    } else if (d.verdict == Verdict::plain && !d.reason.empty()) {
      out.warnings.push_back(detail::where(i, offer.media[i].media) + ": " + d.reason);
    }
    out.media.push_back(std::move(m));
  }
  if (previous) sdp::continue_origin(previous->local_sdp, *built);
  auto streams = sdp::answered_streams(filtered, *built);
  if (!streams) return Unexpected(streams.error());
  for (std::size_t i = 0; i < out.media.size(); ++i) out.media[i].stream = (*streams)[i];
  out.session.local_sdp = *built;
  out.sdp = std::move(*built);
  return AnswerOutcome{std::move(out)};
}

}  // namespace

Result<AnswerOutcome> make_answer(const sdp::SessionDescription& offer, const sdp::LocalCapabilities& caps,
                                  const MediaSecurityPolicy& policy, const SignallingContext& signalling) {
  return answer(offer, caps, policy, signalling, nullptr);
}

Result<AnswerOutcome> make_answer(const sdp::SessionDescription& offer, const sdp::LocalCapabilities& caps,
                                  const MediaSecurityPolicy& policy, const SignallingContext& signalling,
                                  const NegotiatedSession& previous) {
  return answer(offer, caps, policy, signalling, &previous);
}

}  // namespace sotto::negotiation
