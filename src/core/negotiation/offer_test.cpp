// make_offer: every mode x offer profile x signalling (TLS, UDP, UDP with SDES allowed), tags and fresh
// keys in preference order, feedback profiles, capabilities we refuse, and no key in any message.
#include <gtest/gtest.h>

#include <set>

#include "core/negotiation/offerer.hpp"
#include "core/negotiation/testing_negotiation.hpp"

namespace sotto::negotiation {
namespace {

using srtp::SuiteId;
using testing::audio_caps;

enum class Sig { tls, udp, udp_allowed };

struct OfferCase {
  SrtpMode mode;
  OfferProfile profile;
  Sig sig;
  // expected
  bool ok;
  const char* proto;
  bool keys;
  const char* warning;  // "" = none
};

constexpr const char* kNotOffered =
    "SRTP not offered, media will be plain RTP: SDES keys would be sent in cleartext over UDP; use TLS "
    "(sips:/;transport=tls) or --allow-sdes-over-insecure-transport";
constexpr const char* kSentInClear =
    "SDES keys sent in cleartext over UDP (allowed by --allow-sdes-over-insecure-transport): anyone on the path "
    "can decrypt the media";

const OfferCase kCases[] = {
    {SrtpMode::off, OfferProfile::savp, Sig::tls, true, "RTP/AVP", false, ""},
    {SrtpMode::off, OfferProfile::savp, Sig::udp, true, "RTP/AVP", false, ""},
    {SrtpMode::off, OfferProfile::savp, Sig::udp_allowed, true, "RTP/AVP", false, ""},
    {SrtpMode::off, OfferProfile::avp_with_crypto, Sig::tls, true, "RTP/AVP", false, ""},
    {SrtpMode::off, OfferProfile::avp_with_crypto, Sig::udp, true, "RTP/AVP", false, ""},
    {SrtpMode::off, OfferProfile::avp_with_crypto, Sig::udp_allowed, true, "RTP/AVP", false, ""},
    {SrtpMode::offer, OfferProfile::savp, Sig::tls, true, "RTP/SAVP", true, ""},
    {SrtpMode::offer, OfferProfile::savp, Sig::udp, true, "RTP/AVP", false, kNotOffered},
    {SrtpMode::offer, OfferProfile::savp, Sig::udp_allowed, true, "RTP/SAVP", true, kSentInClear},
    {SrtpMode::offer, OfferProfile::avp_with_crypto, Sig::tls, true, "RTP/AVP", true, ""},
    {SrtpMode::offer, OfferProfile::avp_with_crypto, Sig::udp, true, "RTP/AVP", false, kNotOffered},
    {SrtpMode::offer, OfferProfile::avp_with_crypto, Sig::udp_allowed, true, "RTP/AVP", true, kSentInClear},
    {SrtpMode::require, OfferProfile::savp, Sig::tls, true, "RTP/SAVP", true, ""},
    {SrtpMode::require, OfferProfile::savp, Sig::udp, false, "", false, ""},
    {SrtpMode::require, OfferProfile::savp, Sig::udp_allowed, true, "RTP/SAVP", true, kSentInClear},
    {SrtpMode::require, OfferProfile::avp_with_crypto, Sig::tls, true, "RTP/SAVP", true, ""},  // profile: offer mode only
    {SrtpMode::require, OfferProfile::avp_with_crypto, Sig::udp, false, "", false, ""},
    {SrtpMode::require, OfferProfile::avp_with_crypto, Sig::udp_allowed, true, "RTP/SAVP", true, kSentInClear},
};

class OfferMatrix : public ::testing::TestWithParam<OfferCase> {};

TEST_P(OfferMatrix, ProtoKeysAndWarnings) {
  const OfferCase& c = GetParam();
  MediaSecurityPolicy p = testing::policy(c.mode, c.profile);
  p.allow_sdes_over_insecure_transport = c.sig == Sig::udp_allowed;
  SignallingContext sig = c.sig == Sig::tls ? SignallingContext::tls() : SignallingContext::udp();
  auto offer = make_offer(audio_caps(), p, sig);
  if (!c.ok) {
    ASSERT_FALSE(offer);
    EXPECT_EQ(offer.error(), (Error{Errc::invalid_state,
                                    "SDES keys would be sent in cleartext over UDP; use TLS (sips:/;transport=tls) or "
                                    "--allow-sdes-over-insecure-transport"}));
    return;
  }
  ASSERT_TRUE(offer) << offer.error().message();
  ASSERT_EQ(offer->sdp.media.size(), 1u);
  EXPECT_EQ(offer->sdp.media[0].proto, c.proto);
  EXPECT_EQ(offer->sdp, offer->pending.sdp);
  EXPECT_EQ(offer->pending.mode, c.mode);
  ASSERT_EQ(offer->pending.streams.size(), 1u);
  EXPECT_EQ(offer->pending.streams[0].savp, std::string(c.proto) == "RTP/SAVP");
  const auto crypto = offer->sdp.media[0].crypto_values();
  EXPECT_EQ(crypto.size(), c.keys ? default_suites().size() : 0u);
  EXPECT_EQ(offer->pending.streams[0].crypto.size(), crypto.size());
  if (*c.warning) {
    ASSERT_EQ(offer->warnings.size(), 1u);
    EXPECT_EQ(offer->warnings[0], c.warning);
  } else {
    EXPECT_TRUE(offer->warnings.empty());
  }
  // Whatever is offered parses back identically (it goes on the wire).
  EXPECT_EQ(testing::wire(offer->sdp), offer->sdp);
}

INSTANTIATE_TEST_SUITE_P(AllModes, OfferMatrix, ::testing::ValuesIn(kCases));

TEST(MakeOffer, TagsOneToNInPreferenceOrderWithFreshKeys) {
  MediaSecurityPolicy p = testing::policy(SrtpMode::require, OfferProfile::savp,
                                          {SuiteId::AEAD_AES_256_GCM, SuiteId::AES_CM_128_HMAC_SHA1_80,
                                           SuiteId::AES_CM_128_HMAC_SHA1_32});
  auto offer = make_offer(audio_caps(), p, SignallingContext::tls());
  ASSERT_TRUE(offer);
  const auto& lines = offer->pending.streams[0].crypto;
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0].tag, 1u);
  EXPECT_EQ(lines[0].suite_name, "AEAD_AES_256_GCM");
  EXPECT_EQ(lines[0].keys.at(0).key_salt.size(), 44u);
  EXPECT_EQ(lines[1].tag, 2u);
  EXPECT_EQ(lines[1].suite_name, "AES_CM_128_HMAC_SHA1_80");
  EXPECT_EQ(lines[2].tag, 3u);
  EXPECT_EQ(lines[2].suite_name, "AES_CM_128_HMAC_SHA1_32");
  std::set<std::string> keys;
  for (const auto& k : testing::key_texts(lines)) keys.insert(k);
  EXPECT_EQ(keys.size(), 3u) << "each line has its own key";
  const auto values = offer->sdp.media[0].crypto_values();
  for (std::size_t i = 0; i < lines.size(); ++i) EXPECT_EQ(values[i], sdes::serialize(lines[i]));
  // A second offer never reuses a key.
  auto again = make_offer(audio_caps(), p, SignallingContext::tls());
  for (const auto& k : testing::key_texts(again->pending.streams[0].crypto)) EXPECT_FALSE(keys.contains(k));
}

TEST(MakeOffer, LifetimeAndMkiFromThePolicy) {
  MediaSecurityPolicy p = testing::policy(SrtpMode::require, OfferProfile::savp, {SuiteId::AES_CM_128_HMAC_SHA1_80});
  p.key_lifetime = sdes::KeyLifetime{1ull << 31, sdes::LifetimeForm::power_of_two};
  p.mki = sdes::Mki{1, 4};
  auto offer = make_offer(audio_caps(), p, SignallingContext::tls());
  ASSERT_TRUE(offer);
  const std::string line(offer->sdp.media[0].crypto_values().at(0));
  EXPECT_NE(line.find("|2^31|1:4"), std::string::npos) << line;
}

TEST(MakeOffer, FeedbackProfilesFollowTheCapabilities) {
  auto caps = audio_caps(40000, "RTP/AVPF");
  auto savpf = make_offer(caps, testing::policy(SrtpMode::require), SignallingContext::tls());
  ASSERT_TRUE(savpf);
  EXPECT_EQ(savpf->sdp.media[0].proto, "RTP/SAVPF");
  auto avpf = make_offer(caps, testing::policy(SrtpMode::off), SignallingContext::tls());
  EXPECT_EQ(avpf->sdp.media[0].proto, "RTP/AVPF");
  // The caller's proto is only a profile family: RTP/SAVP caps with SRTP off still offer RTP/AVP.
  auto off = make_offer(audio_caps(40000, "RTP/SAVP"), testing::policy(SrtpMode::off), SignallingContext::tls());
  EXPECT_EQ(off->sdp.media[0].proto, "RTP/AVP");
}

TEST(MakeOffer, DisabledStreamsGetNoKeys) {
  auto caps = audio_caps();
  sdp::MediaCapabilities video = caps.media[0];
  video.media = "video";
  video.port = 0;
  video.codecs = {sdp::CodecCapability{"H264", 90000, {}, {}, {}}};
  caps.media.push_back(video);
  auto offer = make_offer(caps, testing::policy(SrtpMode::require), SignallingContext::tls());
  ASSERT_TRUE(offer);
  ASSERT_EQ(offer->sdp.media.size(), 2u);
  EXPECT_EQ(offer->sdp.media[0].crypto_values().size(), 6u);
  EXPECT_TRUE(offer->sdp.media[1].crypto_values().empty());
  EXPECT_TRUE(offer->pending.streams[1].crypto.empty());
}

TEST(MakeOffer, RefusesWhatItCannotExpress) {
  auto caps = audio_caps(40000, "UDP/TLS/RTP/SAVP");
  auto offer = make_offer(caps, testing::policy(SrtpMode::require), SignallingContext::tls());
  ASSERT_FALSE(offer);
  EXPECT_EQ(offer.error(), (Error{Errc::invalid_argument,
                                  "capabilities media 0: proto UDP/TLS/RTP/SAVP is not RTP/AVP, RTP/SAVP, RTP/AVPF or "
                                  "RTP/SAVPF; only SDES-keyed RTP is negotiated here"}));
  caps = audio_caps();
  caps.media[0].protos.clear();
  EXPECT_EQ(make_offer(caps, testing::policy(SrtpMode::require), SignallingContext::tls()).error().context,
            "capabilities media 0: no proto");
  caps = audio_caps();
  caps.address.clear();
  EXPECT_EQ(make_offer(caps, testing::policy(SrtpMode::require), SignallingContext::tls()).error().code,
            Errc::invalid_argument);
  MediaSecurityPolicy bad = testing::policy(SrtpMode::require, OfferProfile::savp, {});
  EXPECT_EQ(make_offer(audio_caps(), bad, SignallingContext::tls()).error().code, Errc::invalid_argument);
}

TEST(MakeOffer, TcpIsAsInsecureAsUdp) {
  auto offer = make_offer(audio_caps(), testing::policy(SrtpMode::require), SignallingContext::tcp());
  ASSERT_FALSE(offer);
  EXPECT_EQ(offer.error().context,
            "SDES keys would be sent in cleartext over TCP; use TLS (sips:/;transport=tls) or "
            "--allow-sdes-over-insecure-transport");
}

}  // namespace
}  // namespace sotto::negotiation
