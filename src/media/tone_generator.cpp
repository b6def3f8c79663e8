#include "media/tone_generator.hpp"

#include <algorithm>
#include <cmath>
#include <numbers>

namespace sotto::media {

ToneGenerator::ToneGenerator(double frequency_hz, double amplitude, double sample_rate) noexcept
    : step_(2.0 * std::numbers::pi * frequency_hz / sample_rate),
      amplitude_(std::clamp(amplitude, 0.0, 1.0) * 32767.0) {}

void ToneGenerator::read_frame(std::span<std::int16_t> out) {
  for (auto& s : out) {
    s = static_cast<std::int16_t>(std::lround(amplitude_ * std::sin(phase_)));
    phase_ += step_;
    if (phase_ > 2.0 * std::numbers::pi) phase_ -= 2.0 * std::numbers::pi;
  }
}

std::vector<std::int16_t> ToneGenerator::generate(std::size_t samples) {
  std::vector<std::int16_t> out(samples);
  read_frame(out);
  return out;
}

}  // namespace sotto::media
