#include "core/sip/message_check.hpp"

#include <array>

#include "core/sip/failure_status.hpp"
#include "core/sip/grammar.hpp"
#include "core/sip/scalar_fields.hpp"

namespace sotto::sip {

namespace {

// media-type = m-type SLASH m-subtype *(SEMI m-parameter) (RFC 3261 20.15)
Status check_media_type(std::string_view value) {
  const std::string_view s = trim_lws(value);
  std::size_t i = token_length(s);
  std::size_t j = i;
  while (j < s.size() && is_wsp(s[j])) ++j;
  if (i == 0 || j >= s.size() || s[j] != '/') {
    return fail(Errc::malformed_input, "Content-Type: '" + excerpt(s) + "' is not type/subtype");
  }
  ++j;
  while (j < s.size() && is_wsp(s[j])) ++j;
  const std::size_t sub = token_length(s.substr(j));
  if (sub == 0) return fail(Errc::malformed_input, "Content-Type: '" + excerpt(s) + "' is not type/subtype");
  auto params = parse_generic_params(s.substr(j + sub), "Content-Type");
  if (!params) return Unexpected(params.error());
  return {};
}

Status check_value(const SipMessage& msg, const Header& h, bool top_via, const CheckOptions& options) {
  switch (h.id) {
    case HeaderId::via: {
      auto via = parse_via(h.value);
      if (!via) return Unexpected(via.error());
      if (top_via && msg.is_request()) {
        auto branch = via->branch();
        if (!branch && !options.allow_rfc2543) return fail(Errc::malformed_input, "Via: missing branch");
        if (branch && *branch == kBranchMagicCookie) {
          return fail(Errc::malformed_input, "Via: branch z9hG4bK has the magic cookie but no transaction id");
        }
      }
      return {};
    }
    case HeaderId::from:
    case HeaderId::to:
    case HeaderId::route:
    case HeaderId::record_route:
    case HeaderId::reply_to:
    case HeaderId::refer_to:
    case HeaderId::referred_by:
    case HeaderId::path:
    case HeaderId::service_route: {
      auto na = parse_name_addr(h.value, canonical_name(h.id));
      if (!na) return Unexpected(na.error());
      if (h.id == HeaderId::from && !options.allow_rfc2543 && msg.is_request() && !na->tag()) {
        return fail(Errc::malformed_input, "From: missing tag");
      }
      return {};
    }
    case HeaderId::contact: {
      auto c = parse_contact(h.value);
      if (!c) return Unexpected(c.error());
      if (c->wildcard && msg.count(HeaderId::contact) > 1) {
        return fail(Errc::malformed_input, "Contact: '*' must be the only Contact value");
      }
      return {};
    }
    case HeaderId::cseq: {
      auto cseq = parse_cseq(h.value);
      if (!cseq) return Unexpected(cseq.error());
      if (msg.is_request() && !(cseq->method == msg.method())) {
        return fail(Errc::malformed_input, "CSeq method " + excerpt(cseq->method.name()) +
                                               " does not match request method " + excerpt(msg.method().name()));
      }
      return {};
    }
    case HeaderId::call_id: {
      auto id = parse_call_id(h.value);
      if (!id) return Unexpected(id.error());
      return {};
    }
    case HeaderId::max_forwards: {
      auto mf = parse_max_forwards(h.value);
      if (!mf) return Unexpected(mf.error());
      return {};
    }
    case HeaderId::content_length: {
      auto cl = parse_content_length(h.value);
      if (!cl) return Unexpected(cl.error());
      return {};
    }
    case HeaderId::min_expires: {
      auto v = parse_delta_seconds(h.value, "Min-Expires");
      if (!v) return Unexpected(v.error());
      return {};
    }
    case HeaderId::date:
      return check_sip_date(h.value);
    case HeaderId::content_type:
      return check_media_type(h.value);
    case HeaderId::require:
    case HeaderId::proxy_require:
    case HeaderId::unsupported:
    case HeaderId::allow:
      // option-tag / Method lists; an empty value is allowed (Supported: is sent by baresip)
    case HeaderId::supported: {
      if (h.value.empty()) return {};
      auto t = parse_token_value(h.value, canonical_name(h.id));
      if (!t) return Unexpected(t.error());
      return {};
    }
    default:
      // Expires (20.19: malformed values are treated as 3600) and unknown headers are not checked.
      return {};
  }
}

}  // namespace

Status check_message(const SipMessage& msg, const CheckOptions& options) {
  if (msg.is_request()) {
    const Uri& ruri = msg.request_uri();
    if (ruri.scheme == UriScheme::other) {
      return fail(Errc::unsupported, std::string(kUnsupportedSchemePrefix) + " '" + excerpt(ruri.other_scheme) +
                                         "' in Request-URI");
    }
    // RFC 3261 19.1.1 table: headers are not allowed in a Request-URI (RFC 4475 escruri).
    if (!ruri.headers.empty()) return fail(Errc::malformed_input, "invalid Request-URI: must not contain headers");
  }
  std::array<std::uint16_t, static_cast<std::size_t>(HeaderId::count_)> seen{};
  for (const auto& h : msg.headers()) {
    auto& n = seen[static_cast<std::size_t>(h.id)];
    if (h.id != HeaderId::other && is_single_header(h.id) && n > 0) {
      return fail(Errc::malformed_input, "multiple " + std::string(canonical_name(h.id)) + " headers");
    }
    const bool top_via = h.id == HeaderId::via && n == 0;
    if (n < 0xffff) ++n;
    if (auto st = check_value(msg, h, top_via, options); !st) return st;
  }
  // RFC 3261 8.1.1: To, From, CSeq, Call-ID, Max-Forwards and Via are mandatory in requests.
  const std::array<HeaderId, 6> required = {HeaderId::to, HeaderId::from, HeaderId::cseq, HeaderId::call_id,
                                            HeaderId::via, HeaderId::max_forwards};
  for (HeaderId id : required) {
    if (seen[static_cast<std::size_t>(id)] > 0) continue;
    if (id == HeaderId::max_forwards && (msg.is_response() || options.allow_rfc2543)) continue;
    return fail(Errc::malformed_input, "missing " + std::string(canonical_name(id)) + " header");
  }
  return {};
}

}  // namespace sotto::sip
