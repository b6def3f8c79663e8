// Text helpers for the a=crypto code (see internal.hpp).
#include "core/sdes/internal.hpp"

#include <bit>
#include <limits>

namespace sotto::sdes::detail {

bool all_digits(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_digit(c)) return false;
  }
  return true;
}

bool is_suite_name(std::string_view s) noexcept {
  if (s.empty()) return false;
  for (char c : s) {
    if (!is_alpha(c) && !is_digit(c) && c != '_') return false;
  }
  return true;
}

bool istarts_with(std::string_view s, std::string_view prefix) noexcept {
  return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

std::optional<std::uint64_t> parse_decimal(std::string_view s) noexcept {
  if (!all_digits(s)) return std::nullopt;
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t v = 0;
  for (char c : s) {
    const auto d = static_cast<std::uint64_t>(c - '0');
    if (v > (kMax - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  return v;
}

std::vector<std::string_view> split(std::string_view s, char sep) {
  std::vector<std::string_view> out;
  std::size_t start = 0;
  for (;;) {
    const std::size_t at = s.find(sep, start);
    if (at == std::string_view::npos) {
      out.push_back(s.substr(start));
      return out;
    }
    out.push_back(s.substr(start, at - start));
    start = at + 1;
  }
}

const srtp::Suite* find_suite_nocase(std::string_view name) noexcept {
  for (const srtp::Suite& s : srtp::all_suites()) {
    if (iequals(s.name, name)) return &s;
  }
  return nullptr;
}

std::string quote(std::string_view s) {
  constexpr std::size_t kMax = 32;
  std::string out = "'";
  for (std::size_t i = 0; i < s.size() && i < kMax; ++i) out += is_vchar(s[i]) ? s[i] : '?';
  if (s.size() > kMax) out += "...";
  out += "'";
  return out;
}

std::string describe(std::string_view s, std::size_t max) {
  if (s.size() <= max) return quote(s);
  return "(" + num(s.size()) + " characters)";
}

std::string num(std::uint64_t n) { return std::to_string(n); }

std::string where(std::uint32_t tag) { return "a=crypto tag " + num(tag); }

std::string key_label(bool fec, std::size_t index, std::size_t count) {
  std::string s = fec ? "FEC_KEY inline key" : "inline key";
  if (count > 1) s += " " + num(index + 1);
  return s;
}

std::string lifetime_text(const KeyLifetime& l) {
  if (l.form == LifetimeForm::decimal || !std::has_single_bit(l.packets)) return num(l.packets);
  return "2^" + num(static_cast<std::uint64_t>(std::countr_zero(l.packets)));
}

bool is_known_session_param(std::string_view token) noexcept {
  return istarts_with(token, "KDR=") || iequals(token, "UNENCRYPTED_SRTP") ||
         iequals(token, "UNENCRYPTED_SRTCP") || iequals(token, "UNAUTHENTICATED_SRTP") ||
         istarts_with(token, "FEC_ORDER=") || istarts_with(token, "FEC_KEY=") || istarts_with(token, "WSH=");
}

}  // namespace sotto::sdes::detail
