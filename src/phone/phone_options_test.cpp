#include "phone/phone_options.hpp"

#include <gtest/gtest.h>

namespace sotto::phone {
namespace {

PhoneOptions base() {
  PhoneOptions o;
  o.listen = {"tls://127.0.0.1:0"};
  o.target = "sips:bob@127.0.0.1:5072";
  return o;
}

std::string error_of(const PhoneOptions& o) {
  auto r = check(o);
  return r ? std::string() : r.error().context;
}

TEST(PhoneOptions, AcceptsTheDocumentedForms) {
  auto c = check(base());
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->media.mode, negotiation::SrtpMode::require);
  EXPECT_EQ(c->target->scheme, sip::UriScheme::sips);
  PhoneOptions o = base();
  o.srtp = "offer";
  o.offer_profile = "avp";
  o.suites = {"AEAD_AES_256_GCM", "AES_CM_128_HMAC_SHA1_80"};
  o.dtmf = "123#*ABCD";
  auto d = check(o);
  ASSERT_TRUE(d) << d.error().message();
  EXPECT_EQ(d->media.suites.front(), srtp::SuiteId::AEAD_AES_256_GCM);
}

TEST(PhoneOptions, EachBadFlagGetsOneClearLine) {
  PhoneOptions o = base();
  o.srtp = "maybe";
  EXPECT_EQ(error_of(o), "--srtp: 'maybe' is not one of off, offer, require");
  o = base();
  o.suites = {"AES_CM_128_HMAC_SHA1_81"};
  EXPECT_NE(error_of(o).find("--suites: unknown suite 'AES_CM_128_HMAC_SHA1_81'; valid: AES_CM_128_HMAC_SHA1_80"),
            std::string::npos);
  o = base();
  o.dtmf = "12x";
  EXPECT_EQ(error_of(o), "--dtmf: 'x' is not a DTMF digit (0-9 * # A-D)");
  o = base();
  o.play_wav = "/nonexistent/in.wav";
  EXPECT_EQ(error_of(o), "--play: cannot read '/nonexistent/in.wav'");
  o = base();
  o.listen = {"sctp://127.0.0.1:5060"};
  EXPECT_NE(error_of(o).find("--listen: "), std::string::npos);
  o = base();
  o.target = "http://example.com";
  EXPECT_NE(error_of(o).find("is not a sip: or sips: URI"), std::string::npos);
  o = base();
  o.mode = PhoneMode::listen;
  EXPECT_EQ(error_of(o), "--listen tls://127.0.0.1:0: a TLS listener needs --cert (and --key)");
  o = base();
  o.key_file = "/etc/hostname";
  EXPECT_EQ(error_of(o), "--key given without --cert");
  o = base();
  o.srtp = "require";
  o.suites = {"NULL_HMAC_SHA1_80"};
  EXPECT_NE(error_of(o).find("--suites/--srtp: "), std::string::npos);
}

}  // namespace
}  // namespace sotto::phone
