// LatencyStats (see latency_stats.hpp).
#include "loadgen/latency_stats.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace sotto::loadgen {

std::optional<double> LatencyStats::percentile(double p) const {
  if (samples_.empty()) return std::nullopt;
  if (!sorted_) {
    std::sort(samples_.begin(), samples_.end());
    sorted_ = true;
  }
  p = std::clamp(p, 0.0, 100.0);
  // Nearest rank: ceil(p/100 * n), 1-based; rank 0 (p = 0) is the first sample.
  const auto n = static_cast<double>(samples_.size());
  // p * n first: whole-number ranks stay exact (p / 100 is not exact in binary floating point).
  auto rank = static_cast<std::size_t>(std::ceil(p * n / 100.0));
  if (rank == 0) rank = 1;
  return samples_[rank - 1];
}

std::optional<double> LatencyStats::mean() const {
  if (samples_.empty()) return std::nullopt;
  return std::accumulate(samples_.begin(), samples_.end(), 0.0) / static_cast<double>(samples_.size());
}

}  // namespace sotto::loadgen
