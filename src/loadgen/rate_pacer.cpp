// RatePacer (see rate_pacer.hpp).
#include "loadgen/rate_pacer.hpp"

#include <charconv>
#include <cmath>
#include <string>

namespace sotto::loadgen {

Timestamp RatePacer::due(std::uint64_t i) const {
  const double ns = static_cast<double>(i) * 1e9 / rate_;
  return start_ + std::chrono::duration_cast<Duration>(std::chrono::nanoseconds(static_cast<std::int64_t>(ns)));
}

std::optional<Timestamp> RatePacer::next_due() const {
  if (rate_ <= 0) return std::nullopt;
  return due(taken_);
}

Result<double> parse_rate(std::string_view text) {
  std::string_view number = text;
  if (number.size() >= 2 && number.substr(number.size() - 2) == "/s") number.remove_suffix(2);
  double v = 0;
  const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), v);
  if (number.empty() || ec != std::errc() || end != number.data() + number.size() || !std::isfinite(v) || v <= 0 ||
      v > 1e6) {
    return fail(Errc::invalid_argument, "'" + std::string(text) + "' is not a rate; expected attempts per second, as in 200 or 200/s");
  }
  return v;
}

}  // namespace sotto::loadgen
