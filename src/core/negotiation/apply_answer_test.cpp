// apply_answer: the offerer never fails open. Every way an answer can leave media unkeyed or keyed
// with something we did not offer is an error naming the fault (baresip 1.0 answers an unoffered
// suite and sends plain RTP; see /work/shared/PEERS.md); only an RTP/AVP offer may end up plain.
#include <gtest/gtest.h>

#include "core/negotiation/offerer.hpp"
#include "core/negotiation/testing_negotiation.hpp"

namespace sotto::negotiation {
namespace {

using srtp::SuiteId;
using testing::audio_caps;
using testing::crypto_line;
using testing::parse;

std::string answer_text(const std::string& proto, const std::vector<std::string>& crypto, int port = 20000) {
  std::string s = "v=0\r\no=bob 2 2 IN IP4 192.0.2.30\r\ns=-\r\nc=IN IP4 192.0.2.30\r\nt=0 0\r\nm=audio " +
                  std::to_string(port) + " " + proto + " 0\r\na=rtpmap:0 PCMU/8000\r\n";
  for (const auto& c : crypto) s += "a=crypto:" + c + "\r\n";
  return s;
}

struct Offered {
  Offer offer;
  MediaSecurityPolicy policy;
};

Offered offer_with(SrtpMode mode, OfferProfile profile = OfferProfile::savp,
                   std::vector<SuiteId> suites = default_suites()) {
  MediaSecurityPolicy p = testing::policy(mode, profile, std::move(suites));
  auto o = make_offer(audio_caps(), p, SignallingContext::tls());
  EXPECT_TRUE(o) << o.error().message();
  return {*o, p};
}

Error apply_error(const Offered& o, const std::string& answer) {
  auto r = apply_answer(o.offer.pending, parse(answer), o.policy);
  EXPECT_FALSE(r) << "accepted: " << answer;
  return r ? Error{} : r.error();
}

TEST(ApplyAnswer, BaresipUnofferedSuiteUnderAnOfferedTagIsRefused) {
  // We offer only AES-256-GCM; baresip 1.0 answers 200 OK with AES_CM_128_HMAC_SHA1_80 anyway.
  auto o = offer_with(SrtpMode::require, OfferProfile::savp, {SuiteId::AEAD_AES_256_GCM});
  Error e = apply_error(o, answer_text("RTP/SAVP", {crypto_line(1, SuiteId::AES_CM_128_HMAC_SHA1_80)}));
  EXPECT_EQ(e, (Error{Errc::malformed_input,
                      "SRTP answer m-line 0 (audio): a=crypto tag 1 names AES_CM_128_HMAC_SHA1_80, but our offer's tag 1 "
                      "was AEAD_AES_256_GCM (RFC 4568 section 7.1.2: same suite)"}));
}

TEST(ApplyAnswer, UnofferedTagIsRefused) {
  auto o = offer_with(SrtpMode::require);
  Error e = apply_error(o, answer_text("RTP/SAVP", {crypto_line(9, SuiteId::AES_CM_128_HMAC_SHA1_80)}));
  EXPECT_EQ(e, (Error{Errc::malformed_input,
                      "SRTP answer m-line 0 (audio): a=crypto tag 9 was not in our offer (we offered tags 1, 2, 3, 4, 5, 6)"}));
}

TEST(ApplyAnswer, UnknownSuiteUnderAnOfferedTagIsRefused) {
  auto o = offer_with(SrtpMode::require);
  Error e = apply_error(o, answer_text("RTP/SAVP", {"2 MADE_UP_SUITE inline:" + sdes::testing::b64_key(30)}));
  EXPECT_EQ(e.context,
            "SRTP answer m-line 0 (audio): a=crypto tag 2 names MADE_UP_SUITE, but our offer's tag 2 was "
            "AES_CM_128_HMAC_SHA1_32 (RFC 4568 section 7.1.2: same suite)");
}

TEST(ApplyAnswer, SeveralCryptoLinesAreRefused) {
  auto o = offer_with(SrtpMode::require);
  Error e = apply_error(o, answer_text("RTP/SAVP", {crypto_line(1, SuiteId::AES_CM_128_HMAC_SHA1_80),
                                                    crypto_line(2, SuiteId::AES_CM_128_HMAC_SHA1_32)}));
  EXPECT_EQ(e, (Error{Errc::malformed_input,
                      "SRTP answer m-line 0 (audio): the answer has 2 a=crypto lines; RFC 4568 section 7.1.2 allows "
                      "exactly one"}));
}

TEST(ApplyAnswer, KeyOfTheWrongLengthIsRefused) {
  auto o = offer_with(SrtpMode::require);
  const std::string key = sdes::testing::b64_key(46, 50);  // an AES-256 key-salt under an AES-128 suite
  Error e = apply_error(o, answer_text("RTP/SAVP", {"1 AES_CM_128_HMAC_SHA1_80 inline:" + key}));
  EXPECT_EQ(e, (Error{Errc::malformed_input,
                      "SRTP answer m-line 0 (audio): unusable a=crypto: a=crypto tag 1: inline key is 46 bytes after "
                      "base64 decoding; AES_CM_128_HMAC_SHA1_80 needs 30 (16-byte key + 14-byte salt)"}));
  EXPECT_EQ(e.context.find(sdes::testing::unpadded(key).substr(0, 12)), std::string::npos);
  Error garbage = apply_error(o, answer_text("RTP/SAVP", {"1 AES_CM_128_HMAC_SHA1_80 inline:!!!!"}));
  EXPECT_EQ(garbage.code, Errc::malformed_input);
  EXPECT_EQ(garbage.context.rfind("SRTP answer m-line 0 (audio): unusable a=crypto: ", 0), 0u) << garbage.context;
}

TEST(ApplyAnswer, SavpAnswerWithoutCryptoIsRefused) {
  for (SrtpMode mode : {SrtpMode::offer, SrtpMode::require}) {
    auto o = offer_with(mode);
    Error e = apply_error(o, answer_text("RTP/SAVP", {}));
    EXPECT_EQ(e, (Error{Errc::malformed_input,
                        "SRTP answer m-line 0 (audio): RTP/SAVP answer without a=crypto, so the media would not be keyed "
                        "(RFC 4568 section 7.1.2 needs exactly one)"}));
  }
}

TEST(ApplyAnswer, PlainAvpAnswerToOurSavpOfferIsRefused) {
  for (SrtpMode mode : {SrtpMode::offer, SrtpMode::require}) {
    auto o = offer_with(mode);
    Error e = apply_error(o, answer_text("RTP/AVP", {}));
    EXPECT_EQ(e, (Error{Errc::malformed_input,
                        "SRTP answer m-line 0 (audio): answered RTP/AVP to our RTP/SAVP offer: the peer would send plain RTP"}));
    // Even with a valid a=crypto line: the proto says the peer runs plain RTP/AVP.
    EXPECT_EQ(apply_error(o, answer_text("RTP/AVP", {crypto_line(1, SuiteId::AES_CM_128_HMAC_SHA1_80)})).context,
              e.context);
  }
}

TEST(ApplyAnswer, BestEffortOfferAnsweredPlainIsPlainAndFlagged) {
  auto o = offer_with(SrtpMode::offer, OfferProfile::avp_with_crypto);
  auto r = apply_answer(o.offer.pending, parse(answer_text("RTP/AVP", {})), o.policy);
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->media.size(), 1u);
  EXPECT_FALSE(r->media[0].srtp);
  EXPECT_FALSE(r->media[0].rejected);
  EXPECT_EQ(describe(r->media[0]), "m-line 0 (audio): plain RTP, not encrypted");
  ASSERT_EQ(r->warnings.size(), 1u);
  EXPECT_EQ(r->warnings[0],
            "m-line 0 (audio): the answer declined SRTP (RTP/AVP without a=crypto): media is plain RTP, not encrypted");
  EXPECT_FALSE(r->session.streams[0].local || r->session.streams[0].remote);
}

TEST(ApplyAnswer, BestEffortOfferAnsweredWithCryptoIsSrtp) {
  auto o = offer_with(SrtpMode::offer, OfferProfile::avp_with_crypto);
  auto r = apply_answer(o.offer.pending, parse(answer_text("RTP/AVP", {crypto_line(2, SuiteId::AES_CM_128_HMAC_SHA1_32)})),
                        o.policy);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE(r->media[0].srtp);
  EXPECT_EQ(r->media[0].suite, "AES_CM_128_HMAC_SHA1_32");
  EXPECT_TRUE(r->warnings.empty());
}

TEST(ApplyAnswer, BestEffortOfferAnsweredPlainUnderARequirePolicyIsRefused) {
  auto o = offer_with(SrtpMode::offer, OfferProfile::avp_with_crypto);
  Error e = [&] {
    auto r = apply_answer(o.offer.pending, parse(answer_text("RTP/AVP", {})), testing::policy(SrtpMode::require));
    EXPECT_FALSE(r);
    return r ? Error{} : r.error();
  }();
  EXPECT_EQ(e, (Error{Errc::unsupported,
                      "SRTP answer m-line 0 (audio): the answer declined SRTP (RTP/AVP without a=crypto) and SRTP is "
                      "required"}));
}

TEST(ApplyAnswer, SavpAnswerToOurAvpOfferIsRefused) {
  auto o = offer_with(SrtpMode::offer, OfferProfile::avp_with_crypto);
  Error e = apply_error(o, answer_text("RTP/SAVP", {crypto_line(1, SuiteId::AES_CM_128_HMAC_SHA1_80)}));
  EXPECT_EQ(e.context,
            "SRTP answer m-line 0 (audio): answered RTP/SAVP to our RTP/AVP offer (RFC 3264 section 6: the answer keeps "
            "the offered proto)");
}

TEST(ApplyAnswer, CryptoInAnswerToAKeylessOfferIsRefused) {
  auto o = offer_with(SrtpMode::off);
  Error e = apply_error(o, answer_text("RTP/AVP", {crypto_line(1, SuiteId::AES_CM_128_HMAC_SHA1_80)}));
  EXPECT_EQ(e, (Error{Errc::malformed_input,
                      "SRTP answer m-line 0 (audio): a=crypto in the answer, but we offered no keys on this m-line"}));
  auto ok = apply_answer(o.offer.pending, parse(answer_text("RTP/AVP", {})), o.policy);
  ASSERT_TRUE(ok);
  EXPECT_FALSE(ok->media[0].srtp);
  EXPECT_TRUE(ok->warnings.empty()) << "plain was asked for: nothing to warn about";
}

TEST(ApplyAnswer, WeakeningParametersInTheAnswerAreRefused) {
  auto o = offer_with(SrtpMode::require);
  Error e = apply_error(o, answer_text("RTP/SAVP", {crypto_line(1, SuiteId::AES_CM_128_HMAC_SHA1_80, 1, " UNENCRYPTED_SRTP")}));
  EXPECT_EQ(e.context,
            "SRTP answer m-line 0 (audio): a=crypto tag 1 asks for UNENCRYPTED_SRTP, which we did not offer");
}

TEST(ApplyAnswer, RejectedStreamIsNotAnError) {
  auto o = offer_with(SrtpMode::require);
  auto r = apply_answer(o.offer.pending, parse(answer_text("RTP/SAVP", {}, 0)), o.policy);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_TRUE(r->media[0].rejected);
  EXPECT_FALSE(r->media[0].srtp);
}

TEST(ApplyAnswer, ValidAnswerKeysBothDirections) {
  auto o = offer_with(SrtpMode::require);
  const std::string theirs = crypto_line(2, SuiteId::AES_CM_128_HMAC_SHA1_32, 60);
  auto r = apply_answer(o.offer.pending, parse(answer_text("RTP/SAVP", {theirs})), o.policy);
  ASSERT_TRUE(r) << r.error().message();
  const SecureMedia& m = r->media[0];
  EXPECT_TRUE(m.srtp);
  EXPECT_EQ(m.tag, 2u);
  EXPECT_EQ(m.suite, "AES_CM_128_HMAC_SHA1_32");
  EXPECT_EQ(m.tx.suite, SuiteId::AES_CM_128_HMAC_SHA1_32);
  const auto& ours = o.offer.pending.streams[0].crypto[1];  // tag 2
  EXPECT_EQ(m.tx.keys.at(0).key, SecureBytes(ours.keys[0].key_salt.span().first(16)));
  EXPECT_EQ(m.rx.keys.at(0).key, SecureBytes(sdes::testing::key_bytes(16, 60)));
  EXPECT_TRUE(m.tx_key_changed && m.rx_key_changed);
  EXPECT_EQ(m.stream.remote_address, "192.0.2.30");
  EXPECT_EQ(m.stream.remote_port, 20000);
  ASSERT_TRUE(r->session.streams[0].local && r->session.streams[0].remote);
  EXPECT_EQ(r->session.streams[0].local->tag, 2u);
  EXPECT_EQ(r->session.local_sdp, o.offer.sdp);
}

TEST(ApplyAnswer, Rfc3264ChecksStillApply) {
  auto o = offer_with(SrtpMode::require);
  std::string two = answer_text("RTP/SAVP", {crypto_line(1, SuiteId::AES_CM_128_HMAC_SHA1_80)}) + "m=video 0 RTP/SAVP 96\r\n";
  EXPECT_EQ(apply_error(o, two).context, "answer has 2 m-lines, the offer had 1 (RFC 3264 section 6)");
  std::string codec = "v=0\r\no=bob 2 2 IN IP4 192.0.2.30\r\ns=-\r\nc=IN IP4 192.0.2.30\r\nt=0 0\r\n"
                      "m=audio 20000 RTP/SAVP 8\r\na=rtpmap:8 PCMA/8000\r\na=crypto:" +
                      crypto_line(1, SuiteId::AES_CM_128_HMAC_SHA1_80) + "\r\n";
  EXPECT_EQ(apply_error(o, codec).context, "answer m-line 0 (audio): payload type 8 (PCMA/8000) was not offered");
}

TEST(ApplyAnswer, ErrorsNeverCarryKeys) {
  auto o = offer_with(SrtpMode::require);
  const auto ours = testing::key_texts(o.offer.pending.streams[0].crypto);
  const std::vector<std::string> answers = {
      answer_text("RTP/SAVP", {crypto_line(9, SuiteId::AES_CM_128_HMAC_SHA1_80, 70)}),
      answer_text("RTP/SAVP", {crypto_line(1, SuiteId::AES_CM_128_HMAC_SHA1_32, 71)}),
      answer_text("RTP/SAVP", {crypto_line(1, SuiteId::AES_CM_128_HMAC_SHA1_80, 72), crypto_line(2, SuiteId::AES_CM_128_HMAC_SHA1_32, 73)}),
      answer_text("RTP/SAVP", {"1 AES_CM_128_HMAC_SHA1_80 inline:" + sdes::testing::b64_key(29, 74)}),
  };
  for (const auto& a : answers) {
    Error e = apply_error(o, a);
    for (const auto& k : ours) EXPECT_EQ(e.context.find(k.substr(0, 12)), std::string::npos);
    for (std::uint8_t seed = 70; seed <= 74; ++seed) {
      EXPECT_EQ(e.context.find(sdes::testing::b64_key(29, seed).substr(0, 12)), std::string::npos) << e.context;
    }
  }
}

}  // namespace
}  // namespace sotto::negotiation
