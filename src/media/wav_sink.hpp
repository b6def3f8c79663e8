#pragma once
// WavSink: writes 16-bit mono PCM (8 kHz by default) to a WAV file through libsndfile; the header is
// finalised on close() or destruction.
//
//   auto sink = WavSink::create("received.wav").value();
//   session.set_sink(&sink);                    // or sink.write(pcm)
//   if (auto s = sink.close(); !s) log(s.error().message());

#include <cstdint>
#include <filesystem>
#include <memory>
#include <span>

#include "base/result.hpp"
#include "media/frame_source.hpp"

struct sf_private_tag;

namespace sotto::media {

class WavSink : public FrameSink {
 public:
  // Fails (io_error) naming the path and libsndfile's reason (missing directory, no permission).
  static Result<WavSink> create(const std::filesystem::path& path, std::uint32_t sample_rate = 8000);
  WavSink(WavSink&&) noexcept;
  WavSink& operator=(WavSink&&) noexcept;
  ~WavSink() override;

  Status write(std::span<const std::int16_t> pcm);
  // FrameSink: a failed write is remembered and reported by close().
  void write_frame(std::span<const std::int16_t> frame) override;
  Status close();

  std::uint64_t samples_written() const noexcept { return written_; }
  const std::filesystem::path& path() const noexcept { return path_; }

 private:
  struct Closer {
    void operator()(sf_private_tag* f) const noexcept;
  };
  WavSink(std::filesystem::path path, sf_private_tag* file);

  std::filesystem::path path_;
  std::unique_ptr<sf_private_tag, Closer> file_;
  std::uint64_t written_ = 0;
  Status deferred_;
};

}  // namespace sotto::media
