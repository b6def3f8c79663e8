// make_answer's decision table: SRTP mode x what was offered (RTP/SAVP or RTP/AVP, with or without
// a=crypto) x signalling (TLS, UDP, UDP with SDES allowed), each with its exact 488 text or warning.
// docs/NEGOTIATION.md shows the same table.
#include <gtest/gtest.h>

#include "core/negotiation/answerer.hpp"
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

enum class Sig { tls, udp, udp_allowed };
enum class Offered { savp_crypto, avp_crypto, avp, savp };
enum class Outcome { srtp, plain, reject };

constexpr const char* kOffDisabled = "SRTP offered (RTP/SAVP) but disabled here (SRTP mode off)";
constexpr const char* kSavpNoCrypto =
    "RTP/SAVP offered without a=crypto; SDES (RFC 4568) is the only SRTP keying supported here";
constexpr const char* kRequiredNotOffered = "SRTP required but not offered: RTP/AVP without a=crypto";
constexpr const char* kArrivedInClear =
    "SDES keys arrived in cleartext over UDP, so SRTP keyed with them would not be private; use TLS "
    "(sips:/;transport=tls) or --allow-sdes-over-insecure-transport";
constexpr const char* kIgnoredOff = "m-line 0 (audio): ignored 1 a=crypto line: SRTP is disabled here; answering plain RTP";
constexpr const char* kIgnoredClear =
    "m-line 0 (audio): ignored 1 a=crypto line: SDES keys arrived in cleartext over UDP, so SRTP keyed with them "
    "would not be private; use TLS (sips:/;transport=tls) or --allow-sdes-over-insecure-transport; answering plain RTP";

struct AnswerCase {
  SrtpMode mode;
  Offered offered;
  Sig sig;
  Outcome outcome;
  const char* text;  // rejection text, or the one warning of a plain answer ("" = none)
};

const AnswerCase kCases[] = {
    // SRTP off: RTP/SAVP is refused, RTP/AVP answered plain (a=crypto ignored).
    {SrtpMode::off, Offered::savp_crypto, Sig::tls, Outcome::reject, kOffDisabled},
    {SrtpMode::off, Offered::savp_crypto, Sig::udp, Outcome::reject, kOffDisabled},
    {SrtpMode::off, Offered::savp_crypto, Sig::udp_allowed, Outcome::reject, kOffDisabled},
    {SrtpMode::off, Offered::avp_crypto, Sig::tls, Outcome::plain, kIgnoredOff},
    {SrtpMode::off, Offered::avp_crypto, Sig::udp, Outcome::plain, kIgnoredOff},
    {SrtpMode::off, Offered::avp_crypto, Sig::udp_allowed, Outcome::plain, kIgnoredOff},
    {SrtpMode::off, Offered::avp, Sig::tls, Outcome::plain, ""},
    {SrtpMode::off, Offered::avp, Sig::udp, Outcome::plain, ""},
    {SrtpMode::off, Offered::avp, Sig::udp_allowed, Outcome::plain, ""},
    {SrtpMode::off, Offered::savp, Sig::tls, Outcome::reject, kOffDisabled},
    {SrtpMode::off, Offered::savp, Sig::udp, Outcome::reject, kOffDisabled},
    {SrtpMode::off, Offered::savp, Sig::udp_allowed, Outcome::reject, kOffDisabled},
    // SRTP offered: SRTP when keys can be trusted; plain only for RTP/AVP.
    {SrtpMode::offer, Offered::savp_crypto, Sig::tls, Outcome::srtp, ""},
    {SrtpMode::offer, Offered::savp_crypto, Sig::udp, Outcome::reject, kArrivedInClear},
    {SrtpMode::offer, Offered::savp_crypto, Sig::udp_allowed, Outcome::srtp, ""},
    {SrtpMode::offer, Offered::avp_crypto, Sig::tls, Outcome::srtp, ""},
    {SrtpMode::offer, Offered::avp_crypto, Sig::udp, Outcome::plain, kIgnoredClear},
    {SrtpMode::offer, Offered::avp_crypto, Sig::udp_allowed, Outcome::srtp, ""},
    {SrtpMode::offer, Offered::avp, Sig::tls, Outcome::plain, ""},
    {SrtpMode::offer, Offered::avp, Sig::udp, Outcome::plain, ""},
    {SrtpMode::offer, Offered::avp, Sig::udp_allowed, Outcome::plain, ""},
    {SrtpMode::offer, Offered::savp, Sig::tls, Outcome::reject, kSavpNoCrypto},
    {SrtpMode::offer, Offered::savp, Sig::udp, Outcome::reject, kSavpNoCrypto},
    {SrtpMode::offer, Offered::savp, Sig::udp_allowed, Outcome::reject, kSavpNoCrypto},
    // SRTP required: SRTP from either profile, or 488.
    {SrtpMode::require, Offered::savp_crypto, Sig::tls, Outcome::srtp, ""},
    {SrtpMode::require, Offered::savp_crypto, Sig::udp, Outcome::reject, kArrivedInClear},
    {SrtpMode::require, Offered::savp_crypto, Sig::udp_allowed, Outcome::srtp, ""},
    {SrtpMode::require, Offered::avp_crypto, Sig::tls, Outcome::srtp, ""},
    {SrtpMode::require, Offered::avp_crypto, Sig::udp, Outcome::reject, kArrivedInClear},
    {SrtpMode::require, Offered::avp_crypto, Sig::udp_allowed, Outcome::srtp, ""},
    {SrtpMode::require, Offered::avp, Sig::tls, Outcome::reject, kRequiredNotOffered},
    {SrtpMode::require, Offered::avp, Sig::udp, Outcome::reject, kRequiredNotOffered},
    {SrtpMode::require, Offered::avp, Sig::udp_allowed, Outcome::reject, kRequiredNotOffered},
    {SrtpMode::require, Offered::savp, Sig::tls, Outcome::reject, kSavpNoCrypto},
    {SrtpMode::require, Offered::savp, Sig::udp, Outcome::reject, kSavpNoCrypto},
    {SrtpMode::require, Offered::savp, Sig::udp_allowed, Outcome::reject, kSavpNoCrypto},
};

std::string offered_sdp(Offered o) {
  const std::vector<std::string> one = {crypto_line(1, SuiteId::AES_CM_128_HMAC_SHA1_80, 9)};
  switch (o) {
    case Offered::savp_crypto: return offer_text("RTP/SAVP", one);
    case Offered::avp_crypto: return offer_text("RTP/AVP", one);
    case Offered::avp: return offer_text("RTP/AVP", {});
    case Offered::savp: return offer_text("RTP/SAVP", {});
  }
  return {};
}

class AnswerMatrix : public ::testing::TestWithParam<AnswerCase> {};

TEST_P(AnswerMatrix, Outcome) {
  const AnswerCase& c = GetParam();
  MediaSecurityPolicy p = testing::policy(c.mode);
  p.allow_sdes_over_insecure_transport = c.sig == Sig::udp_allowed;
  SignallingContext sig = c.sig == Sig::tls ? SignallingContext::tls() : SignallingContext::udp();
  const std::string text = offered_sdp(c.offered);
  auto out = make_answer(parse(text), audio_caps(), p, sig);
  ASSERT_TRUE(out) << out.error().message();
  if (c.outcome == Outcome::reject) {
    const Rejection* r = as_rejection(out);
    ASSERT_NE(r, nullptr);
    EXPECT_EQ(r->status, 488);
    EXPECT_EQ(r->text, c.text);
    EXPECT_EQ(r->warning, std::string("305 sotto \"") + c.text + "\"");
    return;
  }
  const Answer* a = as_answer(out);
  ASSERT_NE(a, nullptr) << as_rejection(out)->message;
  ASSERT_EQ(a->media.size(), 1u);
  const SecureMedia& m = a->media[0];
  EXPECT_FALSE(m.rejected);
  const auto& am = a->sdp.media[0];
  EXPECT_EQ(am.proto, parse(text).media[0].proto) << "the answer keeps the offered proto";
  if (c.outcome == Outcome::srtp) {
    EXPECT_TRUE(m.srtp);
    EXPECT_EQ(m.suite, "AES_CM_128_HMAC_SHA1_80");
    EXPECT_EQ(m.tag, 1u);
    ASSERT_EQ(am.crypto_values().size(), 1u);
    EXPECT_TRUE(a->session.streams[0].local && a->session.streams[0].remote);
  } else {
    EXPECT_FALSE(m.srtp);
    EXPECT_TRUE(am.crypto_values().empty());
    EXPECT_FALSE(a->session.streams[0].local || a->session.streams[0].remote);
  }
  if (*c.text) {
    ASSERT_EQ(a->warnings.size(), 1u);
    EXPECT_EQ(a->warnings[0], c.text);
  } else {
    EXPECT_TRUE(a->warnings.empty()) << a->warnings[0];
  }
}

INSTANTIATE_TEST_SUITE_P(AllModes, AnswerMatrix, ::testing::ValuesIn(kCases));

}  // namespace
}  // namespace sotto::negotiation
