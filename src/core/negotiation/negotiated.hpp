#pragma once
// Negotiated: the offerer's view after apply_answer: per m-line SRTP policies or plain RTP, the state
// for the next re-INVITE, and warnings for the user (never key material).
//
//   auto n = apply_answer(offer->pending, answer_sdp, policy);
//   if (!n) return hang_up(n.error().message());   // never fall back to plain RTP on an error
//   for (const SecureMedia& m : n->media) start_media(m);

#include <string>
#include <vector>

#include "core/negotiation/negotiated_session.hpp"
#include "core/negotiation/secure_media.hpp"

namespace sotto::negotiation {

struct Negotiated {
  std::vector<SecureMedia> media{};     // one per m-line
  NegotiatedSession session{};          // input to make_reoffer / make_answer(..., previous)
  std::vector<std::string> warnings{};  // e.g. "m-line 0 (audio): the answer declined SRTP ..."
};

}  // namespace sotto::negotiation
