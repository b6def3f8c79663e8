#pragma once
// UaEvent: what a UserAgent reports to the phone / B2BUA leg: registration outcomes, calls arriving,
// call state changes, negotiated media (with the SRTP policies to build contexts from) and INFO bodies.
//
//   while (auto ev = ua.poll_event())
//     if (ev->kind == UaEvent::Kind::media_ready) start_rtp(ev->call, *ev->media);   // tx/rx srtp::Policy
//     else if (ev->kind == UaEvent::Kind::call_state) log(to_string(ev->state), ev->status, ev->reason);

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/negotiation/secure_media.hpp"
#include "core/sdp/direction.hpp"
#include "core/sip/name_addr.hpp"
#include "core/srtp/policy.hpp"

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

// The audio stream after offer/answer: where to send, what, and how to key it. Holds key material in
// tx/rx: never log them (describe() in negotiation/secure_media.hpp is safe).
struct MediaInfo {
  std::string remote_address;
  std::uint16_t remote_port = 0;
  std::uint16_t remote_rtcp_port = 0;
  bool rtcp_mux = false;
  std::uint8_t payload_type = 0;      // the primary codec, numbered as the peer's SDP says
  std::string codec;                  // "PCMU"
  std::uint32_t clock_rate = 8000;
  std::optional<std::uint32_t> ptime;             // the peer's a=ptime
  std::optional<std::uint8_t> telephone_event_pt;  // RFC 4733, if negotiated
  sdp::Direction direction = sdp::Direction::sendrecv;  // ours: sendonly when we hold, recvonly when held
  bool srtp = false;                  // false: plain RTP (only SrtpMode off/offer allow that)
  std::string suite;                  // "AES_CM_128_HMAC_SHA1_80"; empty when plain
  srtp::Policy tx;                    // protect what we send
  srtp::Policy rx;                    // unprotect what we receive
  // Since the previous media event of this call: a changed key needs a new srtp::Context that
  // continue_from()s the old one; unchanged keeps the Context, ROC, SRTCP index and replay state
  // (RFC 4568 7.1.4). runtime::MediaLeg::update does exactly this.
  bool tx_key_changed = true;
  bool rx_key_changed = true;
  std::vector<std::string> warnings;  // from the negotiator, e.g. "media is plain RTP"
};

// The first accepted m-line of `media` as MediaInfo (its primary codec is the first non-auxiliary one);
// nullopt when every stream was rejected.
std::optional<MediaInfo> media_info(const std::vector<negotiation::SecureMedia>& media,
                                    const std::vector<std::string>& warnings);

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
  std::optional<MediaInfo> media;
  std::string content_type;  // info_received
  std::string body;
  std::optional<char> dtmf;  // info_received with application/dtmf-relay: '0'-'9', '*', '#', 'A'-'D'
};

}  // namespace sotto::ua
