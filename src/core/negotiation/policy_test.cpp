// MediaSecurityPolicy defaults and validation; Rejection texts and Warning quoting; describe().
#include "core/negotiation/media_security_policy.hpp"

#include <gtest/gtest.h>

#include "core/negotiation/rejection.hpp"
#include "core/negotiation/secure_media.hpp"
#include "core/negotiation/signalling_context.hpp"

namespace sotto::negotiation {
namespace {

using srtp::SuiteId;

TEST(MediaSecurityPolicy, DefaultsRequireSrtpOverTlsWithTheCommonSuites) {
  MediaSecurityPolicy p;
  EXPECT_EQ(p.mode, SrtpMode::require);
  EXPECT_EQ(p.offer_profile, OfferProfile::savp);
  EXPECT_FALSE(p.allow_sdes_over_insecure_transport);
  EXPECT_EQ(allowed_suites_text(p),
            "AES_CM_128_HMAC_SHA1_80, AES_CM_128_HMAC_SHA1_32, AEAD_AES_128_GCM, AEAD_AES_256_GCM, "
            "AES_256_CM_HMAC_SHA1_80, AES_256_CM_HMAC_SHA1_32");
  EXPECT_TRUE(validate(p));
  EXPECT_TRUE(allows(p, SuiteId::AEAD_AES_128_GCM));
  EXPECT_FALSE(allows(p, SuiteId::F8_128_HMAC_SHA1_80));
}

TEST(MediaSecurityPolicy, Names) {
  EXPECT_EQ(to_string(SrtpMode::off), "off");
  EXPECT_EQ(to_string(SrtpMode::offer), "offer");
  EXPECT_EQ(to_string(SrtpMode::require), "require");
  EXPECT_EQ(to_string(OfferProfile::savp), "savp");
  EXPECT_EQ(to_string(OfferProfile::avp_with_crypto), "avp_with_crypto");
}

TEST(MediaSecurityPolicy, ValidateNamesTheFault) {
  MediaSecurityPolicy p;
  p.suites.clear();
  EXPECT_EQ(validate(p).error(),
            (Error{Errc::invalid_argument, "media security policy: SRTP mode require with no crypto suites allowed"}));
  p.mode = SrtpMode::off;
  EXPECT_TRUE(validate(p));  // off needs no suites
  EXPECT_EQ(allowed_suites_text(p), "none");

  p = MediaSecurityPolicy{};
  p.suites = {SuiteId::AEAD_AES_128_GCM, SuiteId::AEAD_AES_128_GCM};
  EXPECT_EQ(validate(p).error().context, "media security policy: suite AEAD_AES_128_GCM listed twice");

  p.suites = {SuiteId::NULL_HMAC_SHA1_80};
  EXPECT_EQ(validate(p).error().context,
            "media security policy: suite NULL_HMAC_SHA1_80 does not encrypt SRTP and is never negotiated");
  p.suites = {SuiteId::AES_CM_128_NULL_AUTH};
  EXPECT_EQ(validate(p).error().context,
            "media security policy: suite AES_CM_128_NULL_AUTH does not authenticate SRTP and is never negotiated");

  p.suites = default_suites();
  p.mki = sdes::Mki{1, 8};  // the engine does 1..4 bytes
  auto st = validate(p);
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, Errc::invalid_argument);
  EXPECT_NE(st.error().context.find("media security policy: "), std::string::npos);

  p.mki = sdes::Mki{1, 4};
  p.key_lifetime = sdes::KeyLifetime{1ull << 31, sdes::LifetimeForm::power_of_two};
  EXPECT_TRUE(validate(p));
  p.key_lifetime = sdes::KeyLifetime{0, sdes::LifetimeForm::decimal};
  EXPECT_FALSE(validate(p));
}

TEST(SignallingContext, Presets) {
  EXPECT_TRUE(SignallingContext::tls().secure);
  EXPECT_EQ(SignallingContext::tls().transport, "TLS");
  EXPECT_FALSE(SignallingContext::udp().secure);
  EXPECT_EQ(SignallingContext::udp().transport, "UDP");
  EXPECT_FALSE(SignallingContext::tcp().secure);
  EXPECT_FALSE(SignallingContext{}.secure);  // insecure unless told otherwise
}

TEST(Rejection, Uses488AndWarn305NotWarn308) {
  Rejection r = reject_offer("no common SRTP crypto suite: offered A; allowed B");
  EXPECT_EQ(r.status, 488);
  EXPECT_EQ(r.reason_phrase, "Not Acceptable Here");
  EXPECT_EQ(kWarnIncompatibleMedia, 305);  // RFC 3261 20.43; 308 is RFC 8373's language code
  EXPECT_EQ(r.warning, "305 sotto \"no common SRTP crypto suite: offered A; allowed B\"");
  EXPECT_EQ(r.text, "no common SRTP crypto suite: offered A; allowed B");
  EXPECT_EQ(r.message, "refusing the call (488 Not Acceptable Here): no common SRTP crypto suite: offered A; allowed B");
}

TEST(Rejection, WarnTextIsAValidQuotedString) {
  EXPECT_EQ(quote_warn_text("a \"b\" c\\d"), "\"a \\\"b\\\" c\\\\d\"");
  EXPECT_EQ(quote_warn_text("line\r\nbreak\t"), "\"line??break?\"");
  EXPECT_EQ(quote_warn_text(""), "\"\"");
}

TEST(SecureMediaDescribe, NamesSuiteTagAndLengthsOnly) {
  SecureMedia m;
  m.index = 1;
  m.stream.media = "audio";
  m.rejected = true;
  EXPECT_EQ(describe(m), "m-line 1 (audio): rejected");
  m.rejected = false;
  EXPECT_EQ(describe(m), "m-line 1 (audio): plain RTP, not encrypted");
  m.srtp = true;
  m.suite = "AES_CM_128_HMAC_SHA1_80";
  m.tag = 3;
  srtp::MasterKey k;
  k.key = SecureBytes(16);
  k.salt = SecureBytes(14);
  m.tx.keys.push_back(k);
  m.tx_key_changed = true;
  EXPECT_EQ(describe(m), "m-line 1 (audio): SRTP AES_CM_128_HMAC_SHA1_80 tag 3, 30-byte keys, tx key new, rx key kept");
}

}  // namespace
}  // namespace sotto::negotiation
