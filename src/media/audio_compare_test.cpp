#include "media/audio_compare.hpp"

#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <vector>

#include "media/g711.hpp"
#include "media/tone_generator.hpp"

namespace sotto::media {
namespace {

std::vector<std::int16_t> through_g711(const std::vector<std::int16_t>& pcm, G711Law law) {
  std::vector<std::uint8_t> coded(pcm.size());
  std::vector<std::int16_t> out(pcm.size());
  g711_encode(law, pcm, coded);
  g711_decode(law, coded, out);
  return out;
}

std::vector<std::int16_t> noise(std::size_t n, unsigned seed) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> d(0, 6000);
  std::vector<std::int16_t> out(n);
  for (auto& s : out) s = static_cast<std::int16_t>(std::clamp(d(rng), -32000.0, 32000.0));
  return out;
}

// A tone whose loudness changes every 50 ms: unlike a pure sine it has one unambiguous best lag.
std::vector<std::int16_t> keyed_tone(std::size_t n) {
  ToneGenerator tone(440.0, 0.6);
  auto pcm = tone.generate(n);
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> level(0.2, 1.0);
  double g = 1.0;
  for (std::size_t i = 0; i < n; ++i) {
    if (i % 400 == 0) g = level(rng);
    pcm[i] = static_cast<std::int16_t>(pcm[i] * g);
  }
  return pcm;
}

TEST(AudioCompare, ToneThroughG711CorrelatesWithItsSource) {
  ToneGenerator tone(440.0, 0.5);
  const auto src = tone.generate(16000);
  for (auto law : {G711Law::mu_law, G711Law::a_law}) {
    const auto c = best_correlation(src, through_g711(src, law), 200);
    EXPECT_GT(c.peak, 0.95);
    // A pure tone matches itself every whole number of periods: 200 samples = 11 periods of 440 Hz.
    EXPECT_EQ(c.lag % 200, 0);
  }
}

TEST(AudioCompare, FindsA300msShift) {
  const auto src = keyed_tone(16000);
  std::vector<std::int16_t> received(2400, 0);  // 300 ms of silence first
  const auto coded = through_g711(src, G711Law::mu_law);
  received.insert(received.end(), coded.begin(), coded.end());
  const auto c = best_correlation(src, received, 8000);
  EXPECT_GT(c.peak, 0.95);
  EXPECT_EQ(c.lag, 2400);

  // A pure tone is found too (to within one period: a sine matches itself every 18.2 samples).
  ToneGenerator tone(440.0, 0.5);
  const auto pure = tone.generate(16000);
  std::vector<std::int16_t> shifted(2400, 0);
  shifted.insert(shifted.end(), pure.begin(), pure.end());
  const auto p = best_correlation(pure, shifted, 8000);
  EXPECT_GT(p.peak, 0.99);
  EXPECT_NEAR(static_cast<double>(p.lag), 2400.0, 19.0);
}

TEST(AudioCompare, NoiseDoesNotCorrelateWithATone) {
  ToneGenerator tone(440.0, 0.5);
  const auto src = tone.generate(16000);
  const auto c = best_correlation(src, noise(16000, 1), 800);
  EXPECT_LT(c.peak, 0.2);
}

TEST(AudioCompare, SilenceGivesZero) {
  std::vector<std::int16_t> silence(1000, 0);
  ToneGenerator tone(440.0);
  EXPECT_EQ(best_correlation(tone.generate(1000), silence, 100).peak, 0.0);
  EXPECT_EQ(best_correlation({}, silence, 100).peak, 0.0);
}

TEST(Goertzel, DetectsTheToneFrequency) {
  ToneGenerator tone(1000.0, 0.5);
  const auto pcm = tone.generate(800);  // 100 ms
  EXPECT_GT(goertzel_relative_power(pcm, 1000.0, 8000.0), 0.9);
  EXPECT_LT(goertzel_relative_power(pcm, 1300.0, 8000.0), 0.05);
  EXPECT_LT(goertzel_relative_power(noise(800, 3), 1000.0, 8000.0), 0.1);
  EXPECT_GT(goertzel_power(pcm, 1000.0, 8000.0), 100 * goertzel_power(pcm, 697.0, 8000.0));
}

TEST(ToneGenerator, ContinuousAcrossFrames) {
  ToneGenerator a(440.0, 0.5);
  ToneGenerator b(440.0, 0.5);
  std::vector<std::int16_t> whole = a.generate(320);
  std::vector<std::int16_t> parts(320);
  b.read_frame(std::span(parts).first(160));
  b.read_frame(std::span(parts).subspan(160));
  EXPECT_EQ(whole, parts);
  EXPECT_NEAR(*std::max_element(whole.begin(), whole.end()), 16384, 10);
}

}  // namespace
}  // namespace sotto::media
