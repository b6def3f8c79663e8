#pragma once
// Decoding the audio kept per stream: G.711 mu-law/A-law (ITU-T G.711) and G.722 (libspandsp), with
// missing ticks as silence, and the waveform summary used by the reports.
//
//   auto pcm = decode_audio(9, bytes, present);          // G.722: 16 kHz, two samples per byte
//   auto wave = waveform(pcm.samples, 200);              // up to 200 [min, max] pairs in [-1, 1]

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace sotto::audit {

struct DecodedAudio {
  int sample_rate = 8000;
  std::vector<std::int16_t> samples;
};

std::int16_t ulaw_to_linear(std::uint8_t u) noexcept;
std::int16_t alaw_to_linear(std::uint8_t a) noexcept;

// `payload_type` 0 (PCMU), 8 (PCMA) or 9 (G.722); `present[i]` == 0 marks a lost byte.
DecodedAudio decode_audio(std::uint8_t payload_type, std::span<const std::uint8_t> bytes,
                          std::span<const std::uint8_t> present);

std::vector<std::pair<float, float>> waveform(std::span<const std::int16_t> samples, std::size_t buckets);

}  // namespace sotto::audit
