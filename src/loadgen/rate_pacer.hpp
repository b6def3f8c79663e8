#pragma once
// RatePacer: when the next attempt of a load run may start, at a fixed rate from the first start
// (attempt i is due at start + i / rate, so a late tick catches up instead of drifting). Sans-IO: time is
// passed in. Rate 0 means as fast as the concurrency limit lets.
//
//   RatePacer pacer(200.0);  pacer.start(now);
//   while (in_flight < limit && pacer.ready(now)) { pacer.take(); launch(); }
//   if (auto t = pacer.next_due()) timer.arm(*t, ...);

#include <cstdint>
#include <optional>
#include <string_view>

#include "base/result.hpp"
#include "base/time.hpp"

namespace sotto::loadgen {

class RatePacer {
 public:
  explicit RatePacer(double per_second = 0) : rate_(per_second) {}

  void start(Timestamp now) { start_ = now; }
  bool ready(Timestamp now) const { return rate_ <= 0 || now >= due(taken_); }
  void take() { ++taken_; }
  // When the next attempt is due; nullopt without a rate (always ready).
  std::optional<Timestamp> next_due() const;
  std::uint64_t taken() const noexcept { return taken_; }
  double rate() const noexcept { return rate_; }

 private:
  Timestamp due(std::uint64_t i) const;

  double rate_ = 0;
  Timestamp start_{};
  std::uint64_t taken_ = 0;
};

// "200", "200/s", "12.5/s" -> 200, 12.5; fails naming the text for anything else (0 and negatives too).
Result<double> parse_rate(std::string_view text);

}  // namespace sotto::loadgen
