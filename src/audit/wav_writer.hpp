#pragma once
// write_wav: 16-bit mono PCM as a RIFF/WAVE file (the --extract output).
//
//   write_wav("out/call1_0x1234abcd.wav", samples, 8000);   // throws std::runtime_error naming the path

#include <cstdint>
#include <span>
#include <string>

namespace sotto::audit {

void write_wav(const std::string& path, std::span<const std::int16_t> samples, int sample_rate);

}  // namespace sotto::audit
