#pragma once
// UaEvent: what a UserAgent reports to the phone / B2BUA leg: registration outcomes, calls arriving,
// call state changes, negotiated media (with the SRTP policies to build contexts from) and INFO bodies.
//
//   while (auto ev = ua.poll_event())
//     if (ev->kind == UaEvent::Kind::media_ready) start_rtp(ev->call, *ev->media);   // negotiation::SecureMedia
//     else if (ev->kind == UaEvent::Kind::call_state) log(to_string(ev->state), ev->status, ev->reason);

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/negotiation/secure_media.hpp"
#include "core/sdp/direction.hpp"
#include "core/sip/name_addr.hpp"

namespace sotto::ua {

// A UserAgent-local handle for one call (not the SIP Call-ID). 0 is never used.
using CallHandle = std::uint64_t;

enum class CallState : std::uint8_t {
  progress,     // 1xx other than 100 / 180 (e.g. 183)
  ringing,      // 180 received (outgoing) or sent (incoming)
  established,  // 2xx + ACK
  terminated,   // ended normally: BYE either way, CANCEL (487), no ACK
  failed,       // never got going or media could not be secured: status, reason, warning say why
};
std::string_view to_string(CallState s) noexcept;

struct UaEvent {
  enum class Kind : std::uint8_t {
    registered,           // expires: seconds granted by the registrar
    unregistered,         // our binding was removed (Expires: 0 answered 2xx)
    registration_failed,  // status, reason (and warning); no automatic retry
    incoming_call,        // call, from, secure (the INVITE came over TLS)
    call_state,           // call, state, status, reason, warning
    media_ready,          // call, media: first negotiated media of the call
    media_updated,        // call, media: after a re-INVITE (hold/resume, either side)
    reinvite_failed,      // call, status, reason: our re-INVITE was refused; the call goes on as before
    info_received,        // call, content_type, body; dtmf when application/dtmf-relay
    // Our blind transfer (UserAgent::transfer, RFC 3515): status and reason of the REFER's 2xx or of a
    // NOTIFY's message/sipfrag ("100 Trying"); then exactly one of succeeded (a 2xx sipfrag: the target
    // answered) or failed (REFER refused, a >= 300 sipfrag, subscription ended without one, or no final
    // NOTIFY within TransferOptions::timeout). The call itself goes on either way: the transferor ends it.
    transfer_progress,
    transfer_succeeded,
    transfer_failed,
  };
  Kind kind = Kind::call_state;
  CallHandle call = 0;
  CallState state = CallState::progress;
  int status = 0;
  std::string reason;   // reason phrase, or our own explanation (e.g. why an SRTP answer was refused)
  std::string warning;  // the warn-text of a Warning header, unquoted
  std::uint32_t expires = 0;
  std::optional<std::uint32_t> flow_timer;  // registered: the registrar's Flow-Timer (RFC 5626 5.4), seconds
  sip::NameAddr from;   // incoming_call
  bool secure = false;  // incoming_call: received over TLS
  // media_ready / media_updated: the negotiated audio stream, as the negotiator gave it (codecs, remote
  // address and ports, direction in `stream`; SRTP policies and key-change flags). Holds key material
  // in tx/rx: never log it (negotiation::describe is safe). A changed key needs a new srtp::Context
  // that continue_from()s the old one; unchanged keeps the Context (RFC 4568 7.1.4): runtime::MediaLeg
  // does exactly this.
  std::optional<negotiation::SecureMedia> media;
  std::vector<std::string> media_warnings;  // from the negotiator, e.g. "media is plain RTP"
  std::string content_type;  // info_received
  std::string body;
  std::optional<char> dtmf;  // info_received with application/dtmf-relay: '0'-'9', '*', '#', 'A'-'D'
};

}  // namespace sotto::ua
