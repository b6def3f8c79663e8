#include "core/sip/scalar_fields.hpp"

#include <array>

#include "core/sip/grammar.hpp"

namespace sotto::sip {

Result<std::uint8_t> parse_max_forwards(std::string_view value) {
  const std::string_view s = trim_lws(value);
  auto n = parse_decimal(s, 255);
  if (!n) return fail(Errc::malformed_input, "Max-Forwards: '" + excerpt(s) + "' is not a number 0-255");
  return static_cast<std::uint8_t>(*n);
}

Result<std::uint32_t> parse_content_length(std::string_view value) {
  const std::string_view s = trim_lws(value);
  auto n = parse_decimal(s, 0xffffffffu);
  if (!n) return fail(Errc::malformed_input, "Content-Length: '" + excerpt(s) + "' is not a non-negative number");
  return static_cast<std::uint32_t>(*n);
}

Result<std::uint32_t> parse_delta_seconds(std::string_view value, std::string_view what) {
  const std::string_view s = trim_lws(value);
  auto n = parse_decimal(s, 0xffffffffu);
  if (!n) return fail(Errc::malformed_input, std::string(what) + ": '" + excerpt(s) + "' is not a delta-seconds value");
  return static_cast<std::uint32_t>(*n);
}

Result<std::string> parse_call_id(std::string_view value) {
  const std::string_view s = trim_lws(value);
  const std::size_t at = s.find('@');
  auto is_word = [](std::string_view w) {
    if (w.empty()) return false;
    for (char c : w) {
      if (!is_word_char(c)) return false;
    }
    return true;
  };
  const bool ok = at == std::string_view::npos ? is_word(s) : is_word(s.substr(0, at)) && is_word(s.substr(at + 1));
  if (!ok) return fail(Errc::malformed_input, "Call-ID: '" + excerpt(s) + "' is not word[@word]");
  return std::string(s);
}

Result<std::string> parse_token_value(std::string_view value, std::string_view what) {
  const std::string_view s = trim_lws(value);
  if (!is_token(s)) return fail(Errc::malformed_input, std::string(what) + ": '" + excerpt(s) + "' is not a token");
  return std::string(s);
}

Result<std::string> parse_text_value(std::string_view value) { return std::string(trim_lws(value)); }

Status check_sip_date(std::string_view value) {
  // "Sun, 06 Nov 1994 08:49:37 GMT": fixed layout, 29 characters.
  static constexpr std::array<std::string_view, 7> kDays = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
  static constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::string_view s = trim_lws(value);
  auto bad = [&](std::string_view why) {
    return fail(Errc::malformed_input, "Date: " + std::string(why) + " in '" + excerpt(s) + "'");
  };
  if (s.size() < 29) return bad("too short for rfc1123-date");
  auto in = [](auto& table, std::string_view x) {
    for (auto t : table) {
      if (t == x) return true;
    }
    return false;
  };
  if (!in(kDays, s.substr(0, 3)) || s.substr(3, 2) != ", ") return bad("invalid weekday");
  auto digits = [&](std::size_t at, std::size_t n, std::uint64_t max) { return parse_decimal(s.substr(at, n), max); };
  if (!digits(5, 2, 31) || s[7] != ' ' || !in(kMonths, s.substr(8, 3)) || s[11] != ' ' || !digits(12, 4, 9999) ||
      s[16] != ' ') {
    return bad("invalid date");
  }
  if (!digits(17, 2, 23) || s[19] != ':' || !digits(20, 2, 59) || s[22] != ':' || !digits(23, 2, 60) || s[25] != ' ') {
    return bad("invalid time");
  }
  if (s.substr(26) != "GMT") return bad("time zone must be GMT");
  return {};
}

}  // namespace sotto::sip
