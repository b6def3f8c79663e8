// A peer's key derivation rate (RFC 4568 "KDR=", RFC 3711 section 4.3.1) is accepted only when it
// re-keys no more often than every 2^min_kdr packets (2^16 by default): below that, an offer gets 488
// with a Warning naming the reason, and an answer is refused. No KDR at all (libsrtp peers) is fine.
#include <gtest/gtest.h>

#include "core/negotiation/answerer.hpp"
#include "core/negotiation/offerer.hpp"
#include "core/negotiation/testing_negotiation.hpp"

namespace sotto::negotiation {
namespace {

using srtp::SuiteId;
using testing::as_answer;
using testing::as_rejection;
using testing::audio_caps;
using testing::crypto_line;
using testing::offer_text;
using testing::parse;

Result<AnswerOutcome> answer(const std::string& kdr_param, const MediaSecurityPolicy& p) {
  return make_answer(parse(offer_text("RTP/SAVP", {crypto_line(1, SuiteId::AES_CM_128_HMAC_SHA1_80, 1, kdr_param)})),
                     audio_caps(), p, SignallingContext::tls());
}

TEST(Kdr, AnOfferedKdrBelow16Gets488NamingTheReason) {
  const MediaSecurityPolicy p = testing::policy(SrtpMode::require);
  EXPECT_EQ(p.min_kdr, 16);
  auto out = answer(" KDR=4", p);
  const Rejection* r = as_rejection(out);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(r->status, 488);
  EXPECT_EQ(r->text,
            "no usable SRTP crypto line: a=crypto tag 1: KDR=4 refused: new session keys every 2^4 packets, more often "
            "than the 2^16 allowed (--srtp-min-kdr); allowed " + allowed_suites_text(p));
  EXPECT_NE(r->warning.find("KDR=4 refused"), std::string::npos) << r->warning;
}

TEST(Kdr, NoKdrOrAtLeast16IsAccepted) {
  const MediaSecurityPolicy p = testing::policy(SrtpMode::require);
  for (const char* param : {"", " KDR=16", " KDR=24"}) {
    auto out = answer(param, p);
    const Answer* a = as_answer(out);
    ASSERT_NE(a, nullptr) << param;
  }
  auto twenty = answer(" KDR=20", p);
  const Answer* a = as_answer(twenty);
  ASSERT_NE(a, nullptr);
  EXPECT_EQ(a->media[0].rx.kdr_exponent, std::optional<std::uint8_t>(20));
}

TEST(Kdr, TheMinimumIsAPolicySetting) {
  MediaSecurityPolicy p = testing::policy(SrtpMode::require);
  p.min_kdr = 0;
  auto zero = answer(" KDR=0", p);
  EXPECT_NE(as_answer(zero), nullptr);
  p.min_kdr = 25;
  auto st = validate(p);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().context, "media security policy: minimum KDR 25 out of range 0..24 (RFC 4568 section 6.3.1)");
}

TEST(Kdr, AnAnswerWithASmallKdrIsRefused) {
  const MediaSecurityPolicy p = testing::policy(SrtpMode::require, OfferProfile::savp, {SuiteId::AES_CM_128_HMAC_SHA1_80});
  auto o = make_offer(audio_caps(), p, SignallingContext::tls());
  ASSERT_TRUE(o);
  const std::string text = "v=0\r\no=bob 2 2 IN IP4 192.0.2.30\r\ns=-\r\nc=IN IP4 192.0.2.30\r\nt=0 0\r\n"
                           "m=audio 20000 RTP/SAVP 0\r\na=rtpmap:0 PCMU/8000\r\na=crypto:" +
                           crypto_line(1, SuiteId::AES_CM_128_HMAC_SHA1_80, 1, " KDR=8") + "\r\n";
  auto r = apply_answer(o->pending, parse(text), p);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().context,
            "SRTP answer m-line 0 (audio): a=crypto tag 1: KDR=8 refused: new session keys every 2^8 packets, more "
            "often than the 2^16 allowed (--srtp-min-kdr)");
}

}  // namespace
}  // namespace sotto::negotiation
