#include "core/sip/header_id.hpp"

#include <array>

#include "core/sip/grammar.hpp"

namespace sotto::sip {

namespace {

struct HeaderInfo {
  HeaderId id;
  std::string_view name;
  char compact;
  bool list;
  bool single;
};

// Kept in HeaderId order (checked by a static_assert below).
constexpr std::array<HeaderInfo, static_cast<std::size_t>(HeaderId::count_)> kHeaders = {{
    {HeaderId::other, "", 0, false, false},
    {HeaderId::accept, "Accept", 0, true, false},
    {HeaderId::accept_contact, "Accept-Contact", 'a', true, false},       // RFC 3841
    {HeaderId::accept_encoding, "Accept-Encoding", 0, true, false},
    {HeaderId::accept_language, "Accept-Language", 0, true, false},
    {HeaderId::alert_info, "Alert-Info", 0, true, false},
    {HeaderId::allow, "Allow", 0, true, false},
    {HeaderId::allow_events, "Allow-Events", 'u', true, false},           // RFC 6665
    {HeaderId::authentication_info, "Authentication-Info", 0, false, false},
    {HeaderId::authorization, "Authorization", 0, false, false},          // commas inside credentials
    {HeaderId::call_id, "Call-ID", 'i', false, true},
    {HeaderId::call_info, "Call-Info", 0, true, false},
    {HeaderId::contact, "Contact", 'm', true, false},
    {HeaderId::content_disposition, "Content-Disposition", 0, false, true},
    {HeaderId::content_encoding, "Content-Encoding", 'e', true, false},
    {HeaderId::content_language, "Content-Language", 0, true, false},
    {HeaderId::content_length, "Content-Length", 'l', false, true},
    {HeaderId::content_type, "Content-Type", 'c', false, true},
    {HeaderId::cseq, "CSeq", 0, false, true},
    {HeaderId::date, "Date", 0, false, true},                             // "Sat, 13 Nov": not a list
    {HeaderId::error_info, "Error-Info", 0, true, false},
    {HeaderId::event, "Event", 'o', false, true},                         // RFC 6665
    {HeaderId::expires, "Expires", 0, false, true},
    {HeaderId::from, "From", 'f', false, true},
    {HeaderId::identity, "Identity", 'y', false, false},                  // RFC 4474
    {HeaderId::identity_info, "Identity-Info", 'n', false, false},
    {HeaderId::in_reply_to, "In-Reply-To", 0, true, false},
    {HeaderId::max_forwards, "Max-Forwards", 0, false, true},
    {HeaderId::mime_version, "MIME-Version", 0, false, true},
    {HeaderId::min_expires, "Min-Expires", 0, false, true},
    {HeaderId::min_se, "Min-SE", 0, false, true},                         // RFC 4028
    {HeaderId::organization, "Organization", 0, false, false},
    {HeaderId::path, "Path", 0, true, false},                             // RFC 3327
    {HeaderId::priority, "Priority", 0, false, true},
    {HeaderId::proxy_authenticate, "Proxy-Authenticate", 0, false, false},
    {HeaderId::proxy_authorization, "Proxy-Authorization", 0, false, false},
    {HeaderId::proxy_require, "Proxy-Require", 0, true, false},
    {HeaderId::rack, "RAck", 0, false, true},                             // RFC 3262
    {HeaderId::reason, "Reason", 0, true, false},                         // RFC 3326
    {HeaderId::record_route, "Record-Route", 0, true, false},
    {HeaderId::refer_to, "Refer-To", 'r', false, true},                   // RFC 3515
    {HeaderId::referred_by, "Referred-By", 'b', false, true},             // RFC 3892
    {HeaderId::reject_contact, "Reject-Contact", 'j', true, false},       // RFC 3841
    {HeaderId::reply_to, "Reply-To", 0, false, true},
    {HeaderId::request_disposition, "Request-Disposition", 'd', true, false},
    {HeaderId::require, "Require", 0, true, false},
    {HeaderId::retry_after, "Retry-After", 0, false, true},
    {HeaderId::route, "Route", 0, true, false},
    {HeaderId::rseq, "RSeq", 0, false, true},                             // RFC 3262
    {HeaderId::server, "Server", 0, false, false},
    {HeaderId::service_route, "Service-Route", 0, true, false},           // RFC 3608
    {HeaderId::session_expires, "Session-Expires", 'x', false, true},     // RFC 4028
    {HeaderId::subject, "Subject", 's', false, false},
    {HeaderId::subscription_state, "Subscription-State", 0, false, true},
    {HeaderId::supported, "Supported", 'k', true, false},
    {HeaderId::timestamp, "Timestamp", 0, false, true},
    {HeaderId::to, "To", 't', false, true},
    {HeaderId::unsupported, "Unsupported", 0, true, false},
    {HeaderId::user_agent, "User-Agent", 0, false, false},
    {HeaderId::via, "Via", 'v', true, false},
    {HeaderId::warning, "Warning", 0, true, false},
    {HeaderId::www_authenticate, "WWW-Authenticate", 0, false, false},
}};

constexpr bool table_in_order() {
  for (std::size_t i = 0; i < kHeaders.size(); ++i) {
    if (static_cast<std::size_t>(kHeaders[i].id) != i) return false;
  }
  return true;
}
static_assert(table_in_order(), "kHeaders must follow HeaderId order");

const HeaderInfo& info(HeaderId id) noexcept { return kHeaders[static_cast<std::size_t>(id)]; }

}  // namespace

HeaderId header_id(std::string_view name) noexcept {
  if (name.size() == 1) {
    const char c = to_lower(name[0]);
    for (const auto& h : kHeaders) {
      if (h.compact == c) return h.id;
    }
    return HeaderId::other;
  }
  for (std::size_t i = 1; i < kHeaders.size(); ++i) {
    if (iequals(kHeaders[i].name, name)) return kHeaders[i].id;
  }
  return HeaderId::other;
}

std::string_view canonical_name(HeaderId id) noexcept { return info(id).name; }
char compact_form(HeaderId id) noexcept { return info(id).compact; }
bool is_list_header(HeaderId id) noexcept { return info(id).list; }
bool is_single_header(HeaderId id) noexcept { return info(id).single; }

}  // namespace sotto::sip
