// Offer -> wire -> answer -> wire -> apply_answer between two sotto policies, with real SRTP packets
// protected by one side's tx and unprotected by the other's rx, both ways. The property over every
// combination of modes, profiles and signalling: either the call fails cleanly, or both sides agree
// on every stream (SRTP with each other's keys, or plain) - never one side SRTP and the other plain.
#include <gtest/gtest.h>

#include <tuple>

#include "core/negotiation/answerer.hpp"
#include "core/negotiation/offerer.hpp"
#include "core/negotiation/testing_negotiation.hpp"

namespace sotto::negotiation {
namespace {

using srtp::SuiteId;
using testing::as_answer;
using testing::audio_caps;
using testing::media_flows;
using testing::wire;

struct Call {
  bool offer_failed = false;
  bool rejected = false;
  bool answer_refused = false;  // apply_answer error
  std::vector<SecureMedia> alice;
  std::vector<SecureMedia> bob;
  std::string why;
};

Call run_call(const MediaSecurityPolicy& a, const MediaSecurityPolicy& b, const SignallingContext& sig,
              const sdp::LocalCapabilities& alice_caps = audio_caps(40000),
              const sdp::LocalCapabilities& bob_caps = audio_caps(50000, "RTP/AVP", "192.0.2.11")) {
  Call c;
  auto offer = make_offer(alice_caps, a, sig);
  if (!offer) {
    c.offer_failed = true;
    c.why = offer.error().message();
    return c;
  }
  auto out = make_answer(wire(offer->sdp), bob_caps, b, sig);
  EXPECT_TRUE(out) << out.error().message();
  if (!out) return c;
  if (auto* r = std::get_if<Rejection>(&*out)) {
    c.rejected = true;
    c.why = r->warning;
    return c;
  }
  const Answer& ans = std::get<Answer>(*out);
  c.bob = ans.media;
  auto done = apply_answer(offer->pending, wire(ans.sdp), a);
  if (!done) {
    c.answer_refused = true;
    c.why = done.error().message();
    return c;
  }
  c.alice = done->media;
  return c;
}

void expect_agreement(const Call& c) {
  ASSERT_EQ(c.alice.size(), c.bob.size());
  for (std::size_t i = 0; i < c.alice.size(); ++i) {
    const SecureMedia& x = c.alice[i];
    const SecureMedia& y = c.bob[i];
    ASSERT_EQ(x.rejected, y.rejected);
    if (x.rejected) continue;
    ASSERT_EQ(x.srtp, y.srtp) << "one side would send plain RTP to an SRTP receiver";
    if (!x.srtp) continue;
    EXPECT_EQ(x.suite, y.suite);
    EXPECT_EQ(x.tag, y.tag);
    EXPECT_TRUE(media_flows(x.tx, y.rx, 0xA11CE)) << "alice -> bob";
    EXPECT_TRUE(media_flows(y.tx, x.rx, 0xB0B)) << "bob -> alice";
    // Distinct keys per direction (RFC 4568 section 7.1.2: the answerer's own key).
    EXPECT_FALSE(x.tx.keys.at(0).key == x.rx.keys.at(0).key);
  }
}

enum class Sig { tls, udp, udp_allowed };

using Combo = std::tuple<SrtpMode, OfferProfile, SrtpMode, Sig>;

class CallMatrix : public ::testing::TestWithParam<Combo> {};

TEST_P(CallMatrix, NeverOneSidedAndOutcomeAsDocumented) {
  auto [alice_mode, profile, bob_mode, sig_kind] = GetParam();
  MediaSecurityPolicy a = testing::policy(alice_mode, profile);
  MediaSecurityPolicy b = testing::policy(bob_mode);
  a.allow_sdes_over_insecure_transport = b.allow_sdes_over_insecure_transport = sig_kind == Sig::udp_allowed;
  SignallingContext sig = sig_kind == Sig::tls ? SignallingContext::tls() : SignallingContext::udp();
  Call c = run_call(a, b, sig);
  EXPECT_FALSE(c.answer_refused) << "two sotto peers never produce an answer the offerer refuses: " << c.why;
  if (c.offer_failed || c.rejected || c.answer_refused) {
    // Only these fail: require over insecure signalling (offer), or a policy mismatch (488).
    const bool keys_ok = sig_kind != Sig::udp;
    const bool alice_srtp = alice_mode != SrtpMode::off && keys_ok;
    const bool alice_savp = alice_srtp && (alice_mode == SrtpMode::require || profile == OfferProfile::savp);
    const bool expected_fail = (alice_mode == SrtpMode::require && !keys_ok) ||
                               (bob_mode == SrtpMode::off && alice_savp) ||
                               (bob_mode == SrtpMode::require && !alice_srtp);
    EXPECT_TRUE(expected_fail) << c.why;
    return;
  }
  expect_agreement(c);
  const bool srtp = c.alice.at(0).srtp;
  // SRTP exactly when both want it and keys may travel.
  const bool keys_ok = sig_kind != Sig::udp;
  EXPECT_EQ(srtp, alice_mode != SrtpMode::off && bob_mode != SrtpMode::off && keys_ok);
}

INSTANTIATE_TEST_SUITE_P(
    AllCombinations, CallMatrix,
    ::testing::Combine(::testing::Values(SrtpMode::off, SrtpMode::offer, SrtpMode::require),
                       ::testing::Values(OfferProfile::savp, OfferProfile::avp_with_crypto),
                       ::testing::Values(SrtpMode::off, SrtpMode::offer, SrtpMode::require),
                       ::testing::Values(Sig::tls, Sig::udp, Sig::udp_allowed)));

class EverySuite : public ::testing::TestWithParam<SuiteId> {};

TEST_P(EverySuite, PacketsFlowBothWays) {
  MediaSecurityPolicy p = testing::policy(SrtpMode::require, OfferProfile::savp, {GetParam()});
  Call c = run_call(p, testing::policy(SrtpMode::require), SignallingContext::tls());
  ASSERT_FALSE(c.rejected || c.offer_failed || c.answer_refused) << c.why;
  ASSERT_TRUE(c.alice.at(0).srtp);
  EXPECT_EQ(c.alice[0].suite, srtp::suite(GetParam()).name);
  expect_agreement(c);
}

INSTANTIATE_TEST_SUITE_P(DefaultSuites, EverySuite, ::testing::ValuesIn(default_suites()));

TEST(RoundTrip, TheAnswerersFirstChoiceIsTheOfferersFirstAllowedSuite) {
  MediaSecurityPolicy alice = testing::policy(SrtpMode::require);  // offers all six
  MediaSecurityPolicy bob = testing::policy(SrtpMode::require, OfferProfile::savp,
                                            {SuiteId::AEAD_AES_256_GCM, SuiteId::AES_256_CM_HMAC_SHA1_80});
  Call c = run_call(alice, bob, SignallingContext::tls());
  ASSERT_EQ(c.alice.size(), 1u) << c.why;
  EXPECT_EQ(c.alice[0].suite, "AEAD_AES_256_GCM");  // alice's tag 4 comes before tag 5
  EXPECT_EQ(c.alice[0].tag, 4u);
  expect_agreement(c);
}

TEST(RoundTrip, MkiAndLifetimeOnBothSides) {
  MediaSecurityPolicy p = testing::policy(SrtpMode::require, OfferProfile::savp, {SuiteId::AES_CM_128_HMAC_SHA1_80});
  p.mki = sdes::Mki{7, 2};
  p.key_lifetime = sdes::KeyLifetime{1ull << 20, sdes::LifetimeForm::power_of_two};
  Call c = run_call(p, p, SignallingContext::tls());
  ASSERT_EQ(c.alice.size(), 1u) << c.why;
  EXPECT_EQ(c.alice[0].tx.keys.at(0).mki, (std::vector<std::uint8_t>{0, 7}));
  EXPECT_EQ(c.alice[0].rx.keys.at(0).lifetime, 1u << 20);
  expect_agreement(c);
}

TEST(RoundTrip, TwoStreamsAudioAndVideo) {
  auto caps = [](std::uint16_t port, const char* addr) {
    auto c = audio_caps(port, "RTP/AVP", addr);
    sdp::MediaCapabilities v;
    v.media = "video";
    v.port = static_cast<std::uint16_t>(port + 2);
    v.protos = {"RTP/AVP"};
    v.codecs = {sdp::CodecCapability{"H264", 90000, {}, {}, {}}};
    c.media.push_back(v);
    return c;
  };
  Call c = run_call(testing::policy(SrtpMode::require), testing::policy(SrtpMode::require), SignallingContext::tls(),
                    caps(40000, "192.0.2.10"), caps(50000, "192.0.2.11"));
  ASSERT_EQ(c.alice.size(), 2u) << c.why;
  EXPECT_TRUE(c.alice[0].srtp && c.alice[1].srtp);
  expect_agreement(c);
  // Each stream has its own keys.
  EXPECT_FALSE(c.alice[0].tx.keys[0].key == c.alice[1].tx.keys[0].key);
}

TEST(RoundTrip, FeedbackProfile) {
  Call c = run_call(testing::policy(SrtpMode::require), testing::policy(SrtpMode::require), SignallingContext::tls(),
                    audio_caps(40000, "RTP/AVPF"), audio_caps(50000, "RTP/AVPF", "192.0.2.11"));
  ASSERT_EQ(c.alice.size(), 1u) << c.why;
  EXPECT_EQ(c.alice[0].stream.proto, "RTP/SAVPF");
  expect_agreement(c);
}

TEST(RoundTrip, KeysDoNotCrossStreamsOrDirections) {
  Call c = run_call(testing::policy(SrtpMode::require), testing::policy(SrtpMode::require), SignallingContext::tls());
  ASSERT_EQ(c.alice.size(), 1u) << c.why;
  // Alice's tx does not decrypt with Alice's own rx key: the directions are really separate.
  EXPECT_FALSE(media_flows(c.alice[0].tx, c.alice[0].rx));
  EXPECT_FALSE(media_flows(c.bob[0].tx, c.bob[0].rx));
}

}  // namespace
}  // namespace sotto::negotiation
