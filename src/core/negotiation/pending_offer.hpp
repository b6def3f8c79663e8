#pragma once
// PendingOffer: an offer we sent and are waiting to see answered: the SDP and the a=crypto lines we
// generated per m-line, with their keys (one of which becomes our outbound key). Never log it.
//
//   auto offer = make_offer(caps, policy, SignallingContext::tls());
//   send_invite(serialize(offer->sdp));                  // keep offer->pending until the answer
//   auto media = apply_answer(offer->pending, *parse_sdp(answer_body), policy);

#include <optional>
#include <string>
#include <vector>

#include "core/negotiation/media_security_policy.hpp"
#include "core/negotiation/negotiated_session.hpp"
#include "core/sdes/crypto_attribute.hpp"
#include "core/sdp/session_description.hpp"

namespace sotto::negotiation {

struct OfferedStream {
  // Our a=crypto lines on this m-line in offer order (tags 1..n for a fresh offer). Empty: no keys
  // offered (plain RTP/AVP, a port 0 stream, or a non-RTP proto).
  std::vector<sdes::CryptoAttribute> crypto{};
  bool savp = false;  // offered RTP/SAVP(F): the answer must be SRTP or the stream fails
};

struct PendingOffer {
  sdp::SessionDescription sdp{};       // exactly what was offered
  std::vector<OfferedStream> streams{};  // one per m-line of sdp
  SrtpMode mode = SrtpMode::require;     // the mode the offer was made under
  // The negotiation this offer continues (re-INVITE), so apply_answer can say which keys changed.
  std::optional<NegotiatedSession> previous{};
};

// The offer to send: SDP, what to keep for apply_answer, and warnings for the user (e.g. "SDES keys
// not offered: signalling over UDP ..."); never key material.
struct Offer {
  sdp::SessionDescription sdp{};
  PendingOffer pending{};
  std::vector<std::string> warnings{};
};

}  // namespace sotto::negotiation
