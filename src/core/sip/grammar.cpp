#include "core/sip/grammar.hpp"

namespace sotto::sip {

bool is_token_char(char c) noexcept {
  if (is_alphanum(c)) return true;
  switch (c) {
    case '-': case '.': case '!': case '%': case '*': case '_': case '+': case '`': case '\'': case '~':
      return true;
    default:
      return false;
  }
}

bool is_unreserved(char c) noexcept {
  if (is_alphanum(c)) return true;
  switch (c) {
    case '-': case '_': case '.': case '!': case '~': case '*': case '\'': case '(': case ')':
      return true;
    default:
      return false;
  }
}

bool is_word_char(char c) noexcept {
  if (is_token_char(c)) return true;
  switch (c) {
    case '(': case ')': case '<': case '>': case ':': case '\\': case '"': case '/': case '[': case ']':
    case '?': case '{': case '}':
      return true;
    default:
      return false;
  }
}

std::size_t token_length(std::string_view s) noexcept {
  std::size_t n = 0;
  while (n < s.size() && is_token_char(s[n])) ++n;
  return n;
}

bool is_token(std::string_view s) noexcept { return !s.empty() && token_length(s) == s.size(); }

char to_lower(char c) noexcept { return ascii_lower(c); }

std::string lowercase(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = to_lower(c);
  return out;
}

std::string_view ltrim_lws(std::string_view s) noexcept {
  std::size_t b = 0;
  while (b < s.size() && is_wsp(s[b])) ++b;
  return s.substr(b);
}

std::string_view trim_lws(std::string_view s) noexcept {
  s = ltrim_lws(s);
  std::size_t e = s.size();
  while (e > 0 && is_wsp(s[e - 1])) --e;
  return s.substr(0, e);
}

std::optional<std::uint64_t> parse_decimal(std::string_view s, std::uint64_t max) noexcept {
  if (s.empty()) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (!is_digit(c)) return std::nullopt;
    v = v * 10 + static_cast<std::uint64_t>(c - '0');
    if (v > max) return std::nullopt;
  }
  return v;
}

// quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F); qdtext = LWS / %x21 / %x23-5B / %x5D-7E / UTF8-NONASCII
Result<std::size_t> scan_quoted_string(std::string_view s, std::string* text) {
  if (s.empty() || s[0] != '"') return fail(Errc::malformed_input, "expected quoted string");
  for (std::size_t i = 1; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '"') return i + 1;
    if (c == '\\') {
      if (i + 1 >= s.size()) break;
      const char e = s[i + 1];
      if (e == '\r' || e == '\n' || static_cast<unsigned char>(e) > 0x7f) {
        return fail(Errc::malformed_input, "invalid quoted-pair in quoted string");
      }
      if (text) text->push_back(e);
      ++i;
      continue;
    }
    const auto u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f) {
      return fail(Errc::malformed_input, "control character in quoted string");
    }
    if (text) text->push_back(c);
  }
  return fail(Errc::malformed_input, "unterminated quoted string");
}

void append_quoted(std::string& out, std::string_view text) {
  out.push_back('"');
  for (char c : text) {
    if (c == '\r' || c == '\n') {
      out.push_back(' ');
      continue;
    }
    const auto u = static_cast<unsigned char>(c);
    if (c == '"' || c == '\\' || (u < 0x20 && c != '\t') || u == 0x7f) out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
}

namespace {
int hex_value(char c) noexcept {
  if (is_digit(c)) return c - '0';
  return to_lower(c) - 'a' + 10;
}
}  // namespace

Result<std::string> percent_decode(std::string_view s, bool (*allowed)(char), std::string_view what) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    const char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size() || !is_hex(s[i + 1]) || !is_hex(s[i + 2])) {
        return fail(Errc::malformed_input, std::string(what) + ": invalid % escape in '" + excerpt(s) + "'");
      }
      out.push_back(static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2])));
      i += 2;
      continue;
    }
    if (!allowed(c)) {
      return fail(Errc::malformed_input, std::string(what) + ": invalid character in '" + excerpt(s) + "'");
    }
    out.push_back(c);
  }
  return out;
}

void percent_encode_append(std::string& out, std::string_view s, bool (*allowed)(char)) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  for (char c : s) {
    if (c != '%' && allowed(c)) {
      out.push_back(c);
    } else {
      const auto u = static_cast<unsigned char>(c);
      out.push_back('%');
      out.push_back(kHex[u >> 4]);
      out.push_back(kHex[u & 0xf]);
    }
  }
}

std::string excerpt(std::string_view s, std::size_t max) {
  std::string out;
  const std::size_t n = s.size() < max ? s.size() : max;
  for (std::size_t i = 0; i < n; ++i) {
    const auto u = static_cast<unsigned char>(s[i]);
    out.push_back((u < 0x20 || u == 0x7f) ? '?' : s[i]);
  }
  if (s.size() > max) out += "...";
  return out;
}

}  // namespace sotto::sip
