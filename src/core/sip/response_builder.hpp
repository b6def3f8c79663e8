#pragma once
// make_response: a response to a request per RFC 3261 8.2.6: Via (all, in order), From, To, Call-ID and
// CSeq copied byte-exact; Timestamp copied into 100 Trying (8.2.6.1); a To tag added when asked.
//
//   auto ringing = make_response(invite, 180, "Ringing", "a6c85cf");   // To: ...;tag=a6c85cf
//   auto trying = make_response(invite, 100, "Trying");                 // no To tag on 100 (8.2.6.2)
//   if (ringing) send(serialize(*ringing));
//
// Works on requests that failed check_message() too, so a 400 can echo what the peer sent.

#include <string_view>

#include "base/result.hpp"
#include "core/sip/sip_message.hpp"

namespace sotto::sip {

// Errc::invalid_argument if `request` is a response, `status` is outside 100-699, or `reason` has CR/LF.
// The To tag is only added when `to_tag` is not empty and the request's To has none.
Result<SipMessage> make_response(const SipMessage& request, int status, std::string_view reason,
                                 std::string_view to_tag = {});

}  // namespace sotto::sip
