#pragma once
// HeaderId: the header fields the stack knows by name, with canonical spelling, compact form
// (RFC 3261 7.3.3 and the RFCs that add one) and whether the grammar is a comma-separated list.
//
//   HeaderId id = header_id("v");                 // HeaderId::via ("Via", "VIA", "v" all match)
//   std::string_view n = canonical_name(id);      // "Via"
//   bool split = is_list_header(id);              // true: "Via: a, b" is two values

#include <cstdint>
#include <string_view>

namespace sotto::sip {

enum class HeaderId : std::uint8_t {
  other,  // not known here: name and value kept as received
  accept, accept_contact, accept_encoding, accept_language, alert_info, allow, allow_events,
  authentication_info, authorization, call_id, call_info, contact, content_disposition, content_encoding,
  content_language, content_length, content_type, cseq, date, error_info, event, expires, from, identity,
  identity_info, in_reply_to, max_forwards, mime_version, min_expires, min_se, organization, path, priority,
  proxy_authenticate, proxy_authorization, proxy_require, rack, reason, record_route, refer_to, referred_by,
  reject_contact, reply_to, request_disposition, require, retry_after, route, rseq, server, service_route,
  session_expires, subject, subscription_state, supported, timestamp, to, unsupported, user_agent, via,
  warning, www_authenticate,
  count_,  // number of ids, not a header
};

// Case-insensitive lookup of full names and compact forms; HeaderId::other when unknown.
HeaderId header_id(std::string_view name) noexcept;
// "Call-ID", "CSeq", "WWW-Authenticate", ...; "" for HeaderId::other.
std::string_view canonical_name(HeaderId id) noexcept;
// Single-letter compact form or '\0' (i Call-ID, m Contact, e Content-Encoding, l Content-Length,
// c Content-Type, f From, s Subject, k Supported, t To, v Via, o Event, u Allow-Events, r Refer-To,
// b Referred-By, x Session-Expires, a Accept-Contact, j Reject-Contact, d Request-Disposition,
// y Identity, n Identity-Info).
char compact_form(HeaderId id) noexcept;
// The grammar is `value *(COMMA value)`: values are split at top-level commas when parsed.
bool is_list_header(HeaderId id) noexcept;
// At most one instance allowed in a message (From, To, Call-ID, CSeq, Max-Forwards, Content-Length, ...).
bool is_single_header(HeaderId id) noexcept;

}  // namespace sotto::sip
