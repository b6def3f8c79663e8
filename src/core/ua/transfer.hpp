#pragma once
// Transfer: the transferor's side of a blind transfer (RFC 3515 REFER, RFC 5589 4): the REFER in the
// call's dialog and the implicit "refer" subscription whose NOTIFYs carry message/sipfrag progress.
// Plain data and two small parsers; the transitions live in UserAgent (user_agent_transfer.cpp).
//
//   auto st = parse_sipfrag_status("SIP/2.0 200 OK\r\n");   // {200, "OK"}
//   bool ours = is_refer_event("refer;id=93809824");        // RFC 3515 2.4.6: "refer", optional id
//   ua.transfer(now, call, *sip::parse_uri("sips:carol@example.com"));   // then UaEvent::Kind::transfer_*

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "base/time.hpp"
#include "core/sip/uri.hpp"

namespace sotto::ua {

// The status line at the start of a message/sipfrag body (RFC 3420): "SIP/2.0 SP 3DIGIT SP reason".
// Peers differ on the line end: baresip 1.0 sends the line without CRLF, which is accepted.
struct SipfragStatus {
  int status = 0;
  std::string reason;
  friend bool operator==(const SipfragStatus&, const SipfragStatus&) = default;
};
Result<SipfragStatus> parse_sipfrag_status(std::string_view body);

// RFC 3515 2.4.6 / RFC 6665 8.2.1: the Event header of the subscription a REFER makes: the package
// "refer" with an optional ;id= (the REFER's CSeq). Case-insensitive package name.
bool is_refer_event(std::string_view event_value);

struct TransferOptions {
  // RFC 3515 does not bound it: give up waiting for the final NOTIFY after this long (the call stays).
  Duration timeout = std::chrono::seconds(32);
};

struct Transfer {
  sip::Uri target;                 // Refer-To
  std::uint32_t refer_cseq = 0;    // the REFER's CSeq (the NOTIFY's Event id, when it gives one)
  bool accepted = false;           // a 2xx to the REFER came
  bool done = false;               // a final sipfrag status, a refusal or the timeout decided it
  std::optional<SipfragStatus> final_status;
  std::vector<std::string> progress;  // "202 Accepted", "100 Trying", "200 OK", in the order they came
  Timestamp deadline{};
};

}  // namespace sotto::ua
