// make_answer: the choice among several a=crypto lines (offer order), skipped lines and why, peer
// samples, exact 488/Warning texts, several streams, and no key in any message. The decision table
// itself is answer_matrix_test.cpp.
#include <gtest/gtest.h>

#include "core/negotiation/answerer.hpp"
#include "core/negotiation/testing_negotiation.hpp"
#include "core/sdp/test_samples.hpp"

namespace sotto::negotiation {
namespace {

using srtp::SuiteId;
using testing::as_answer;
using testing::as_rejection;
using testing::audio_caps;
using testing::crypto_line;
using testing::offer_text;
using testing::parse;

// What core/sdes says about the lines below (its messages name lengths, never key material).
constexpr const char* kBadKeyReason =
    "a=crypto tag 1: inline key is 20 bytes after base64 decoding; AES_CM_128_HMAC_SHA1_80 needs 30 (16-byte key + "
    "14-byte salt)";
constexpr const char* kMkiReason =
    "a=crypto tag 3: inline key has MKI length 8 bytes; the SRTP engine supports MKIs of 1 to 4 bytes (RFC 4568 "
    "allows up to 128)";

Result<AnswerOutcome> answer_tls(const std::string& offer, const MediaSecurityPolicy& p = testing::policy(SrtpMode::require)) {
  return make_answer(parse(offer), audio_caps(), p, SignallingContext::tls());
}

TEST(MakeAnswer, EchoesTheTagAndSuiteWithOurOwnFreshKey) {
  auto out = answer_tls(sdp::samples::kBaresipOffer);
  const Answer* a = as_answer(out);
  ASSERT_NE(a, nullptr);
  const auto values = a->sdp.media[0].crypto_values();
  ASSERT_EQ(values.size(), 1u);
  auto ours = sdes::parse_crypto_attribute(values[0]);
  ASSERT_TRUE(ours);
  EXPECT_EQ(ours->tag, 1u);
  EXPECT_EQ(ours->suite_name, "AES_CM_128_HMAC_SHA1_80");
  EXPECT_EQ(ours->keys.at(0).key_salt.size(), 30u);
  EXPECT_EQ(values[0].find(sdes::testing::kRfcKey2), std::string::npos) << "never echo the offerer's key";
  EXPECT_EQ(a->sdp.media[0].proto, "RTP/SAVP");
  // rx is their key, tx is ours.
  const SecureMedia& m = a->media[0];
  auto theirs = sdes::parse_crypto_attribute(std::string("1 AES_CM_128_HMAC_SHA1_80 inline:") +
                                             std::string(sdes::testing::kRfcKey2));
  ASSERT_TRUE(theirs);
  EXPECT_EQ(m.rx.keys.at(0).key, SecureBytes(theirs->keys[0].key_salt.span().first(16)));
  EXPECT_EQ(m.rx.keys.at(0).salt, SecureBytes(theirs->keys[0].key_salt.span().subspan(16)));
  EXPECT_EQ(m.tx.keys.at(0).key, SecureBytes(ours->keys[0].key_salt.span().first(16)));
  EXPECT_TRUE(m.tx_key_changed);
  EXPECT_TRUE(m.rx_key_changed);
  EXPECT_EQ(m.stream.remote_address, "127.0.0.1");
  EXPECT_EQ(m.stream.remote_port, 10830);
}

// The peer samples in core/sdp/test_samples.hpp carry some 31-byte keys (Asterisk, FreeSWITCH, linphone
// tag 2): fine for SDP parsing, wrong for SDES. They show bad keys being skipped; `fixed` swaps in valid
// 30-byte keys to show the rest.
std::string fixed(std::string text) {
  for (const char* bad : {"ZmlsbGVyIGJ5dGVzIGZvciB0aGUgdGVzdCBzdWl0ZQ==", "YXN0ZXJpc2sgdGVzdCBrZXkgbWF0ZXJpYWwgMzBiIQ==",
                          "ZnJlZXN3aXRjaCB0ZXN0IGtleSBtYXRlcmlhbCEhIQ==", "c2Vjb25kIGZyZWVzd2l0Y2ggdGVzdCBrZXkgISEhIQ=="}) {
    for (auto at = text.find(bad); at != std::string::npos; at = text.find(bad)) {
      text.replace(at, std::string_view(bad).size(), sdes::testing::b64_key(30, 100));
    }
  }
  return text;
}

TEST(MakeAnswer, LinphoneFourLinesPicksTheFirstAllowedInOfferOrder) {
  const std::string linphone = fixed(sdp::samples::kLinphoneOffer);
  auto first = answer_tls(linphone);
  ASSERT_NE(as_answer(first), nullptr);
  EXPECT_EQ(as_answer(first)->media[0].tag, 1u);
  EXPECT_EQ(as_answer(first)->media[0].suite, "AES_CM_128_HMAC_SHA1_80");

  // Our preference order does not matter; the offerer's does (RFC 4568 section 7.1.2).
  auto p = testing::policy(SrtpMode::require, OfferProfile::savp,
                           {SuiteId::AES_256_CM_HMAC_SHA1_80, SuiteId::AES_CM_128_HMAC_SHA1_32});
  auto second = answer_tls(linphone, p);
  ASSERT_NE(as_answer(second), nullptr);
  EXPECT_EQ(as_answer(second)->media[0].tag, 2u);
  EXPECT_EQ(as_answer(second)->media[0].suite, "AES_CM_128_HMAC_SHA1_32");
  EXPECT_EQ(as_answer(second)->sdp.media[0].crypto_values().at(0).substr(0, 26), "2 AES_CM_128_HMAC_SHA1_32 ");

  // With the sample's 31-byte key on tag 2, that line is skipped and tag 3 is next.
  auto skipped = answer_tls(sdp::samples::kLinphoneOffer, p);
  ASSERT_NE(as_answer(skipped), nullptr);
  EXPECT_EQ(as_answer(skipped)->media[0].tag, 3u);
  EXPECT_EQ(as_answer(skipped)->media[0].suite, "AES_256_CM_HMAC_SHA1_80");

  p.suites = {SuiteId::AES_256_CM_HMAC_SHA1_32};
  auto fourth = answer_tls(linphone, p);
  ASSERT_NE(as_answer(fourth), nullptr);
  EXPECT_EQ(as_answer(fourth)->media[0].tag, 4u);
  EXPECT_EQ(as_answer(fourth)->media[0].tx.keys.at(0).key.size(), 32u);
}

TEST(MakeAnswer, AsteriskAndFreeswitchOffersAreAccepted) {
  for (const char* offer : {sdp::samples::kAsteriskOffer, sdp::samples::kFreeswitchOffer}) {
    auto out = answer_tls(fixed(offer));
    ASSERT_NE(as_answer(out), nullptr) << offer;
    EXPECT_TRUE(as_answer(out)->media[0].srtp);
    EXPECT_EQ(as_answer(out)->media[0].tag, 1u);
  }
}

TEST(MakeAnswer, OffersWhoseOnlyKeysHaveTheWrongLengthAreRefused) {
  auto out = answer_tls(sdp::samples::kAsteriskOffer);
  ASSERT_NE(as_rejection(out), nullptr);
  EXPECT_EQ(as_rejection(out)->text,
            "no usable SRTP crypto line: a=crypto tag 1: inline key is 31 bytes after base64 decoding; "
            "AES_CM_128_HMAC_SHA1_80 needs 30 (16-byte key + 14-byte salt); allowed AES_CM_128_HMAC_SHA1_80, "
            "AES_CM_128_HMAC_SHA1_32, AEAD_AES_128_GCM, AEAD_AES_256_GCM, AES_256_CM_HMAC_SHA1_80, "
            "AES_256_CM_HMAC_SHA1_32");
  auto fs = answer_tls(sdp::samples::kFreeswitchOffer);
  ASSERT_NE(as_rejection(fs), nullptr);
  EXPECT_EQ(as_rejection(fs)->text.substr(0, 64), "no usable SRTP crypto line: a=crypto tag 1: inline key is 31 byt");
  EXPECT_NE(as_rejection(fs)->text.find("; a=crypto tag 2: inline key is 31 bytes"), std::string::npos);
}

TEST(MakeAnswer, NoCommonSuiteWarningIsExact) {
  auto p = testing::policy(SrtpMode::require, OfferProfile::savp,
                           {SuiteId::AEAD_AES_128_GCM, SuiteId::AES_CM_128_HMAC_SHA1_80});
  auto out = answer_tls(offer_text("RTP/SAVP", {crypto_line(1, SuiteId::AES_CM_128_HMAC_SHA1_32)}), p);
  const Rejection* r = as_rejection(out);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->status, 488);
  EXPECT_EQ(r->reason_phrase, "Not Acceptable Here");
  EXPECT_EQ(r->warning,
            "305 sotto \"no common SRTP crypto suite: offered AES_CM_128_HMAC_SHA1_32; allowed AEAD_AES_128_GCM, "
            "AES_CM_128_HMAC_SHA1_80\"");
  EXPECT_EQ(r->message,
            "refusing the call (488 Not Acceptable Here): no common SRTP crypto suite: offered AES_CM_128_HMAC_SHA1_32; "
            "allowed AEAD_AES_128_GCM, AES_CM_128_HMAC_SHA1_80");
}

TEST(MakeAnswer, UnknownSuitesAreSkipped) {
  const std::string unknown = "1 FOO_128_HMAC_SHA1_80 inline:" + sdes::testing::b64_key(30);
  auto out = answer_tls(offer_text("RTP/SAVP", {unknown, crypto_line(2, SuiteId::AEAD_AES_128_GCM)}));
  ASSERT_NE(as_answer(out), nullptr);
  EXPECT_EQ(as_answer(out)->media[0].tag, 2u);
  EXPECT_EQ(as_answer(out)->media[0].suite, "AEAD_AES_128_GCM");

  auto none = answer_tls(offer_text("RTP/SAVP", {unknown, crypto_line(2, SuiteId::F8_128_HMAC_SHA1_80)}));
  ASSERT_NE(as_rejection(none), nullptr);
  EXPECT_EQ(as_rejection(none)->text,
            "no common SRTP crypto suite: offered FOO_128_HMAC_SHA1_80, F8_128_HMAC_SHA1_80; allowed "
            "AES_CM_128_HMAC_SHA1_80, AES_CM_128_HMAC_SHA1_32, AEAD_AES_128_GCM, AEAD_AES_256_GCM, "
            "AES_256_CM_HMAC_SHA1_80, AES_256_CM_HMAC_SHA1_32");
}

TEST(MakeAnswer, SuiteNamesMatchIgnoringCaseAndAnswerCanonically) {
  auto out = answer_tls(offer_text("RTP/SAVP", {"7 aes_cm_128_hmac_sha1_80 inline:" + sdes::testing::b64_key(30)}));
  ASSERT_NE(as_answer(out), nullptr);
  EXPECT_EQ(as_answer(out)->sdp.media[0].crypto_values().at(0).substr(0, 26), "7 AES_CM_128_HMAC_SHA1_80 ");
}

TEST(MakeAnswer, BadKeyIsSkippedAndTheReasonRecorded) {
  const std::string short_key = "1 AES_CM_128_HMAC_SHA1_80 inline:" + sdes::testing::b64_key(20, 77);
  auto out = answer_tls(offer_text("RTP/SAVP", {short_key, crypto_line(2, SuiteId::AES_CM_128_HMAC_SHA1_32)}));
  ASSERT_NE(as_answer(out), nullptr);
  EXPECT_EQ(as_answer(out)->media[0].tag, 2u);

  auto only_bad = answer_tls(offer_text("RTP/SAVP", {short_key}));
  const Rejection* r = as_rejection(only_bad);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->text, "no usable SRTP crypto line: " + std::string(kBadKeyReason) +
                         "; allowed AES_CM_128_HMAC_SHA1_80, AES_CM_128_HMAC_SHA1_32, AEAD_AES_128_GCM, "
                         "AEAD_AES_256_GCM, AES_256_CM_HMAC_SHA1_80, AES_256_CM_HMAC_SHA1_32");
  EXPECT_EQ(r->text.find(sdes::testing::unpadded(sdes::testing::b64_key(20, 77))), std::string::npos);
}

TEST(MakeAnswer, MixedReasonsListEveryLine) {
  const std::string short_key = "1 AES_CM_128_HMAC_SHA1_80 inline:" + sdes::testing::b64_key(20, 77);
  const std::string weak = crypto_line(2, SuiteId::AES_CM_128_HMAC_SHA1_80, 5, " UNENCRYPTED_SRTP");
  const std::string big_mki = crypto_line(3, SuiteId::AES_CM_128_HMAC_SHA1_80, 6, "|1:8");
  const std::string unknown = "4 BAR_SUITE inline:" + sdes::testing::b64_key(30);
  auto p = testing::policy(SrtpMode::require, OfferProfile::savp, {SuiteId::AES_CM_128_HMAC_SHA1_80});
  auto out = answer_tls(offer_text("RTP/SAVP", {short_key, weak, big_mki, unknown}), p);
  const Rejection* r = as_rejection(out);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->text, "no usable SRTP crypto line: " + std::string(kBadKeyReason) +
                         "; a=crypto tag 2: UNENCRYPTED_SRTP refused: it would leave media unprotected; " + kMkiReason +
                         "; a=crypto tag 4: suite BAR_SUITE is unknown; allowed AES_CM_128_HMAC_SHA1_80");
}

TEST(MakeAnswer, WeakeningSessionParametersAreNeverAccepted) {
  for (const char* param : {" UNENCRYPTED_SRTP", " UNENCRYPTED_SRTCP", " UNAUTHENTICATED_SRTP"}) {
    auto out = answer_tls(offer_text("RTP/SAVP", {crypto_line(1, SuiteId::AES_CM_128_HMAC_SHA1_80, 1, param)}));
    ASSERT_NE(as_rejection(out), nullptr) << param;
  }
  // Harmless parameters are fine.
  auto ok = answer_tls(offer_text("RTP/SAVP", {crypto_line(1, SuiteId::AES_CM_128_HMAC_SHA1_80, 1, "|2^20 WSH=256")}));
  ASSERT_NE(as_answer(ok), nullptr);
  EXPECT_EQ(as_answer(ok)->media[0].rx.replay_window, 256u);
  EXPECT_EQ(as_answer(ok)->media[0].rx.keys.at(0).lifetime, 1u << 20);
}

TEST(MakeAnswer, HostileOfferTextIsCapped) {
  std::vector<std::string> lines;
  for (int i = 1; i <= 40; ++i) lines.push_back(std::to_string(i) + " X" + std::to_string(i) + " inline:" + sdes::testing::b64_key(30));
  auto out = answer_tls(offer_text("RTP/SAVP", lines));
  ASSERT_NE(as_rejection(out), nullptr);
  EXPECT_EQ(as_rejection(out)->text.substr(0, 90),
            "no common SRTP crypto suite: offered X1, X2, X3, X4, X5, X6, X7, X8 and 32 more; allowed A");
}

TEST(MakeAnswer, OnlyTheUnusableStreamIsRefusedWhenAnotherWorks) {
  std::string text = offer_text("RTP/SAVP", {crypto_line(1, SuiteId::AES_CM_128_HMAC_SHA1_80)},
                                "m=audio 30002 RTP/SAVP 0\r\na=crypto:1 NOPE_SUITE inline:" + sdes::testing::b64_key(30) + "\r\n");
  auto caps = audio_caps();
  caps.media.push_back(caps.media[0]);
  caps.media[1].port = 40002;
  auto out = make_answer(parse(text), caps, testing::policy(SrtpMode::require), SignallingContext::tls());
  const Answer* a = as_answer(out);
  ASSERT_NE(a, nullptr);
  ASSERT_EQ(a->media.size(), 2u);
  EXPECT_TRUE(a->media[0].srtp);
  EXPECT_TRUE(a->media[1].rejected);
  EXPECT_EQ(a->sdp.media[1].port, 0);
  EXPECT_TRUE(a->sdp.media[1].crypto_values().empty());
  ASSERT_EQ(a->warnings.size(), 1u);
  EXPECT_EQ(a->warnings[0],
            "refused m-line 1 (audio): no common SRTP crypto suite: offered NOPE_SUITE; allowed AES_CM_128_HMAC_SHA1_80, "
            "AES_CM_128_HMAC_SHA1_32, AEAD_AES_128_GCM, AEAD_AES_256_GCM, AES_256_CM_HMAC_SHA1_80, "
            "AES_256_CM_HMAC_SHA1_32");
}

TEST(MakeAnswer, SeveralRefusedStreamsAreNamedByMLine) {
  std::string text = offer_text("RTP/AVP", {}, "m=video 30002 UDP/TLS/RTP/SAVP 96\r\na=rtpmap:96 VP8/90000\r\n");
  auto out = make_answer(parse(text), audio_caps(), testing::policy(SrtpMode::require), SignallingContext::tls());
  const Rejection* r = as_rejection(out);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->text,
            "m-line 0 (audio): SRTP required but not offered: RTP/AVP without a=crypto; m-line 1 (video): proto "
            "UDP/TLS/RTP/SAVP is not supported; SRTP is negotiated with SDES over RTP/SAVP or RTP/SAVPF only");
}

TEST(MakeAnswer, NoCommonCodecIsA488Too) {
  std::string text =
      "v=0\r\no=peer 1 1 IN IP4 192.0.2.20\r\ns=-\r\nc=IN IP4 192.0.2.20\r\nt=0 0\r\n"
      "m=audio 30000 RTP/SAVP 9\r\na=rtpmap:9 G722/8000\r\na=crypto:" + crypto_line(1, SuiteId::AES_CM_128_HMAC_SHA1_80) + "\r\n";
  auto out = answer_tls(text);
  const Rejection* r = as_rejection(out);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->text, "no acceptable media stream: m-line 0 (audio RTP/SAVP): no codec in common");
}

TEST(MakeAnswer, FeedbackProfileAnsweredInKind) {
  auto caps = audio_caps(40000, "RTP/AVPF");
  auto out = make_answer(parse(offer_text("RTP/SAVPF", {crypto_line(1, SuiteId::AEAD_AES_256_GCM)})), caps,
                         testing::policy(SrtpMode::require), SignallingContext::tls());
  ASSERT_NE(as_answer(out), nullptr);
  EXPECT_EQ(as_answer(out)->sdp.media[0].proto, "RTP/SAVPF");
  EXPECT_EQ(as_answer(out)->media[0].suite, "AEAD_AES_256_GCM");
}

TEST(MakeAnswer, OfferedPortZeroStaysRejected) {
  std::string text = offer_text("RTP/SAVP", {crypto_line(1, SuiteId::AES_CM_128_HMAC_SHA1_80)}, "m=video 0 RTP/SAVP 96\r\n");
  auto out = answer_tls(text);
  ASSERT_NE(as_answer(out), nullptr);
  EXPECT_TRUE(as_answer(out)->media[1].rejected);
  EXPECT_TRUE(as_answer(out)->warnings.empty());
}

TEST(MakeAnswer, BadPolicyOrCapsAreOurErrorsNotRejections) {
  auto bad_policy = testing::policy(SrtpMode::require, OfferProfile::savp, {});
  EXPECT_EQ(answer_tls(sdp::samples::kBaresipOffer, bad_policy).error().code, Errc::invalid_argument);
  auto caps = audio_caps();
  caps.address.clear();
  auto out = make_answer(parse(sdp::samples::kBaresipOffer), caps, testing::policy(SrtpMode::require),
                         SignallingContext::tls());
  ASSERT_FALSE(out);
  EXPECT_EQ(out.error().code, Errc::invalid_argument);
}

TEST(MakeAnswer, NoMessageEverCarriesAKey) {
  // Every rejection, warning and describe() line over a spread of offers.
  std::vector<std::string> offers = {sdp::samples::kBaresipOffer, sdp::samples::kLinphoneOffer,
                                     offer_text("RTP/AVP", {crypto_line(1, SuiteId::AES_CM_128_HMAC_SHA1_80, 33)}),
                                     offer_text("RTP/SAVP", {crypto_line(1, SuiteId::AES_CM_128_HMAC_SHA1_32, 44)})};
  std::vector<std::string> secrets = {std::string(sdes::testing::kRfcKey2), "cmVhbGx5IG5vdCBhIGtleSwganVzdCBmaWxsZXIh",
                                      sdes::testing::unpadded(sdes::testing::b64_key(30, 33)),
                                      sdes::testing::unpadded(sdes::testing::b64_key(30, 44))};
  for (SrtpMode mode : {SrtpMode::off, SrtpMode::offer, SrtpMode::require}) {
    for (const auto& sig : {SignallingContext::tls(), SignallingContext::udp()}) {
      auto p = testing::policy(mode, OfferProfile::savp, {SuiteId::AEAD_AES_128_GCM, SuiteId::AES_CM_128_HMAC_SHA1_80});
      for (const auto& o : offers) {
        auto out = make_answer(parse(o), audio_caps(), p, sig);
        ASSERT_TRUE(out);
        std::string texts;
        if (auto* r = as_rejection(out)) texts = r->warning + r->message;
        if (auto* a = as_answer(out)) {
          for (const auto& w : a->warnings) texts += w;
          for (const auto& m : a->media) texts += describe(m);
          if (a->session.streams[0].local) {
            for (const auto& k : testing::key_texts({*a->session.streams[0].local})) secrets.push_back(k);
          }
        }
        for (const auto& s : secrets) EXPECT_EQ(texts.find(s.substr(0, 16)), std::string::npos) << texts;
      }
    }
  }
}

}  // namespace
}  // namespace sotto::negotiation
