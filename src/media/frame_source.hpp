#pragma once
// FrameSource / FrameSink: where a MediaSession takes 8 kHz mono PCM to send and puts what it plays.
// WavSource, ToneGenerator, WavSink and test recorders implement them.
//
//   struct Recorder : FrameSink { std::vector<std::int16_t> pcm;
//     void write_frame(std::span<const std::int16_t> f) override { pcm.insert(pcm.end(), f.begin(), f.end()); } };
//   session.set_sink(&recorder);

#include <cstdint>
#include <span>

namespace sotto::media {

class FrameSource {
 public:
  virtual ~FrameSource() = default;
  // Fills all of `out` (silence when there is nothing left).
  virtual void read_frame(std::span<std::int16_t> out) = 0;
};

class FrameSink {
 public:
  virtual ~FrameSink() = default;
  virtual void write_frame(std::span<const std::int16_t> frame) = 0;
};

}  // namespace sotto::media
