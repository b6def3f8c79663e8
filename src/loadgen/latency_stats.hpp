#pragma once
// LatencyStats: the samples of one latency (handshake, REGISTER -> 200, INVITE -> 200) and their
// percentiles by the nearest-rank method (the smallest sample with at least p% of the samples at or below
// it), so p100 is the maximum and every reported value is a latency that was measured.
//
//   LatencyStats s;  s.add(12.5);  s.add(3.0);
//   s.percentile(50) == 3.0;  s.percentile(99) == 12.5;

#include <cstddef>
#include <optional>
#include <vector>

namespace sotto::loadgen {

class LatencyStats {
 public:
  void add(double ms) { samples_.push_back(ms); sorted_ = false; }
  std::size_t count() const noexcept { return samples_.size(); }
  // nullopt without samples; p is clamped to [0, 100] (p 0 = the minimum).
  std::optional<double> percentile(double p) const;
  std::optional<double> mean() const;
  std::optional<double> max() const { return percentile(100); }

 private:
  mutable std::vector<double> samples_;
  mutable bool sorted_ = true;
};

}  // namespace sotto::loadgen
