#pragma once
// check_message: the RFC 3261 rules a parsed message must follow before a transaction sees it
// (8.1.1 mandatory headers, 8.2.2 / 16.3 request validation), with an Error fit for a 400 reason.
//
//   auto raw = parse_message_unchecked(datagram);
//   if (raw) if (Status ok = check_message(*raw); !ok) reply(make_error_response(*raw, ok.error(), "sotto"));
//   // ok.error().context: "Via: missing branch", "CSeq method INVITE does not match request method BYE"
//
// Syntax of every known header is checked here (Via, From/To/Contact/Route, CSeq, Call-ID, Max-Forwards,
// Date, option tags, ...). What belongs to higher layers is NOT checked: Require/Proxy-Require support
// (420), Content-Type support (415), Accept (406), unknown methods (501), Via sent-by sanity (bcast).

#include "base/result.hpp"
#include "core/sip/sip_message.hpp"

namespace sotto::sip {

struct CheckOptions {
  // RFC 4475 3.4.1 (inv2543): accept requests without Max-Forwards, without a Via branch and without a
  // From tag, as RFC 2543 elements send them. When false those are rejected ("Via: missing branch").
  bool allow_rfc2543 = true;
};

Status check_message(const SipMessage& msg, const CheckOptions& options = {});

}  // namespace sotto::sip
