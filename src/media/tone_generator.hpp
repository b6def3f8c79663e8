#pragma once
// ToneGenerator: a continuous sine at f Hz, phase kept across frames; for test WAVs and test calls.
//
//   ToneGenerator tone(440.0, 0.5);                     // 440 Hz, half of full scale, 8 kHz
//   std::vector<std::int16_t> pcm = tone.generate(8000);   // one second
//   session.set_source(&tone);

#include <cstdint>
#include <span>
#include <vector>

#include "media/frame_source.hpp"

namespace sotto::media {

class ToneGenerator : public FrameSource {
 public:
  // `amplitude`: 0..1 of full scale.
  explicit ToneGenerator(double frequency_hz, double amplitude = 0.5, double sample_rate = 8000.0) noexcept;

  void read_frame(std::span<std::int16_t> out) override;
  std::vector<std::int16_t> generate(std::size_t samples);

 private:
  double step_;       // radians per sample
  double amplitude_;  // in sample units
  double phase_ = 0;
};

}  // namespace sotto::media
