#include "media/wav_sink.hpp"

#include <sndfile.h>

#include <string>

namespace sotto::media {

void WavSink::Closer::operator()(sf_private_tag* f) const noexcept { sf_close(f); }

WavSink::WavSink(std::filesystem::path path, sf_private_tag* file) : path_(std::move(path)), file_(file) {}
WavSink::WavSink(WavSink&&) noexcept = default;
WavSink& WavSink::operator=(WavSink&&) noexcept = default;
WavSink::~WavSink() = default;

Result<WavSink> WavSink::create(const std::filesystem::path& path, std::uint32_t sample_rate) {
  if (sample_rate == 0) return fail(Errc::invalid_argument, "WAV file " + path.string() + ": sample rate 0");
  SF_INFO info{};
  info.samplerate = static_cast<int>(sample_rate);
  info.channels = 1;
  info.format = SF_FORMAT_WAV | SF_FORMAT_PCM_16;
  SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
  if (!f) return fail(Errc::io_error, "WAV file " + path.string() + ": " + sf_strerror(nullptr));
  return WavSink(path, f);
}

Status WavSink::write(std::span<const std::int16_t> pcm) {
  if (!file_) return fail(Errc::invalid_state, "WAV file " + path_.string() + ": already closed");
  const sf_count_t n = sf_write_short(file_.get(), pcm.data(), static_cast<sf_count_t>(pcm.size()));
  if (n > 0) written_ += static_cast<std::uint64_t>(n);
  if (n != static_cast<sf_count_t>(pcm.size())) {
    return fail(Errc::io_error, "WAV file " + path_.string() + ": " + sf_strerror(file_.get()));
  }
  return {};
}

void WavSink::write_frame(std::span<const std::int16_t> frame) {
  if (auto s = write(frame); !s && deferred_) deferred_ = s;
}

Status WavSink::close() {
  if (file_) {
    if (int e = sf_close(file_.release()); e != 0 && deferred_) {
      deferred_ = fail(Errc::io_error, "WAV file " + path_.string() + ": " + sf_error_number(e));
    }
  }
  return deferred_;
}

}  // namespace sotto::media
