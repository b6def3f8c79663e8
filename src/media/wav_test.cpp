#include <gtest/gtest.h>
#include <sndfile.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <vector>

#include "media/audio_compare.hpp"
#include "media/tone_generator.hpp"
#include "media/wav_sink.hpp"
#include "media/wav_source.hpp"

namespace sotto::media {
namespace {

namespace fs = std::filesystem;

class WavTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("sotto_media_wav_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // A float WAV at `rate` with `channels` carrying the same tone in every channel.
  fs::path write_float_wav(const std::string& name, int rate, int channels, double seconds, double hz) {
    const fs::path p = dir_ / name;
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = channels;
    info.format = SF_FORMAT_WAV | SF_FORMAT_FLOAT;
    SNDFILE* f = sf_open(p.c_str(), SFM_WRITE, &info);
    EXPECT_NE(f, nullptr) << sf_strerror(nullptr);
    const auto frames = static_cast<std::size_t>(rate * seconds);
    std::vector<float> data(frames * static_cast<std::size_t>(channels));
    for (std::size_t i = 0; i < frames; ++i) {
      for (int c = 0; c < channels; ++c) {
        data[i * static_cast<std::size_t>(channels) + static_cast<std::size_t>(c)] =
            static_cast<float>(0.5 * std::sin(2 * M_PI * hz * static_cast<double>(i) / rate));
      }
    }
    sf_writef_float(f, data.data(), static_cast<sf_count_t>(frames));
    sf_close(f);
    return p;
  }

  fs::path dir_;
};

TEST_F(WavTest, SinkWritesWhatSourceReads) {
  ToneGenerator tone(440.0, 0.5);
  const auto pcm = tone.generate(8000);
  {
    auto sink = WavSink::create(dir_ / "out.wav").value();
    for (std::size_t i = 0; i < pcm.size(); i += 160) sink.write_frame(std::span(pcm).subspan(i, 160));
    EXPECT_TRUE(sink.close());
    EXPECT_EQ(sink.samples_written(), 8000u);
  }
  auto src = WavSource::open(dir_ / "out.wav").value();
  EXPECT_EQ(src.file_sample_rate(), 8000u);
  EXPECT_EQ(src.file_channels(), 1u);
  ASSERT_EQ(src.samples().size(), 8000u);
  for (std::size_t i = 0; i < pcm.size(); ++i) ASSERT_NEAR(src.samples()[i], pcm[i], 1) << i;
}

TEST_F(WavTest, ResamplesAndMixesDownAnyRate) {
  const auto p = write_float_wav("stereo48k.wav", 48000, 2, 1.0, 440.0);
  auto src = WavSource::open(p).value();
  EXPECT_EQ(src.file_sample_rate(), 48000u);
  EXPECT_EQ(src.file_channels(), 2u);
  EXPECT_NEAR(static_cast<double>(src.samples().size()), 8000.0, 16.0);
  // Still a 440 Hz tone at 8 kHz.
  EXPECT_GT(goertzel_relative_power(std::span(src.samples()).subspan(1000, 4000), 440.0, 8000.0), 0.9);
  ToneGenerator tone(440.0, 0.5);
  EXPECT_GT(best_correlation(tone.generate(6000), src.samples(), 40).peak, 0.95);
}

TEST_F(WavTest, FramesLoopOrEnd) {
  {
    auto sink = WavSink::create(dir_ / "short.wav").value();
    std::vector<std::int16_t> ramp(200);
    for (std::size_t i = 0; i < ramp.size(); ++i) ramp[i] = static_cast<std::int16_t>(i + 1);
    ASSERT_TRUE(sink.write(ramp));
  }
  std::vector<std::int16_t> frame(160);
  auto once = WavSource::open(dir_ / "short.wav").value();
  once.read_frame(frame);
  EXPECT_EQ(frame[0], 1);
  once.read_frame(frame);
  EXPECT_EQ(frame[39], 200);
  EXPECT_EQ(frame[40], 0);  // then silence
  EXPECT_TRUE(once.finished());

  auto looped = WavSource::open(dir_ / "short.wav", {.loop = true, .sample_rate = 8000}).value();
  looped.read_frame(frame);
  looped.read_frame(frame);
  EXPECT_EQ(frame[40], 1);  // starts again
  EXPECT_FALSE(looped.finished());

  WavSource none;
  none.read_frame(frame);
  EXPECT_EQ(frame, std::vector<std::int16_t>(160, 0));
}

TEST_F(WavTest, ClearErrors) {
  auto missing = WavSource::open(dir_ / "nope.wav");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, Errc::io_error);
  EXPECT_NE(missing.error().context.find("nope.wav"), std::string::npos) << missing.error().context;

  const fs::path junk = dir_ / "junk.wav";
  std::ofstream(junk) << "this is not audio at all, just text that libsndfile cannot recognise";
  auto bad = WavSource::open(junk);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, Errc::unsupported) << bad.error().message();
  EXPECT_NE(bad.error().context.find("junk.wav"), std::string::npos);

  auto nowhere = WavSink::create(dir_ / "no" / "such" / "dir.wav");
  ASSERT_FALSE(nowhere);
  EXPECT_NE(nowhere.error().context.find("dir.wav"), std::string::npos);
}

}  // namespace
}  // namespace sotto::media
