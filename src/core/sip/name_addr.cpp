#include "core/sip/name_addr.hpp"

#include "core/sip/grammar.hpp"

namespace sotto::sip {

namespace {

Result<NameAddr> finish(NameAddr out, std::string_view uri_text, std::string_view rest, std::string_view what) {
  auto uri = parse_uri(uri_text);
  if (!uri) return fail(uri.error().code, std::string(what) + ": " + uri.error().context);
  out.uri = std::move(*uri);
  auto params = parse_generic_params(rest, what);
  if (!params) return Unexpected(params.error());
  out.params = std::move(*params);
  return out;
}

}  // namespace

Result<NameAddr> parse_name_addr(std::string_view value, std::string_view what) {
  const std::string w(what);
  const std::string_view s = trim_lws(value);
  if (s.empty()) return fail(Errc::malformed_input, w + ": empty value");
  NameAddr out;
  std::size_t i = 0;
  if (s[0] == '"') {
    auto q = scan_quoted_string(s, &out.display_name);
    if (!q) return fail(Errc::malformed_input, w + ": " + q.error().context);
    i = *q;
    while (i < s.size() && is_wsp(s[i])) ++i;
    if (i >= s.size() || s[i] != '<') return fail(Errc::malformed_input, w + ": expected '<' after display name");
  } else {
    // display-name = *(token LWS) followed by LAQUOT; anything else is an addr-spec.
    std::string display;
    bool angle = false;
    while (i < s.size()) {
      if (s[i] == '<') {
        angle = true;
        break;
      }
      const std::size_t n = token_length(s.substr(i));
      if (n == 0) break;
      if (!display.empty()) display.push_back(' ');
      display.append(s.substr(i, n));
      i += n;
      while (i < s.size() && is_wsp(s[i])) ++i;
    }
    if (!angle) {
      if (s.find('<') != std::string_view::npos) {
        return fail(Errc::malformed_input,
                    w + ": display name '" + excerpt(s.substr(0, s.find('<'))) + "' is not a token list or quoted string");
      }
      std::size_t end = 0;
      while (end < s.size() && s[end] != ';' && !is_wsp(s[end])) ++end;
      const std::string_view uri_text = s.substr(0, end);
      if (uri_text.find_first_of("?,") != std::string_view::npos) {
        return fail(Errc::malformed_input, w + ": URI containing '?' or ',' must be enclosed in <>");
      }
      return finish(std::move(out), uri_text, s.substr(end), what);
    }
    out.display_name = std::move(display);
  }
  // name-addr: [ display-name ] LAQUOT addr-spec RAQUOT; no whitespace inside the brackets.
  const std::size_t close = s.find('>', i);
  if (close == std::string_view::npos) return fail(Errc::malformed_input, w + ": missing '>'");
  return finish(std::move(out), s.substr(i + 1, close - i - 1), s.substr(close + 1), what);
}

void append_name_addr(std::string& out, const NameAddr& na) {
  if (!na.display_name.empty()) {
    append_quoted(out, na.display_name);
    out.push_back(' ');
  }
  out.push_back('<');
  append_uri(out, na.uri);
  out.push_back('>');
  append_generic_params(out, na.params);
}

std::string serialize(const NameAddr& na) {
  std::string out;
  append_name_addr(out, na);
  return out;
}

}  // namespace sotto::sip
