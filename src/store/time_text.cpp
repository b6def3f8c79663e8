#include "store/time_text.hpp"

#include <cstdio>

namespace sotto::store {
namespace {

constexpr std::string_view kForms =
    "expected a UTC time (2026-12-01, 2026-12-01T00:00Z, 2026-12-01T00:00:30Z) or an age (30s, 30m, 1h, 2d)";

// Days since 1970-01-01 of a proleptic Gregorian date (the usual era-based conversion).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
  y -= m <= 2 ? 1 : 0;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool leap(std::int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

unsigned days_in_month(std::int64_t y, unsigned m) {
  static constexpr unsigned kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && leap(y) ? 29 : kDays[m - 1];
}

// Reads exactly n digits at text[pos]; false when they are not all digits.
bool digits(std::string_view text, std::size_t pos, std::size_t n, unsigned& out) {
  if (pos + n > text.size()) return false;
  out = 0;
  for (std::size_t i = 0; i < n; ++i) {
    const char c = text[pos + i];
    if (c < '0' || c > '9') return false;
    out = out * 10 + static_cast<unsigned>(c - '0');
  }
  return true;
}

}  // namespace

Result<std::int64_t> parse_since(std::string_view text, std::int64_t now_unix_ms) {
  auto bad = [&](std::string_view why = {}) {
    return fail(Errc::invalid_argument, "--since '" + std::string(text) + "': " +
                                            (why.empty() ? std::string() : std::string(why) + "; ") +
                                            std::string(kForms));
  };
  if (text.empty()) return bad();
  // An age: digits then one unit letter.
  const char unit = text.back();
  if (text.size() >= 2 && (unit == 's' || unit == 'm' || unit == 'h' || unit == 'd') && text[0] >= '0' &&
      text[0] <= '9') {
    std::int64_t n = 0;
    for (char c : text.substr(0, text.size() - 1)) {
      if (c < '0' || c > '9') return bad();
      n = n * 10 + (c - '0');
      if (n > 1'000'000'000) return bad("too far back");
    }
    const std::int64_t per = unit == 's' ? 1000 : unit == 'm' ? 60'000 : unit == 'h' ? 3'600'000 : 86'400'000;
    if (n > 100 * 365 * 86'400'000LL / per) return bad("too far back");
    return now_unix_ms - n * per;
  }
  // YYYY-MM-DD[THH:MM[:SS]Z]
  unsigned y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0, ms = 0;
  if (!digits(text, 0, 4, y) || text.size() < 10 || text[4] != '-' || !digits(text, 5, 2, mo) || text[7] != '-' ||
      !digits(text, 8, 2, d)) {
    return bad();
  }
  if (text.size() > 10) {
    if (text[10] != 'T' || !digits(text, 11, 2, h) || text.size() < 17 || text[13] != ':' || !digits(text, 14, 2, mi)) {
      return bad();
    }
    std::size_t at = 16;
    if (text.size() > at && text[at] == ':') {
      if (!digits(text, at + 1, 2, s)) return bad();
      at += 3;
      // Fractions of a second, as `sotto calls --json` writes them (milliseconds kept).
      if (text.size() > at && text[at] == '.') {
        std::size_t n = 0;
        while (at + 1 + n < text.size() && text[at + 1 + n] >= '0' && text[at + 1 + n] <= '9') {
          if (n < 3) ms = ms * 10 + static_cast<unsigned>(text[at + 1 + n] - '0');
          ++n;
        }
        if (n == 0 || n > 9) return bad();
        for (std::size_t k = n; k < 3; ++k) ms *= 10;
        at += 1 + n;
      }
    }
    if (text.size() != at + 1 || text[at] != 'Z') return bad("a time of day must be UTC and end in Z");
  }
  if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 59) {
    return bad("no such date or time");
  }
  const std::int64_t days = days_from_civil(y, mo, d);
  return ((days * 24 + h) * 60 + mi) * 60'000LL + s * 1000LL + ms;
}

std::string format_utc_ms(std::int64_t unix_ms) {
  if (unix_ms < 0) unix_ms = 0;
  std::int64_t days = unix_ms / 86'400'000;
  std::int64_t rem = unix_ms % 86'400'000;
  // civil_from_days
  days += 719468;
  const std::int64_t era = days / 146097;
  const auto doe = static_cast<unsigned>(days - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t y = static_cast<std::int64_t>(yoe) + era * 400;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  y += m <= 2 ? 1 : 0;
  if (y > 9999) y = 9999;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ", static_cast<long long>(y), m, d,
                static_cast<long long>(rem / 3'600'000), static_cast<long long>(rem / 60'000 % 60),
                static_cast<long long>(rem / 1000 % 60), static_cast<long long>(rem % 1000));
  return buf;
}

}  // namespace sotto::store
