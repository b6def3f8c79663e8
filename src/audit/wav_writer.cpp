#include "audit/wav_writer.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>
#include <vector>

namespace sotto::audit {

void write_wav(const std::string& path, std::span<const std::int16_t> samples, int sample_rate) {
  std::vector<std::uint8_t> h;
  auto u32 = [&](std::uint32_t v) { for (int i = 0; i < 4; ++i) h.push_back(static_cast<std::uint8_t>(v >> (8 * i))); };
  auto u16 = [&](std::uint16_t v) { for (int i = 0; i < 2; ++i) h.push_back(static_cast<std::uint8_t>(v >> (8 * i))); };
  auto tag = [&](const char* t) { h.insert(h.end(), t, t + 4); };
  auto data_bytes = static_cast<std::uint32_t>(samples.size() * 2);
  tag("RIFF");
  u32(36 + data_bytes);
  tag("WAVE");
  tag("fmt ");
  u32(16);
  u16(1);  // PCM
  u16(1);  // mono
  u32(static_cast<std::uint32_t>(sample_rate));
  u32(static_cast<std::uint32_t>(sample_rate) * 2);
  u16(2);
  u16(16);
  tag("data");
  u32(data_bytes);
  std::ofstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error(path + ": cannot write: " + std::strerror(errno));
  f.write(reinterpret_cast<const char*>(h.data()), static_cast<std::streamsize>(h.size()));
  for (std::int16_t s : samples) {
    char b[2] = {static_cast<char>(s & 0xFF), static_cast<char>((s >> 8) & 0xFF)};
    f.write(b, 2);
  }
  if (!f) throw std::runtime_error(path + ": write failed");
}

}  // namespace sotto::audit
