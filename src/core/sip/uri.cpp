#include "core/sip/uri.hpp"

#include "core/sip/grammar.hpp"
#include "core/sip/host.hpp"

namespace sotto::sip {

namespace {

// user-unreserved = "&" / "=" / "+" / "$" / "," / ";" / "?" / "/"
bool is_user_char(char c) noexcept {
  if (is_unreserved(c)) return true;
  switch (c) {
    case '&': case '=': case '+': case '$': case ',': case ';': case '?': case '/': return true;
    default: return false;
  }
}
// password = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," )
bool is_password_char(char c) noexcept {
  if (is_unreserved(c)) return true;
  switch (c) {
    case '&': case '=': case '+': case '$': case ',': return true;
    default: return false;
  }
}
// paramchar = param-unreserved / unreserved / escaped; param-unreserved = "[" / "]" / "/" / ":" / "&" / "+" / "$"
bool is_param_char(char c) noexcept {
  if (is_unreserved(c)) return true;
  switch (c) {
    case '[': case ']': case '/': case ':': case '&': case '+': case '$': return true;
    default: return false;
  }
}
// hnv-unreserved = "[" / "]" / "/" / "?" / ":" / "+" / "$"
bool is_header_char(char c) noexcept {
  if (is_unreserved(c)) return true;
  switch (c) {
    case '[': case ']': case '/': case '?': case ':': case '+': case '$': return true;
    default: return false;
  }
}
// tel (RFC 3966): phonedigit-hex = HEXDIG / "*" / "#" / visual-separator; global numbers start with "+"
bool is_tel_char(char c) noexcept {
  return is_hex(c) || c == '*' || c == '#' || c == '-' || c == '.' || c == '(' || c == ')' || c == '+';
}
// uric = reserved / unreserved / escaped, plus '[' ']' '#' seen in real absolute URIs
bool is_opaque_char(char c) noexcept {
  if (is_unreserved(c)) return true;
  switch (c) {
    case ';': case '/': case '?': case ':': case '@': case '&': case '=': case '+': case '$': case ',':
    case '%': case '[': case ']': case '#':
      return true;
    default:
      return false;
  }
}

// uri-parameters = *( ";" uri-parameter ); `s` starts after the first ';'.
Status parse_uri_params(std::string_view s, Params& out) {
  while (true) {
    const std::size_t semi = s.find(';');
    const std::string_view item = s.substr(0, semi);
    if (item.empty()) return fail(Errc::malformed_input, "URI: empty parameter");
    const std::size_t eq = item.find('=');
    auto name = percent_decode(item.substr(0, eq), is_param_char, "URI parameter name");
    if (!name) return Unexpected(name.error());
    if (name->empty()) return fail(Errc::malformed_input, "URI: empty parameter name");
    std::optional<std::string> value;
    if (eq != std::string_view::npos) {
      auto v = percent_decode(item.substr(eq + 1), is_param_char, "URI parameter value");
      if (!v) return Unexpected(v.error());
      if (v->empty()) return fail(Errc::malformed_input, "URI: parameter " + excerpt(*name) + " has an empty value");
      value = std::move(*v);
    }
    out.add(std::move(*name), std::move(value));
    if (semi == std::string_view::npos) return {};
    s.remove_prefix(semi + 1);
  }
}

// headers = "?" header *( "&" header ); header = hname "=" hvalue; `s` starts after '?'.
Status parse_uri_headers(std::string_view s, std::vector<UriHeader>& out) {
  while (true) {
    const std::size_t amp = s.find('&');
    const std::string_view item = s.substr(0, amp);
    const std::size_t eq = item.find('=');
    if (eq == std::string_view::npos || eq == 0) {
      return fail(Errc::malformed_input, "URI: header '" + excerpt(item) + "' is not hname=hvalue");
    }
    auto name = percent_decode(item.substr(0, eq), is_header_char, "URI header name");
    if (!name) return Unexpected(name.error());
    auto value = percent_decode(item.substr(eq + 1), is_header_char, "URI header value");
    if (!value) return Unexpected(value.error());
    out.push_back(UriHeader{std::move(*name), std::move(*value)});
    if (amp == std::string_view::npos) return {};
    s.remove_prefix(amp + 1);
  }
}

Result<Uri> parse_sip_uri(Uri uri, std::string_view rest) {
  const std::size_t at = rest.find('@');
  if (at != std::string_view::npos) {
    const std::string_view userinfo = rest.substr(0, at);
    const std::size_t colon = userinfo.find(':');
    auto user = percent_decode(userinfo.substr(0, colon), is_user_char, "URI user");
    if (!user) return Unexpected(user.error());
    if (user->empty()) return fail(Errc::malformed_input, "URI: empty user part before '@'");
    uri.user = std::move(*user);
    if (colon != std::string_view::npos) {
      auto pw = percent_decode(userinfo.substr(colon + 1), is_password_char, "URI password");
      if (!pw) return Unexpected(pw.error());
      uri.password = std::move(*pw);
    }
    rest.remove_prefix(at + 1);
  }
  const std::size_t q = rest.find('?');
  std::string_view before_headers = rest.substr(0, q);
  const std::size_t semi = before_headers.find(';');
  auto hp = parse_hostport(before_headers.substr(0, semi), "URI");
  if (!hp) return Unexpected(hp.error());
  uri.host = std::move(hp->host);
  uri.port = hp->port;
  if (semi != std::string_view::npos) {
    if (auto st = parse_uri_params(before_headers.substr(semi + 1), uri.params); !st) return Unexpected(st.error());
  }
  if (q != std::string_view::npos) {
    if (auto st = parse_uri_headers(rest.substr(q + 1), uri.headers); !st) return Unexpected(st.error());
  }
  return uri;
}

Result<Uri> parse_tel_uri(Uri uri, std::string_view rest) {
  const std::size_t semi = rest.find(';');
  const std::string_view number = rest.substr(0, semi);
  if (number.empty()) return fail(Errc::malformed_input, "tel URI: empty number");
  for (char c : number) {
    if (!is_tel_char(c)) return fail(Errc::malformed_input, "tel URI: invalid character in '" + excerpt(number) + "'");
  }
  uri.user = std::string(number);
  if (semi != std::string_view::npos) {
    if (auto st = parse_uri_params(rest.substr(semi + 1), uri.params); !st) return Unexpected(st.error());
  }
  return uri;
}

}  // namespace

Result<Uri> parse_uri(std::string_view text) {
  const std::size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 0) {
    return fail(Errc::malformed_input, "URI: missing scheme in '" + excerpt(text) + "'");
  }
  const std::string_view scheme = text.substr(0, colon);
  // scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )
  if (!is_alpha(scheme[0])) return fail(Errc::malformed_input, "URI: invalid scheme '" + excerpt(scheme) + "'");
  for (char c : scheme) {
    if (!is_alphanum(c) && c != '+' && c != '-' && c != '.') {
      return fail(Errc::malformed_input, "URI: invalid scheme '" + excerpt(scheme) + "'");
    }
  }
  const std::string_view rest = text.substr(colon + 1);
  Uri uri;
  if (iequals(scheme, "sip") || iequals(scheme, "sips")) {
    uri.scheme = scheme.size() == 3 ? UriScheme::sip : UriScheme::sips;
    return parse_sip_uri(std::move(uri), rest);
  }
  if (iequals(scheme, "tel")) {
    uri.scheme = UriScheme::tel;
    return parse_tel_uri(std::move(uri), rest);
  }
  uri.scheme = UriScheme::other;
  uri.other_scheme = std::string(scheme);
  if (rest.empty()) return fail(Errc::malformed_input, "URI: empty " + excerpt(scheme) + " URI");
  for (char c : rest) {
    if (!is_opaque_char(c)) {
      return fail(Errc::malformed_input, "URI: invalid character in '" + excerpt(text) + "'");
    }
  }
  uri.opaque = std::string(rest);
  return uri;
}

std::string_view scheme_name(const Uri& uri) noexcept {
  switch (uri.scheme) {
    case UriScheme::sip: return "sip";
    case UriScheme::sips: return "sips";
    case UriScheme::tel: return "tel";
    case UriScheme::other: return uri.other_scheme;
  }
  return "";
}

void append_uri(std::string& out, const Uri& uri) {
  out += scheme_name(uri);
  out.push_back(':');
  if (uri.scheme == UriScheme::other) {
    out += uri.opaque;
    return;
  }
  if (uri.scheme == UriScheme::tel) {
    out += uri.user;
  } else {
    if (!uri.user.empty() || uri.password) {
      percent_encode_append(out, uri.user, is_user_char);
      if (uri.password) {
        out.push_back(':');
        percent_encode_append(out, *uri.password, is_password_char);
      }
      out.push_back('@');
    }
    out += uri.host;
    if (uri.port) {
      out.push_back(':');
      out += std::to_string(*uri.port);
    }
  }
  for (const auto& p : uri.params) {
    out.push_back(';');
    percent_encode_append(out, p.name, is_param_char);
    if (p.value) {
      out.push_back('=');
      percent_encode_append(out, *p.value, is_param_char);
    }
  }
  if (uri.scheme == UriScheme::tel) return;
  char sep = '?';
  for (const auto& h : uri.headers) {
    out.push_back(sep);
    sep = '&';
    percent_encode_append(out, h.name, is_header_char);
    out.push_back('=');
    percent_encode_append(out, h.value, is_header_char);
  }
}

std::string serialize(const Uri& uri) {
  std::string out;
  append_uri(out, uri);
  return out;
}

}  // namespace sotto::sip
