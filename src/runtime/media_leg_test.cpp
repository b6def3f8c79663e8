// Two MediaLegs on loopback, in real time for about two seconds: SRTP both ways, audio checked by
// correlation with the source, and a key mismatch that must yield auth failures and no audio.
#include "runtime/media_leg.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "core/srtp/testing_packets.hpp"
#include "io/system_clock.hpp"
#include "media/audio_compare.hpp"

namespace sotto::runtime {
namespace {

namespace fs = std::filesystem;

fs::path temp_dir() {
  fs::path d = fs::temp_directory_path() / ("sotto-media-leg-" + std::to_string(::getpid()));
  fs::create_directories(d);
  return d;
}

// Band-limited noise: a unique correlation peak, unlike a pure tone.
std::vector<std::int16_t> noise(std::size_t n) {
  std::mt19937 rng(42);
  std::normal_distribution<double> g(0, 3000);
  std::vector<std::int16_t> out(n);
  double y = 0;
  for (auto& s : out) {
    y = 0.7 * y + 0.3 * g(rng);
    s = static_cast<std::int16_t>(y);
  }
  return out;
}

void write_wav(const fs::path& p, const std::vector<std::int16_t>& samples) {
  auto sink = media::WavSink::create(p).value();
  for (std::size_t i = 0; i + 160 <= samples.size(); i += 160) sink.write_frame(std::span(samples).subspan(i, 160));
}

std::vector<std::int16_t> read_wav(const fs::path& p) {
  auto src = media::WavSource::open(p, {false, 8000}).value();
  std::vector<std::int16_t> all;
  std::int16_t frame[160];
  for (int i = 0; i < 400; ++i) {
    src.read_frame(frame);
    all.insert(all.end(), frame, frame + 160);
  }
  return all;
}

void run_for(asio::io_context& io, std::chrono::milliseconds d) {
  io.restart();
  io.run_for(d);
}

struct Call {
  asio::io_context io;
  io::SystemClock clock;
  std::unique_ptr<MediaLeg> a, b;
};

void connect(Call& c, const MediaLegOptions& oa, const MediaLegOptions& ob, std::optional<srtp::Policy> a_tx,
             std::optional<srtp::Policy> b_rx, std::optional<srtp::Policy> b_tx, std::optional<srtp::Policy> a_rx) {
  c.a = MediaLeg::open(c.io, c.clock, oa).value();
  c.b = MediaLeg::open(c.io, c.clock, ob).value();
  auto ep = [](std::uint16_t port) { return io::Endpoint::parse("127.0.0.1:" + std::to_string(port)).value(); };
  ASSERT_TRUE(c.a->start(ep(c.b->rtp_port()), ep(c.b->rtp_port() + 1), a_tx, a_rx));
  ASSERT_TRUE(c.b->start(ep(c.a->rtp_port()), ep(c.a->rtp_port() + 1), b_tx, b_rx));
}

TEST(MediaLeg, SrtpCallCarriesAudioBothWays) {
  const fs::path dir = temp_dir();
  const auto reference = noise(8000 * 3);
  write_wav(dir / "a.wav", reference);
  MediaLegOptions oa{.play_wav = (dir / "a.wav").string(), .loop_play = false, .record_wav = (dir / "a-rec.wav").string()};
  MediaLegOptions ob{.play_wav = (dir / "a.wav").string(), .loop_play = false, .record_wav = (dir / "b-rec.wav").string()};
  auto p = srtp::testing::test_policy(srtp::SuiteId::AEAD_AES_128_GCM, 1);
  auto q = srtp::testing::test_policy(srtp::SuiteId::AEAD_AES_128_GCM, 2);
  Call c;
  connect(c, oa, ob, p, p, q, q);
  run_for(c.io, std::chrono::milliseconds(2500));
  const MediaSummary sa = c.a->summary(), sb = c.b->summary();
  c.a->stop();
  c.b->stop();
  EXPECT_EQ(sb.suite, "AEAD_AES_128_GCM");
  EXPECT_GT(sb.srtp_rx.rtp_packets, 100u);
  EXPECT_EQ(sb.srtp_rx.auth_failures, 0u);
  EXPECT_GT(sa.srtp_rx.rtp_packets, 100u);
  for (const char* rec : {"b-rec.wav", "a-rec.wav"}) {
    auto got = read_wav(dir / rec);
    auto corr = media::best_correlation(std::span(reference).first(8000 * 2), got, 8000);
    EXPECT_GT(corr.peak, 0.9) << rec << " lag " << corr.lag;
  }
  fs::remove_all(dir);
}

TEST(MediaLeg, WrongKeyMeansAuthFailuresAndSilence) {
  const fs::path dir = temp_dir();
  write_wav(dir / "a.wav", noise(8000 * 3));
  MediaLegOptions oa{.play_wav = (dir / "a.wav").string()};
  MediaLegOptions ob{.record_wav = (dir / "b-rec.wav").string()};
  auto good = srtp::testing::test_policy(srtp::SuiteId::AES_CM_128_HMAC_SHA1_80, 1);
  auto wrong = srtp::testing::test_policy(srtp::SuiteId::AES_CM_128_HMAC_SHA1_80, 9);
  Call c;
  auto other = srtp::testing::test_policy(srtp::SuiteId::AES_CM_128_HMAC_SHA1_80, 3);
  connect(c, oa, ob, good, wrong, other, other);
  run_for(c.io, std::chrono::milliseconds(1000));
  const MediaSummary sb = c.b->summary();
  c.a->stop();
  c.b->stop();
  EXPECT_GT(sb.srtp_rx.auth_failures, 20u);
  EXPECT_EQ(sb.srtp_rx.rtp_packets, 0u);
  auto got = read_wav(dir / "b-rec.wav");
  std::int64_t energy = 0;
  for (auto s : got) energy += std::abs(s);
  EXPECT_LT(energy / static_cast<std::int64_t>(got.size()), 50) << "nothing decodable may be played";
  fs::remove_all(dir);
}

TEST(MediaLeg, ErrorsNameTheFile) {
  asio::io_context io;
  io::SystemClock clock;
  auto r = MediaLeg::open(io, clock, {.play_wav = "/nonexistent/in.wav"});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("/nonexistent/in.wav"), std::string::npos) << r.error().message();
  auto bad_ip = MediaLeg::open(io, clock, {.local_ip = "300.1.1.1"});
  ASSERT_FALSE(bad_ip);
  EXPECT_NE(bad_ip.error().message().find("300.1.1.1"), std::string::npos);
}

}  // namespace
}  // namespace sotto::runtime
