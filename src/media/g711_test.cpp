#include "media/g711.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <vector>

namespace sotto::media {
namespace {

TEST(G711, MuLawKnownCodePoints) {
  EXPECT_EQ(ulaw_encode(0), 0xFF);        // positive zero: the silence code
  EXPECT_EQ(ulaw_encode(-1), 0x7F);       // rounds to negative zero
  EXPECT_EQ(ulaw_encode(32767), 0x80);    // clipped, top of segment 7
  EXPECT_EQ(ulaw_encode(-32768), 0x00);
  EXPECT_EQ(ulaw_encode(1000), 0xCE);
  EXPECT_EQ(ulaw_decode(0xFF), 0);
  EXPECT_EQ(ulaw_decode(0x7F), 0);
  EXPECT_EQ(ulaw_decode(0x80), 32124);
  EXPECT_EQ(ulaw_decode(0x00), -32124);
  EXPECT_EQ(ulaw_decode(0xCE), 988);
  EXPECT_EQ(ulaw_decode(0xFE), 8);        // first step
  EXPECT_EQ(ulaw_decode(0xEF), 132);      // segment 1 starts (|x|+132 = 264)
}

TEST(G711, ALawKnownCodePoints) {
  EXPECT_EQ(alaw_encode(0), 0xD5);        // silence code
  EXPECT_EQ(alaw_encode(-1), 0x55);
  EXPECT_EQ(alaw_encode(32767), 0xAA);
  EXPECT_EQ(alaw_encode(-32768), 0x2A);
  EXPECT_EQ(alaw_decode(0xD5), 8);
  EXPECT_EQ(alaw_decode(0x55), -8);
  EXPECT_EQ(alaw_decode(0xAA), 32256);
  EXPECT_EQ(alaw_decode(0x2A), -32256);
  EXPECT_EQ(alaw_encode(256), 0xC5);      // first value of segment 1 (13-bit 32): 0x10 ^ 0xD5
  EXPECT_EQ(alaw_decode(0xC5), 264);
}

TEST(G711, SilenceCodesAndPayloadTypes) {
  EXPECT_EQ(g711_silence(G711Law::mu_law), 0xFF);
  EXPECT_EQ(g711_silence(G711Law::a_law), 0xD5);
  EXPECT_EQ(payload_type_of(G711Law::mu_law), 0);
  EXPECT_EQ(payload_type_of(G711Law::a_law), 8);
  EXPECT_EQ(g711_law_of(8), G711Law::a_law);
  EXPECT_FALSE(g711_law_of(101));
}

TEST(G711, EveryCodeRoundTripsThroughLinear) {
  for (int c = 0; c < 256; ++c) {
    const auto code = static_cast<std::uint8_t>(c);
    // mu-law has two zeros (0xFF, 0x7F); both decode to 0 which encodes as 0xFF.
    if (code != 0x7F) {
      EXPECT_EQ(ulaw_encode(ulaw_decode(code)), code) << c;
    }
    EXPECT_EQ(alaw_encode(alaw_decode(code)), code) << c;
  }
}

TEST(G711, QuantisationErrorIsHalfAStep) {
  for (int x = -32768; x <= 32767; ++x) {
    const auto s = static_cast<std::int16_t>(x);
    const int mag = std::abs(x);
    // mu-law: step 8 << segment, segment starts at (132 << seg) - 132; clipping above 32124.
    if (mag <= 32124) {
      const int err = std::abs(ulaw_decode(ulaw_encode(s)) - x);
      ASSERT_LE(err, (mag + 132) / 32 + 1) << x;
    }
    // A-law: step 16 below 512, then 16 << (segment - 1); the 13-bit truncation adds up to 1.
    const int aerr = std::abs(alaw_decode(alaw_encode(s)) - x);
    ASSERT_LE(aerr, std::max(8, mag / 32) + 1) << x;
  }
}

TEST(G711, FramesEncodeAndDecode) {
  std::vector<std::int16_t> pcm = {0, 100, -100, 1000, -1000, 30000, -30000};
  std::vector<std::uint8_t> coded(pcm.size());
  std::vector<std::int16_t> back(pcm.size());
  for (auto law : {G711Law::mu_law, G711Law::a_law}) {
    g711_encode(law, pcm, coded);
    g711_decode(law, coded, back);
    for (std::size_t i = 0; i < pcm.size(); ++i) EXPECT_NEAR(back[i], pcm[i], 1000) << i;
  }
  std::vector<std::uint8_t> silence(160, 0);
  g711_encode(G711Law::mu_law, std::vector<std::int16_t>(160, 0), silence);
  EXPECT_EQ(silence, std::vector<std::uint8_t>(160, 0xFF));
}

}  // namespace
}  // namespace sotto::media
