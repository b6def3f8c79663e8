#pragma once
// RFC 3261 section 25 character classes and small scanners shared by the SIP parsers.
//
//   std::string_view v = "  z9hG4bK776 ;x";
//   v = trim_lws(v);                       // "z9hG4bK776 ;x"
//   std::size_t n = token_length(v);       // 10
//
// Everything here works on std::string_view and never allocates except the decoders.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "base/ascii.hpp"
#include "base/result.hpp"

namespace sotto::sip {

constexpr bool is_alpha(char c) noexcept { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
constexpr bool is_digit(char c) noexcept { return c >= '0' && c <= '9'; }
constexpr bool is_alphanum(char c) noexcept { return is_alpha(c) || is_digit(c); }
constexpr bool is_hex(char c) noexcept {
  return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
constexpr bool is_wsp(char c) noexcept { return c == ' ' || c == '\t'; }

// token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")
bool is_token_char(char c) noexcept;
// mark = "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")";  unreserved = alphanum / mark
bool is_unreserved(char c) noexcept;
// word = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~" / "(" / ")" / "<" / ">" /
//           ":" / "\" / DQUOTE / "/" / "[" / "]" / "?" / "{" / "}")   (Call-ID)
bool is_word_char(char c) noexcept;

bool is_token(std::string_view s) noexcept;
std::size_t token_length(std::string_view s) noexcept;

// Case-insensitive ASCII comparison (header names, parameter names, schemes, hosts).
using sotto::iequals;
char to_lower(char c) noexcept;
std::string lowercase(std::string_view s);

// Strips SP / HTAB on both ends (values are already unfolded, so LWS is just whitespace).
std::string_view trim_lws(std::string_view s) noexcept;
std::string_view ltrim_lws(std::string_view s) noexcept;

// 1*DIGIT with an upper bound; rejects signs, empty input and overflow.
std::optional<std::uint64_t> parse_decimal(std::string_view s, std::uint64_t max) noexcept;

// quoted-string = SWS DQUOTE *(qdtext / quoted-pair) DQUOTE, starting at s[0] == '"'.
// Returns the length consumed including both quotes; `text` receives the unescaped content.
Result<std::size_t> scan_quoted_string(std::string_view s, std::string* text);
// Writes `text` as a quoted-string, escaping '"' and '\' (CR and LF cannot be escaped: written as SP).
void append_quoted(std::string& out, std::string_view text);

// escaped = "%" HEX HEX. `allowed` says which raw characters may appear unescaped.
Result<std::string> percent_decode(std::string_view s, bool (*allowed)(char), std::string_view what);
void percent_encode_append(std::string& out, std::string_view s, bool (*allowed)(char));

// Shortens `s` for error contexts so a hostile 60 KB value never lands in a log line or Warning.
std::string excerpt(std::string_view s, std::size_t max = 40);

}  // namespace sotto::sip
