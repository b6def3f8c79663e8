#include "audit/audio_decode.hpp"

#include <algorithm>

extern "C" {
#include <spandsp/telephony.h>
#include <spandsp/g722.h>
}

namespace sotto::audit {

// G.711 section A.2 / A.3 expansion.
std::int16_t ulaw_to_linear(std::uint8_t u) noexcept {
  u = static_cast<std::uint8_t>(~u);
  int t = ((u & 0x0F) << 3) + 0x84;
  t <<= (u & 0x70) >> 4;
  return static_cast<std::int16_t>((u & 0x80) ? (0x84 - t) : (t - 0x84));
}

std::int16_t alaw_to_linear(std::uint8_t a) noexcept {
  a ^= 0x55;
  int t = (a & 0x0F) << 4;
  int seg = (a & 0x70) >> 4;
  if (seg == 0) t += 8;
  else if (seg == 1) t += 0x108;
  else t = (t + 0x108) << (seg - 1);
  return static_cast<std::int16_t>((a & 0x80) ? t : -t);
}

DecodedAudio decode_audio(std::uint8_t payload_type, std::span<const std::uint8_t> bytes, std::span<const std::uint8_t> present) {
  DecodedAudio out;
  if (payload_type == 0 || payload_type == 8) {
    out.samples.resize(bytes.size(), 0);
    for (std::size_t i = 0; i < bytes.size(); ++i) {
      if (!present[i]) continue;
      out.samples[i] = payload_type == 0 ? ulaw_to_linear(bytes[i]) : alaw_to_linear(bytes[i]);
    }
    return out;
  }
  if (payload_type == 9) {
    // G.722 samples at 16 kHz; its RTP clock runs at 8 kHz (RFC 3551 4.5.2), one byte per tick.
    out.sample_rate = 16000;
    out.samples.resize(bytes.size() * 2, 0);
    g722_decode_state_t* st = g722_decode_init(nullptr, 64000, 0);
    if (!st) return out;
    std::size_t i = 0;
    while (i < bytes.size()) {
      if (!present[i]) {
        ++i;
        continue;
      }
      std::size_t j = i;
      while (j < bytes.size() && present[j]) ++j;
      g722_decode(st, out.samples.data() + 2 * i, bytes.data() + i, static_cast<int>(j - i));
      i = j;
    }
    g722_decode_free(st);
    return out;
  }
  return out;
}

std::vector<std::pair<float, float>> waveform(std::span<const std::int16_t> samples, std::size_t buckets) {
  std::vector<std::pair<float, float>> out;
  if (samples.empty() || buckets == 0) return out;
  std::size_t n = std::min(buckets, samples.size());
  for (std::size_t b = 0; b < n; ++b) {
    std::size_t lo = samples.size() * b / n, hi = samples.size() * (b + 1) / n;
    std::int16_t mn = 0, mx = 0;
    for (std::size_t i = lo; i < hi; ++i) {
      mn = std::min(mn, samples[i]);
      mx = std::max(mx, samples[i]);
    }
    out.emplace_back(static_cast<float>(mn) / 32768.0f, static_cast<float>(mx) / 32768.0f);
  }
  return out;
}

}  // namespace sotto::audit
