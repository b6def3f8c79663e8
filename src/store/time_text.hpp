#pragma once
// Times as `sotto calls` reads and writes them: --since values and ISO 8601 UTC with milliseconds.
//
//   auto since = store::parse_since("1h", now_ms);                  // now_ms - 3'600'000
//   auto t = store::parse_since("2026-12-01T00:00Z", now_ms);       // 1796083200000
//   std::string s = store::format_utc_ms(1796083200123);            // "2026-12-01T00:00:00.123Z"

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.hpp"

namespace sotto::store {

// An absolute time in UTC: YYYY-MM-DD (midnight), YYYY-MM-DDTHH:MMZ, YYYY-MM-DDTHH:MM:SS[.fff]Z; or an age before
// now_unix_ms: a whole number and a unit, s m h d (30m, 1h, 2d). Unix milliseconds. Errc::invalid_argument
// naming the text and the accepted forms.
Result<std::int64_t> parse_since(std::string_view text, std::int64_t now_unix_ms);

// "2026-12-01T00:00:00.123Z" (years 0000-9999; negative times are clamped to 1970).
std::string format_utc_ms(std::int64_t unix_ms);

}  // namespace sotto::store
