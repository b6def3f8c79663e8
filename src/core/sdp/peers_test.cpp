// What we need from the SDP real peers send (PEERS.md): suites per media, rtcp handling, codecs.
#include <gtest/gtest.h>

#include "core/sdp/sdp.hpp"
#include "core/sdp/test_samples.hpp"

namespace sotto::sdp {
namespace {

TEST(Peers, BaresipSrtpMandatoryOffer) {
  auto sdp = parse_sdp(samples::kBaresipOffer);
  ASSERT_TRUE(sdp) << sdp.error().message();
  ASSERT_EQ(sdp->media.size(), 1u);
  const auto& m = sdp->media[0];
  EXPECT_EQ(m.proto, "RTP/SAVP");
  ASSERT_EQ(m.crypto_values().size(), 1u);
  EXPECT_EQ(m.crypto_values()[0], "1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz");
  EXPECT_FALSE(m.rtcp_mux());
  EXPECT_EQ(m.fmtp(101), "0-15");
  EXPECT_EQ(m.ptime(), 20u);
  EXPECT_EQ(m.bandwidths[0], (Bandwidth{"AS", 96}));
  EXPECT_EQ(sdp->media_direction(0), Direction::sendrecv);
}

TEST(Peers, LinphoneOffersFourSuitesInOrder) {
  auto sdp = parse_sdp(samples::kLinphoneOffer);
  ASSERT_TRUE(sdp) << sdp.error().message();
  const auto& m = sdp->media[0];
  auto cryptos = m.crypto_values();
  ASSERT_EQ(cryptos.size(), 4u);
  EXPECT_TRUE(cryptos[0].starts_with("1 AES_CM_128_HMAC_SHA1_80 "));
  EXPECT_TRUE(cryptos[1].starts_with("2 AES_CM_128_HMAC_SHA1_32 "));
  EXPECT_TRUE(cryptos[2].starts_with("3 AES_256_CM_HMAC_SHA1_80 "));
  EXPECT_TRUE(cryptos[3].starts_with("4 AES_256_CM_HMAC_SHA1_32 "));
  EXPECT_EQ(m.rtpmap(96), (RtpMap{96, "opus", 48000, 2}));
  EXPECT_EQ(m.rtpmap(18)->encoding, "G729");  // fmtp without rtpmap: static type
  EXPECT_EQ(m.fmtp(18), "annexb=yes");
  EXPECT_EQ(m.rtcp()->port, 7079);
  EXPECT_FALSE(m.rtcp()->connection);
  // The value of a session attribute keeps every colon after the first.
  EXPECT_EQ(sdp->attributes[0].value, "rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics");
  // Three telephone-event rates; the 8000 one goes with PCMU.
  EXPECT_EQ(m.find_codec(RtpMap{0, "telephone-event", 8000, std::nullopt}), 100);
}

TEST(Peers, AsteriskLikeOffer) {
  auto sdp = parse_sdp(samples::kAsteriskOffer);
  ASSERT_TRUE(sdp) << sdp.error().message();
  const auto& m = sdp->media[0];
  EXPECT_EQ(m.maxptime(), 150u);
  EXPECT_EQ(m.crypto_values().size(), 1u);
  EXPECT_EQ(m.rtpmap(9)->encoding, "G722");
}

TEST(Peers, FreeswitchLikeOfferWithRtcpMux) {
  auto sdp = parse_sdp(samples::kFreeswitchOffer);
  ASSERT_TRUE(sdp) << sdp.error().message();
  EXPECT_TRUE(sdp->media[0].rtcp_mux());
  EXPECT_EQ(sdp->origin.session_version, 1700041183u);
}

}  // namespace
}  // namespace sotto::sdp
