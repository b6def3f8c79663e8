#pragma once
// Audio checks for end-to-end tests: normalised cross-correlation with a best-lag search (did the
// far end hear what we played, and how late?) and a Goertzel detector for one tone frequency.
//
//   auto c = best_correlation(played, recorded, /*max_lag=*/8000);   // search up to 1 s at 8 kHz
//   EXPECT_GT(c.peak, 0.9);  EXPECT_NEAR(c.lag, 2400, 1);             // recorded = played delayed 300 ms
//   EXPECT_GT(goertzel_relative_power(recorded, 440.0, 8000.0), 0.8);

#include <cstddef>
#include <cstdint>
#include <span>

namespace sotto::media {

struct Correlation {
  double peak = 0;         // normalised correlation at the best lag, -1..1
  std::ptrdiff_t lag = 0;  // samples by which `received` trails `reference` (negative: leads)
  std::size_t overlap = 0; // samples compared at that lag
};

// For each lag in [-max_lag, max_lag], correlates reference[i] with received[i + lag] over their
// overlap: sum(x*y) / sqrt(sum(x*x) * sum(y*y)). Lags whose overlap is shorter than `min_overlap`
// (default: half the shorter signal) are skipped. Returns the lag with the highest correlation;
// a zero result (peak 0) when nothing overlaps or a signal is all silence. O(n * max_lag).
Correlation best_correlation(std::span<const std::int16_t> reference, std::span<const std::int16_t> received,
                             std::size_t max_lag, std::size_t min_overlap = 0);

// Goertzel: the power of `frequency` in `samples` (same units as sum of squares over the block).
double goertzel_power(std::span<const std::int16_t> samples, double frequency, double sample_rate);
// That power as a fraction of the block's total energy (0..~1): ~1 for a pure tone at `frequency`.
double goertzel_relative_power(std::span<const std::int16_t> samples, double frequency, double sample_rate);

}  // namespace sotto::media
