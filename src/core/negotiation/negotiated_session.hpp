#pragma once
// NegotiatedSession: the keys and our last SDP after an offer/answer exchange, the input to the next
// one (re-INVITE, hold, rekey; RFC 4568 section 7.1.4). Holds key material: never log it.
//
//   auto done = apply_answer(pending, answer_sdp, policy);            // or make_answer(...).session
//   auto hold = make_reoffer(done->session, held_caps, policy, sig);  // same keys, same tags
//   auto rekey = make_reoffer(done->session, caps, policy, sig, /*rekey=*/true);

#include <optional>
#include <vector>

#include "core/sdes/crypto_attribute.hpp"
#include "core/sdp/session_description.hpp"

namespace sotto::negotiation {

// The a=crypto lines in force on one m-line; nullopt for plain RTP or a rejected stream.
struct StreamKeys {
  std::optional<sdes::CryptoAttribute> local{};   // ours, as last sent: protects what we send
  std::optional<sdes::CryptoAttribute> remote{};  // the peer's, as last accepted: what we receive
};

struct NegotiatedSession {
  sdp::SessionDescription local_sdp{};  // our last SDP (offer or answer): re-offers continue its o=
  std::vector<StreamKeys> streams{};    // one per m-line of local_sdp
};

// Same key material and parameters (suite, key-salt, lifetime, MKI, session parameters); the tag
// may differ (a kept key answers a re-offer under the offerer's new tag).
bool same_key(const sdes::CryptoAttribute& a, const sdes::CryptoAttribute& b);
bool same_key(const std::optional<sdes::CryptoAttribute>& a, const std::optional<sdes::CryptoAttribute>& b);

}  // namespace sotto::negotiation
