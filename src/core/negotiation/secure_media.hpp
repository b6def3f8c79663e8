#pragma once
// SecureMedia: what one m-line ended up with after offer/answer: SRTP (with a Policy per direction) or
// plain RTP, and whether either key changed since the last negotiation (re-INVITE).
//
//   for (const SecureMedia& m : answer.media) if (m.srtp && m.tx_key_changed)
//     tx = srtp::Context::create(srtp::Direction::outbound, m.tx).value();   // then tx.continue_from(old_tx)
//   log(describe(m));   // "m-line 0 (audio): SRTP AES_CM_128_HMAC_SHA1_80 tag 1, tx key new, rx key new"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/sdp/negotiated_stream.hpp"
#include "core/srtp/policy.hpp"

namespace sotto::negotiation {

struct SecureMedia {
  std::size_t index = 0;   // m-line
  bool rejected = false;   // port 0 on either side: no media, nothing below is meaningful
  // True: media is SRTP with tx/rx below. False on an accepted stream: plain RTP, which only
  // SrtpMode::off and SrtpMode::offer ever produce.
  bool srtp = false;
  std::string suite{};     // RFC name of the negotiated suite; empty when plain
  std::uint32_t tag = 0;   // the a=crypto tag both sides used (RFC 4568 section 7.1.2)
  srtp::Policy tx{};       // our key: protect what we send (srtp::Direction::outbound)
  srtp::Policy rx{};       // the peer's key: unprotect what we receive (srtp::Direction::inbound)
  // Against the previous negotiation of this m-line (always true the first time, and when it was
  // plain or rejected before): a changed key needs a new Context that continues the old one's indexes
  // (srtp::Context::continue_from, RFC 4568 section 7.1.4). Unchanged: keep the existing Context, its
  // ROC, SRTCP index and replay state (a new outbound Context on the same key is refused anyway).
  bool tx_key_changed = false;
  bool rx_key_changed = false;
  sdp::NegotiatedStream stream{};  // codecs, remote address/ports, direction (core/sdp)
};

// One line for logs: suite, tag, key lengths and change flags, never key material.
std::string describe(const SecureMedia& m);

// The first m-line that carries media (neither side rejected it); nullopt when every one was rejected.
// This one value is what a call's media is started and updated from (ua::UaEvent::media).
std::optional<SecureMedia> first_accepted(const std::vector<SecureMedia>& media);

}  // namespace sotto::negotiation
