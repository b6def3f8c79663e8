#pragma once
// WavSource: an audio file (anything libsndfile reads: WAV of any rate, channels and bit depth, FLAC,
// ...) decoded once into 8 kHz mono 16-bit PCM (channels averaged, libsamplerate when the rate
// differs), handed out frame by frame. A default-constructed source is silence.
//
//   auto src = WavSource::open("prompt.wav", {.loop = true});
//   if (!src) return fail(...src.error()...);     // names the path and libsndfile's reason
//   session.set_source(&*src);

#include <cstdint>
#include <filesystem>
#include <span>
#include <vector>

#include "base/result.hpp"
#include "media/frame_source.hpp"

namespace sotto::media {

struct WavSourceOptions {
  bool loop = false;                // at the end start again; otherwise silence after the end
  std::uint32_t sample_rate = 8000; // output rate
};

class WavSource : public FrameSource {
 public:
  WavSource() = default;  // no file: silence forever

  // Fails: io_error (cannot open/read), unsupported (format libsndfile does not know, or an encoding
  // it cannot decode), malformed_input (corrupt file), invalid_argument (zero output rate); the
  // context names the path and libsndfile's/libsamplerate's message.
  static Result<WavSource> open(const std::filesystem::path& path, const WavSourceOptions& options = {});

  void read_frame(std::span<std::int16_t> out) override;

  // True when a non-looping source has played everything (or there is no file).
  bool finished() const noexcept { return !options_.loop && position_ >= pcm_.size(); }
  void rewind() noexcept { position_ = 0; }
  const std::vector<std::int16_t>& samples() const noexcept { return pcm_; }
  std::uint32_t file_sample_rate() const noexcept { return file_rate_; }
  std::uint32_t file_channels() const noexcept { return file_channels_; }

 private:
  WavSourceOptions options_;
  std::vector<std::int16_t> pcm_;
  std::size_t position_ = 0;
  std::uint32_t file_rate_ = 0;
  std::uint32_t file_channels_ = 0;
};

}  // namespace sotto::media
