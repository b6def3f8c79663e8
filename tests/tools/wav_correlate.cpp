// wav_correlate REF.wav REC.wav [MAX_LAG_MS]: how well a recording matches the audio that was sent.
// Prints one JSON object {"peak": 0.97, "lag_ms": 84.0, "overlap": 24000, "rms": 1234}; exit 0 always
// when both files were read (the caller judges the peak), 2 on a read error. Used by the interop tests.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "media/audio_compare.hpp"
#include "media/wav_source.hpp"

namespace {

std::vector<std::int16_t> read_all(const char* path, bool& ok) {
  auto src = sotto::media::WavSource::open(path, {false, 8000});
  ok = static_cast<bool>(src);
  if (!ok) {
    std::fprintf(stderr, "wav_correlate: %s\n", src.error().message().c_str());
    return {};
  }
  std::vector<std::int16_t> all;
  std::int16_t frame[160];
  // WavSource yields silence after the end; stop after a long run of exact zeros.
  std::size_t zero_frames = 0;
  for (int i = 0; i < 8000 * 120 / 160 && zero_frames < 100; ++i) {
    src->read_frame(frame);
    bool zero = true;
    for (auto s : frame) zero = zero && s == 0;
    zero_frames = zero ? zero_frames + 1 : 0;
    all.insert(all.end(), frame, frame + 160);
  }
  return all;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: wav_correlate REF.wav REC.wav [MAX_LAG_MS]\n");
    return 2;
  }
  const double max_lag_ms = argc > 3 ? std::stod(argv[3]) : 1000.0;
  bool ok_ref = false, ok_rec = false;
  auto ref = read_all(argv[1], ok_ref);
  auto rec = read_all(argv[2], ok_rec);
  if (!ok_ref || !ok_rec) return 2;
  double energy = 0;
  for (auto s : rec) energy += double(s) * s;
  const double rms = rec.empty() ? 0 : std::sqrt(energy / static_cast<double>(rec.size()));
  // The last second of actual recording (trailing zeros past the end of the file dropped): was there
  // audio at the end of the call, e.g. after a hold/resume?
  std::size_t end = rec.size();
  while (end > 0 && rec[end - 1] == 0) --end;
  const std::size_t tail_start = end > 8000 ? end - 8000 : 0;
  double tail_energy = 0;
  for (std::size_t i = tail_start; i < end; ++i) tail_energy += double(rec[i]) * rec[i];
  const double tail_rms = end > tail_start ? std::sqrt(tail_energy / static_cast<double>(end - tail_start)) : 0;
  // Compare a 2-second window of the reference (the start of the call) against the whole recording.
  const std::size_t window = std::min<std::size_t>(ref.size(), 8000 * 2);
  auto c = sotto::media::best_correlation(std::span(ref).first(window), rec,
                                          static_cast<std::size_t>(max_lag_ms * 8), window / 2);
  std::printf("{\"peak\": %.4f, \"lag_ms\": %.1f, \"overlap\": %zu, \"rms\": %.0f, \"tail_rms\": %.0f, \"seconds\": %.2f}\n",
              c.peak, static_cast<double>(c.lag) / 8.0, c.overlap, rms, tail_rms, static_cast<double>(end) / 8000.0);
  return 0;
}
