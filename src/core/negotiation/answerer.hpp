#pragma once
// The answerer's side of SDES-keyed SRTP: accept the first usable a=crypto line of each stream with a
// fresh key of our own (RFC 4568 section 7.1.2), or refuse the offer with 488 and a Warning saying why.
//
//   auto out = make_answer(*parse_sdp(body), caps, policy, SignallingContext::tls());
//   if (auto* a = std::get_if<Answer>(&*out)) reply_200(serialize(a->sdp));
//   else reply(std::get<Rejection>(*out));    // 488 + Warning: 305 sotto "..."

#include <string>
#include <variant>
#include <vector>

#include "base/result.hpp"
#include "core/negotiation/media_security_policy.hpp"
#include "core/negotiation/negotiated_session.hpp"
#include "core/negotiation/rejection.hpp"
#include "core/negotiation/secure_media.hpp"
#include "core/negotiation/signalling_context.hpp"
#include "core/sdp/capabilities.hpp"
#include "core/sdp/session_description.hpp"

namespace sotto::negotiation {

struct Answer {
  sdp::SessionDescription sdp{};        // to send; holds our keys
  std::vector<SecureMedia> media{};     // one per m-line
  NegotiatedSession session{};          // input to the next re-offer / re-answer
  std::vector<std::string> warnings{};  // e.g. "m-line 0 (audio): answering plain RTP: ..."
};

using AnswerOutcome = std::variant<Answer, Rejection>;

// Per offered m-line (docs/NEGOTIATION.md has the full table):
//   off:     RTP/AVP -> plain (a=crypto ignored); RTP/SAVP -> refused.
//   offer:   RTP/SAVP -> SRTP or refused; RTP/AVP with usable a=crypto -> SRTP; otherwise plain.
//   require: SRTP from either profile or refused.
// Keys that arrived over insecure signalling (not allowed by policy) are never used: refused, or
// plain for RTP/AVP in mode offer. A refused stream gets port 0; when no stream is left the outcome
// is a Rejection (488, Warning 305). Errors are ours: a bad policy or capabilities.
// The caps' protos say which profile family (AVP or AVPF) we run; both the plain and the SAVP form
// are accepted, and the decision above picks.
Result<AnswerOutcome> make_answer(const sdp::SessionDescription& offer, const sdp::LocalCapabilities& caps,
                                  const MediaSecurityPolicy& policy, const SignallingContext& signalling);

// Answering a re-offer in the session `previous` (RFC 4568 section 7.1.4). Per stream: when the peer
// chose a line with the same key as before, we keep ours too (echoing the new tag), so nothing
// restarts; when the peer's key changed, or the suite did, we answer with a fresh key as well, so
// both directions restart together and no context is left with a ROC the other side lost.
// o= continues previous.local_sdp.
Result<AnswerOutcome> make_answer(const sdp::SessionDescription& offer, const sdp::LocalCapabilities& caps,
                                  const MediaSecurityPolicy& policy, const SignallingContext& signalling,
                                  const NegotiatedSession& previous);

}  // namespace sotto::negotiation
