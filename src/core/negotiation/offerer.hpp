#pragma once
// The offerer's side of SDES-keyed SRTP: offers with a=crypto lines chosen by policy, re-offers that
// keep keys unless asked to rekey, and an answer check that never falls open to plain RTP.
//
//   auto offer = make_offer(caps, policy, SignallingContext::tls());    // tags 1..n, fresh keys
//   auto done = apply_answer(offer->pending, *parse_sdp(body), policy);  // error = end the call
//   auto hold = make_reoffer(done->session, held_caps, policy, sig);     // keys and ROC continue

#include "base/result.hpp"
#include "core/negotiation/media_security_policy.hpp"
#include "core/negotiation/negotiated.hpp"
#include "core/negotiation/pending_offer.hpp"
#include "core/negotiation/signalling_context.hpp"
#include "core/sdp/capabilities.hpp"

namespace sotto::negotiation {

// An initial offer (RFC 3264 section 5, RFC 4568 section 7.1.1). Every RTP stream is offered as
// RTP/AVP (mode off, or mode offer over insecure signalling), RTP/SAVP (require; offer + savp) or
// RTP/AVP with a=crypto (offer + avp_with_crypto); the "F" feedback profiles follow caps.protos[0].
// With keys, each stream gets one a=crypto line per allowed suite, tags 1..n, each with a fresh key.
// Errors: Errc::invalid_state when SRTP is required but the signalling is not TLS and keys may not be
// sent in the clear; Errc::invalid_argument for a bad policy or capabilities (e.g. a non-RTP proto).
Result<Offer> make_offer(const sdp::LocalCapabilities& caps, const MediaSecurityPolicy& policy,
                         const SignallingContext& signalling);

// A re-offer in the session `previous` (RFC 3264 section 8; RFC 4568 section 7.1.4). Without rekey, a
// stream that has SRTP keeps exactly its a=crypto line (same tag, suite and key), so contexts, ROC and
// replay state continue; hold (caps direction sendonly/inactive) changes no key. With rekey, or when
// the old suite is no longer allowed, the stream is offered fresh keys for every allowed suite.
// o= continues previous.local_sdp, its version bumped only when something changed.
Result<Offer> make_reoffer(const NegotiatedSession& previous, const sdp::LocalCapabilities& caps,
                           const MediaSecurityPolicy& policy, const SignallingContext& signalling,
                           bool rekey = false);

// Checks the answer to our offer and says what each stream runs. Never fails open: an error (which
// should end the call, or the re-INVITE) names the m-line and the fault: an a=crypto tag we did not
// offer, a suite other than the one offered under that tag, several a=crypto lines, a key that does
// not parse or fit the suite, UNENCRYPTED_*/UNAUTHENTICATED_SRTP, a=crypto we did not ask for, an
// RTP/SAVP offer answered without a=crypto or with RTP/AVP, or any answer without SRTP in
// SrtpMode::require. Only an RTP/AVP offer (best effort or plain) may end up plain RTP, flagged
// srtp = false with a warning. RFC 3264 checks (codecs, m-line count) come from sdp::apply_answer.
Result<Negotiated> apply_answer(const PendingOffer& pending, const sdp::SessionDescription& answer,
                                const MediaSecurityPolicy& policy);

}  // namespace sotto::negotiation
