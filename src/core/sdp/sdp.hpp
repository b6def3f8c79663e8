#pragma once
// parse_sdp / serialize: SDP text <-> SessionDescription (RFC 4566), liberal in, canonical out.
//
//   Result<SessionDescription> sdp = parse_sdp(body);   // CRLF or bare LF; errors name the line
//   if (!sdp) return reply_488(sdp.error().message());  // "malformed input: line 4: c= ..."
//   std::string wire = serialize(*sdp);                 // v o s i u e p c b t r z k a, then m sections

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "core/sdp/session_description.hpp"

namespace sotto::sdp {

// Bounds on untrusted input; exceeding one gives Errc::limit_exceeded.
struct ParseLimits {
  std::size_t max_bytes = 64 * 1024;  // a SIP body; real offers are 300..3000 bytes
  std::size_t max_lines = 2048;
  std::size_t max_media = 64;  // m= sections
};

Result<SessionDescription> parse_sdp(std::string_view text, const ParseLimits& limits = {});

// Canonical RFC 4566 order with CRLF line ends. Attributes and free-text fields are written as stored.
std::string serialize(const SessionDescription& sdp);

}  // namespace sotto::sdp
