#include "media/audio_compare.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>
#include <vector>

namespace sotto::media {
namespace {

std::vector<std::int64_t> prefix_energy(std::span<const std::int16_t> x) {
  std::vector<std::int64_t> p(x.size() + 1, 0);
  for (std::size_t i = 0; i < x.size(); ++i) p[i + 1] = p[i] + std::int64_t{x[i]} * x[i];
  return p;
}

std::int64_t dot(const std::int16_t* a, const std::int16_t* b, std::size_t n) {
  std::int64_t sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += std::int32_t{a[i]} * std::int32_t{b[i]};
  return sum;
}

}  // namespace

Correlation best_correlation(std::span<const std::int16_t> reference, std::span<const std::int16_t> received,
                             std::size_t max_lag, std::size_t min_overlap) {
  Correlation best;
  if (reference.empty() || received.empty()) return best;
  if (min_overlap == 0) min_overlap = std::max<std::size_t>(1, std::min(reference.size(), received.size()) / 2);
  const auto e_ref = prefix_energy(reference);
  const auto e_rec = prefix_energy(received);
  const auto n_ref = static_cast<std::ptrdiff_t>(reference.size());
  const auto n_rec = static_cast<std::ptrdiff_t>(received.size());
  const auto max = static_cast<std::ptrdiff_t>(max_lag);
  bool found = false;
  for (std::ptrdiff_t lag = -max; lag <= max; ++lag) {
    // reference[i] against received[i + lag] for i in [begin, end).
    const std::ptrdiff_t begin = std::max<std::ptrdiff_t>(0, -lag);
    const std::ptrdiff_t end = std::min(n_ref, n_rec - lag);
    if (end - begin < static_cast<std::ptrdiff_t>(min_overlap)) continue;
    const auto n = static_cast<std::size_t>(end - begin);
    const double ex = static_cast<double>(e_ref[static_cast<std::size_t>(end)] - e_ref[static_cast<std::size_t>(begin)]);
    const double ey = static_cast<double>(e_rec[static_cast<std::size_t>(end + lag)] -
                                          e_rec[static_cast<std::size_t>(begin + lag)]);
    if (ex <= 0 || ey <= 0) continue;
    const double xy = static_cast<double>(dot(&reference[static_cast<std::size_t>(begin)],
                                              &received[static_cast<std::size_t>(begin + lag)], n));
    const double c = xy / std::sqrt(ex * ey);
    if (!found || c > best.peak) {
      best = Correlation{c, lag, n};
      found = true;
    }
  }
  return best;
}

double goertzel_power(std::span<const std::int16_t> samples, double frequency, double sample_rate) {
  const double w = 2.0 * std::numbers::pi * frequency / sample_rate;
  const double coeff = 2.0 * std::cos(w);
  double s1 = 0;
  double s2 = 0;
  for (std::int16_t x : samples) {
    const double s = x + coeff * s1 - s2;
    s2 = s1;
    s1 = s;
  }
  return s1 * s1 + s2 * s2 - coeff * s1 * s2;
}

double goertzel_relative_power(std::span<const std::int16_t> samples, double frequency, double sample_rate) {
  double energy = 0;
  for (std::int16_t x : samples) energy += static_cast<double>(x) * x;
  if (energy <= 0 || samples.empty()) return 0;
  return 2.0 * goertzel_power(samples, frequency, sample_rate) / (static_cast<double>(samples.size()) * energy);
}

}  // namespace sotto::media
