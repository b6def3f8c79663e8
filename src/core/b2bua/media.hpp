#pragma once
// The B2BUA's media plumbing between the two legs: capabilities for leg B's offer taken from the
// caller's offer (same codecs and payload numbers, telephone-event kept: the relay does not transcode,
// RFC 4733 events pass through), capabilities for the caller's answer limited to what the callee
// accepted, and the relay's LegMedia from a negotiated stream.
//
//   auto caps = offer_caps(anchor.local(r, Side::b), sid, &caller_offer, cfg.late_offer_codecs);
//   auto answer_caps = answer_caps(anchor.local(r, Side::a), sid, caller_offer, callee_media.stream);
//   anchor.set_leg(now, r, Side::b, leg_media(callee_media, callee_session));

#include <optional>
#include <string>
#include <vector>

#include "core/negotiation/negotiated_session.hpp"
#include "core/negotiation/secure_media.hpp"
#include "core/relay/anchor.hpp"
#include "core/sdp/capabilities.hpp"
#include "core/sdp/session_description.hpp"

namespace sotto::b2bua {

// The first RTP audio m-line that is not disabled; nullopt when there is none.
std::optional<std::size_t> first_audio(const sdp::SessionDescription& sdp);
// The codecs of an m-line with their payload numbers and fmtp (unmapped dynamic types skipped).
std::vector<sdp::CodecCapability> codecs_of(const sdp::MediaDescription& m);

// One audio stream on `addr`: the codecs of `offer`'s first audio m-line (else `fallback`), in
// `direction`.
sdp::LocalCapabilities offer_caps(const relay::AnchorAddress& addr, const std::string& session_id,
                                  const sdp::SessionDescription* offer,
                                  const std::vector<sdp::CodecCapability>& fallback,
                                  sdp::Direction direction = sdp::Direction::sendrecv);
// One audio stream on `addr` with the codecs of `codecs` that `accepted` (the other leg's negotiated
// stream) kept, in `direction`.
sdp::LocalCapabilities answer_caps(const relay::AnchorAddress& addr, const std::string& session_id,
                                   const std::vector<sdp::CodecCapability>& codecs,
                                   const sdp::NegotiatedStream& accepted, sdp::Direction direction);

// What the relay needs of one leg after an offer/answer: the peer's address and the keys in force.
relay::LegMedia leg_media(const negotiation::SecureMedia& m, const negotiation::NegotiatedSession& s);

}  // namespace sotto::b2bua
