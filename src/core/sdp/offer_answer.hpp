#pragma once
// RFC 3264 offer/answer over SessionDescription, without keys (the SDES negotiator adds a=crypto).
//
//   auto offer = build_offer(caps);                    // we call: o=, c=, one m= per caps.media
//   auto streams = apply_answer(*offer, *parse_sdp(body));   // checks the answer, says what to send
//   auto answer = build_answer(*parse_sdp(body), caps);      // we are called: port 0 for what we lack

#include <vector>

#include "base/result.hpp"
#include "core/sdp/capabilities.hpp"
#include "core/sdp/negotiated_stream.hpp"
#include "core/sdp/session_description.hpp"

namespace sotto::sdp {

// An initial offer. Errc::invalid_argument for capabilities we cannot express (no address, no codecs,
// payload type > 127 or used twice, more than 32 dynamic codecs in one stream).
Result<SessionDescription> build_offer(const LocalCapabilities& local);

// A later offer in the same session (RFC 3264 section 8): keeps o= username/sess-id of `previous`
// (our last SDP, offer or answer), bumps sess-version when anything changed, keeps every previous
// m-line (those beyond local.media are offered with port 0) and reuses its dynamic payload numbers.
// Hold = set MediaCapabilities::direction to sendonly (or inactive) and re-offer.
Result<SessionDescription> build_reoffer(const SessionDescription& previous, const LocalCapabilities& local);

// The answer to `offer` (RFC 3264 section 6): one m-line per offered m-line, in order. A stream we
// cannot run (no capability for its media/proto, no common codec, offered with port 0) gets port 0.
// Codecs: the intersection by encoding/rate/channels, in the offer's order, with the offer's payload
// type numbers. Direction: the offer's inverted, intersected with ours. Errc::unsupported when no
// stream at all could be accepted (send 488); the context lists each stream's reason.
Result<SessionDescription> build_answer(const SessionDescription& offer, const LocalCapabilities& local);

// Offerer side: checks `answer` against our `offer` (same m-line count and media, same proto, every
// answered codec was offered, at least one real codec per accepted stream) and returns what to do
// per stream. Errc::malformed_input names the m-line and what was wrong.
Result<std::vector<NegotiatedStream>> apply_answer(const SessionDescription& offer,
                                                   const SessionDescription& answer);

// Answerer side: the same view for an answer we built (remote address and send numbering come from
// the offer).
Result<std::vector<NegotiatedStream>> answered_streams(const SessionDescription& offer,
                                                       const SessionDescription& answer);

// True when the m= section lists a format that is not telephone-event/CN/red/... (or an unmapped one):
// such a stream needs a real codec in common to be accepted.
bool offers_real_codec(const MediaDescription& m);

// RFC 3264 section 8: `next` continues the session of `previous` (our last SDP): same username and
// sess-id; sess-version stays when nothing else changed, else previous + 1.
void continue_origin(const SessionDescription& previous, SessionDescription& next);

}  // namespace sotto::sdp
