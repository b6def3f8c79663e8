#include "media/wav_source.hpp"

#include <samplerate.h>
#include <sndfile.h>

#include <algorithm>
#include <cmath>
#include <memory>
#include <string>

namespace sotto::media {
namespace {

struct SndfileCloser {
  void operator()(SNDFILE* f) const noexcept { sf_close(f); }
};
struct SrcDeleter {
  void operator()(SRC_STATE* s) const noexcept { src_delete(s); }
};

Errc errc_of(int sf_err) {
  switch (sf_err) {
    case SF_ERR_UNRECOGNISED_FORMAT:
    case SF_ERR_UNSUPPORTED_ENCODING:
      return Errc::unsupported;
    case SF_ERR_MALFORMED_FILE:
      return Errc::malformed_input;
    default:
      return Errc::io_error;
  }
}

std::int16_t to_pcm16(float x) {
  return static_cast<std::int16_t>(std::lround(std::clamp(x, -1.0f, 1.0f) * 32767.0f));
}

}  // namespace

Result<WavSource> WavSource::open(const std::filesystem::path& path, const WavSourceOptions& options) {
  if (options.sample_rate == 0) return fail(Errc::invalid_argument, "WavSource " + path.string() + ": output rate 0");
  SF_INFO info{};
  std::unique_ptr<SNDFILE, SndfileCloser> file(sf_open(path.c_str(), SFM_READ, &info));
  if (!file) {
    const int err = sf_error(nullptr);
    return fail(errc_of(err), "audio file " + path.string() + ": " + sf_strerror(nullptr));
  }
  if (info.channels <= 0 || info.samplerate <= 0) {
    return fail(Errc::unsupported, "audio file " + path.string() + ": " + std::to_string(info.channels) +
                                       " channels at " + std::to_string(info.samplerate) + " Hz");
  }
  WavSource src;
  src.options_ = options;
  src.file_rate_ = static_cast<std::uint32_t>(info.samplerate);
  src.file_channels_ = static_cast<std::uint32_t>(info.channels);
  const double ratio = static_cast<double>(options.sample_rate) / info.samplerate;
  const bool resample = info.samplerate != static_cast<int>(options.sample_rate);

  int src_err = 0;
  std::unique_ptr<SRC_STATE, SrcDeleter> resampler;
  if (resample) {
    if (!src_is_valid_ratio(ratio)) {
      return fail(Errc::unsupported, "audio file " + path.string() + ": cannot resample " +
                                         std::to_string(info.samplerate) + " Hz to " + std::to_string(options.sample_rate));
    }
    resampler.reset(src_new(SRC_SINC_MEDIUM_QUALITY, 1, &src_err));
    if (!resampler) {
      return fail(Errc::io_error, "audio file " + path.string() + ": libsamplerate: " + src_strerror(src_err));
    }
  }

  // Read in blocks: interleaved float -> mono (channel average) -> resampled -> 16-bit.
  constexpr sf_count_t kBlock = 4096;
  const auto channels = static_cast<std::size_t>(info.channels);
  std::vector<float> interleaved(static_cast<std::size_t>(kBlock) * channels);
  std::vector<float> mono(static_cast<std::size_t>(kBlock));
  std::vector<float> out(static_cast<std::size_t>(std::ceil(kBlock * ratio)) + 64);
  bool end = false;
  while (!end) {
    const sf_count_t got = sf_readf_float(file.get(), interleaved.data(), kBlock);
    if (got < 0) return fail(Errc::io_error, "audio file " + path.string() + ": " + sf_strerror(file.get()));
    end = got < kBlock;
    for (sf_count_t i = 0; i < got; ++i) {
      float sum = 0;
      for (std::size_t c = 0; c < channels; ++c) sum += interleaved[static_cast<std::size_t>(i) * channels + c];
      mono[static_cast<std::size_t>(i)] = sum / static_cast<float>(channels);
    }
    if (!resample) {
      for (sf_count_t i = 0; i < got; ++i) src.pcm_.push_back(to_pcm16(mono[static_cast<std::size_t>(i)]));
      continue;
    }
    SRC_DATA d{};
    d.data_in = mono.data();
    d.input_frames = got;
    d.src_ratio = ratio;
    d.end_of_input = end ? 1 : 0;
    // Drain: libsamplerate may hold samples back until end_of_input.
    do {
      d.data_out = out.data();
      d.output_frames = static_cast<long>(out.size());
      if (int e = src_process(resampler.get(), &d); e != 0) {
        return fail(Errc::io_error, "audio file " + path.string() + ": libsamplerate: " + src_strerror(e));
      }
      for (long i = 0; i < d.output_frames_gen; ++i) src.pcm_.push_back(to_pcm16(out[static_cast<std::size_t>(i)]));
      d.data_in += d.input_frames_used;
      d.input_frames -= d.input_frames_used;
    } while (d.input_frames > 0 || (end && d.output_frames_gen > 0));
  }
  return src;
}

void WavSource::read_frame(std::span<std::int16_t> out) {
  std::size_t i = 0;
  while (i < out.size()) {
    if (position_ >= pcm_.size()) {
      if (!options_.loop || pcm_.empty()) break;
      position_ = 0;
    }
    const std::size_t n = std::min(out.size() - i, pcm_.size() - position_);
    std::copy_n(pcm_.begin() + static_cast<std::ptrdiff_t>(position_), n, out.begin() + static_cast<std::ptrdiff_t>(i));
    position_ += n;
    i += n;
  }
  std::fill(out.begin() + static_cast<std::ptrdiff_t>(i), out.end(), std::int16_t{0});
}

}  // namespace sotto::media
