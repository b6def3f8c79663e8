#pragma once
// SrtpError: the outcome of protecting or unprotecting one packet. An ordinary value, never thrown:
// a failed tag is counted and the packet dropped.
//
//   auto r = rx.unprotect_rtp(buf, len);
//   if (!r) { if (r.error() == SrtpError::replay) ...; }
//   else    { len = *r; }

#include <cstdint>
#include <string_view>

namespace sotto::srtp {

enum class SrtpError : std::uint8_t {
  auth_failure,    // tag did not verify (tampered, wrong key, wrong ROC guess)
  replay,          // index already seen within the replay window
  too_old,         // index older than the replay window
  truncated,       // shorter than header + trailer, or header fields point past the end
  malformed,       // not RTP/RTCP version 2, bad CSRC/extension length
  unknown_mki,     // MKI matches no master key
  key_exhausted,   // master key lifetime reached: re-key (RFC 3711 section 9.2)
  no_room,         // outbound buffer lacks capacity for the trailer
  crypto_failure,  // the crypto library refused (internal error)
  wrong_direction, // protect on an inbound context or unprotect on an outbound one (API misuse)
};

std::string_view to_string(SrtpError e) noexcept;

}  // namespace sotto::srtp
