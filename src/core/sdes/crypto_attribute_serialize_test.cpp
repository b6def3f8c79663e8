// serialize and validate: the canonical form, lifetime forms kept, round trips, and the model rules
// for attributes built by hand.
#include <gtest/gtest.h>

#include "core/sdes/crypto_attribute.hpp"
#include "core/sdes/testing_keys.hpp"

namespace sotto::sdes {
namespace {

using testing::b64_key;
using testing::kRfcKey1;
using testing::kRfcKey2;
using testing::kRfcKeyF8a;
using testing::kRfcKeyF8b;
using testing::unpadded;

std::string reserialize(std::string_view text) {
  auto a = parse_crypto_attribute(text);
  EXPECT_TRUE(a) << text << "\n  -> " << a.error().message();
  return a ? serialize(*a) : std::string();
}

TEST(SerializeCryptoAttribute, CanonicalForm) {
  const std::string key = b64_key(30);
  EXPECT_EQ(reserialize("a=crypto:1  aes_cm_128_hmac_sha1_80\tINLINE:" + unpadded(b64_key(30)) +
                        "|2^20|1:4 unencrypted_srtcp kdr=10\r\n"),
            "1 AES_CM_128_HMAC_SHA1_80 inline:" + key + "|2^20|1:4 KDR=10 UNENCRYPTED_SRTCP");
}

TEST(SerializeCryptoAttribute, RfcExamplesUnchanged) {
  for (const std::string& v : {
           "1 AES_CM_128_HMAC_SHA1_80 inline:" + std::string(kRfcKey2) + "|2^20|1:4 FEC_ORDER=FEC_SRTP",
           "2 F8_128_HMAC_SHA1_80 inline:" + std::string(kRfcKeyF8a) + "|2^20|1:4;inline:" + std::string(kRfcKeyF8b) +
               "|2^20|2:4 FEC_ORDER=FEC_SRTP",
           "1 AES_CM_128_HMAC_SHA1_80 inline:" + std::string(kRfcKey1) + "|2^20|1:32",
           "1 AES_CM_128_HMAC_SHA1_32 inline:" + std::string(kRfcKey1),
       }) {
    EXPECT_EQ(reserialize(v), v);
    EXPECT_EQ(reserialize("a=crypto:" + v + "\r\n"), v);
  }
}

TEST(SerializeCryptoAttribute, LifetimeKeepsDecimalOrPowerOfTwo) {
  const std::string base = "1 AES_CM_128_HMAC_SHA1_80 inline:" + std::string(kRfcKey1);
  EXPECT_EQ(reserialize(base + "|1048576"), base + "|1048576");
  EXPECT_EQ(reserialize(base + "|2^20"), base + "|2^20");
  EXPECT_EQ(reserialize(base + "|2^020|01:004"), base + "|2^20|1:4");
  EXPECT_EQ(reserialize(base + "|1024:2"), base + "|1024:2");
}

TEST(SerializeCryptoAttribute, SessionParametersInCanonicalOrderThenExtensionsAsGiven) {
  const std::string key = "inline:" + std::string(kRfcKey1);
  const std::string fec = "inline:" + b64_key(30) + "|1:1;inline:" + b64_key(30, 50) + "|2:1";
  EXPECT_EQ(reserialize("9 AES_CM_128_HMAC_SHA1_80 " + key + " Z_EXT -opt WSH=128 FEC_KEY=" + fec +
                        " FEC_ORDER=SRTP_FEC UNAUTHENTICATED_SRTP UNENCRYPTED_SRTCP UNENCRYPTED_SRTP KDR=0 A_EXT"),
            "9 AES_CM_128_HMAC_SHA1_80 " + key +
                " KDR=0 UNENCRYPTED_SRTP UNENCRYPTED_SRTCP UNAUTHENTICATED_SRTP FEC_ORDER=SRTP_FEC FEC_KEY=" + fec +
                " WSH=128 Z_EXT -opt A_EXT");
}

TEST(SerializeCryptoAttribute, UnknownSuiteKeepsItsNameAndKeys) {
  const std::string v = "3 NEW_SUITE_X inline:" + b64_key(5) + "|2^60|9:8 NEW_PARAM";
  EXPECT_EQ(reserialize(v), v);
}

TEST(SerializeCryptoAttribute, RoundTripParseSerializeParse) {
  const std::string k30 = b64_key(30);
  const std::vector<std::string> inputs = {
      "1 AES_CM_128_HMAC_SHA1_80 inline:" + unpadded(k30) + " KDR=3 -x WSH=64",
      "0 AEAD_AES_256_GCM inline:" + unpadded(b64_key(44)) + "|281474976710656|4294967295:4 UNENCRYPTED_SRTCP",
      "999999999 AES_256_CM_HMAC_SHA1_32\tinline:" + unpadded(b64_key(46)) + "|2^31|1:2;inline:" + b64_key(46, 3) + "|2:2 FEC_ORDER=FEC_SRTP",
      "12 aes_192_cm_hmac_sha1_80 inline:" + b64_key(38) + "|5:1;INLINE:" + b64_key(38, 7) + "|6:1 unauthenticated_srtp",
      "4 WHATEVER inline:QQ|1 x=1",
      "3 _\tinline:AQ",  // from the fuzzer: the shortest suite name and key
      "3 A2\tinline:AQR UP WP U NEW=",
      "7 SUITE inline:QUJ+|2^12|0:4;inline:QUJ/|20|1:4;inline:QUJ+QSJj|2:4",
  };
  for (const std::string& in : inputs) {
    auto a = parse_crypto_attribute(in);
    if (!a) {
      ADD_FAILURE() << in << "\n  -> " << a.error().message();
      continue;
    }
    const std::string out = serialize(*a);
    auto b = parse_crypto_attribute(out);
    ASSERT_TRUE(b) << out << "\n  -> " << b.error().message();
    EXPECT_EQ(*a, *b) << in << "\n  " << out;
    EXPECT_EQ(serialize(*b), out);
    EXPECT_TRUE(validate(*a)) << in;
  }
}

// Hand-built models: validate names what is wrong with Errc::invalid_argument.
TEST(ValidateCryptoAttribute, HandBuiltModels) {
  const CryptoAttribute good = *parse_crypto_attribute("1 AES_CM_128_HMAC_SHA1_80 inline:" + std::string(kRfcKey1));
  EXPECT_TRUE(validate(good));
  const auto bad = [&](auto&& mutate, std::string_view context) {
    CryptoAttribute a = good;
    mutate(a);
    const Status s = validate(a);
    ASSERT_FALSE(s) << context;
    EXPECT_EQ(s.error().code, Errc::invalid_argument);
    EXPECT_EQ(s.error().context, context);
  };
  bad([](CryptoAttribute& a) { a.tag = 1'000'000'000; },
      "a=crypto tag 1000000000: tag is out of range 0..999999999 (1*9DIGIT, RFC 4568 section 9.1)");
  bad([](CryptoAttribute& a) { a.suite_name = "AES_CM_128_HMAC_SHA1_32"; },
      "a=crypto tag 1: suite_name 'AES_CM_128_HMAC_SHA1_32' differs from suite AES_CM_128_HMAC_SHA1_80");
  bad([](CryptoAttribute& a) { a.suite = nullptr; },
      "a=crypto tag 1: suite_name names AES_CM_128_HMAC_SHA1_80 but suite is null");
  bad([](CryptoAttribute& a) { a.suite_name = "has space", a.suite = nullptr; },
      "a=crypto tag 1: crypto-suite 'has?space' is not 1*(ALPHA / DIGIT / \"_\") (RFC 4568 section 9.1)");
  bad([](CryptoAttribute& a) { a.keys.clear(); },
      "a=crypto tag 1: no inline key; expected key-params after the crypto-suite");
  bad([](CryptoAttribute& a) { a.keys[0].key_salt = SecureBytes(); },
      "a=crypto tag 1: inline key has no key-salt; expected base64 key and salt after inline:");
  bad([](CryptoAttribute& a) { a.keys[0].lifetime = KeyLifetime{1000, LifetimeForm::power_of_two}; },
      "a=crypto tag 1: inline key lifetime 1000 is not a power of two but has the 2^n form");
  bad([](CryptoAttribute& a) { a.keys[0].mki = Mki{1, 0}; },
      "a=crypto tag 1: inline key MKI length 0 is out of range 1..128 (RFC 4568 section 9.2)");
  bad([](CryptoAttribute& a) { a.params.kdr = 25; },
      "a=crypto tag 1: KDR=25 is out of range 0..24 (RFC 4568 section 6.3.1)");
  bad([](CryptoAttribute& a) { a.params.wsh = 63; },
      "a=crypto tag 1: WSH=63 is below the minimum of 64 (RFC 4568 section 6.3.6)");
  bad([](CryptoAttribute& a) { a.params.extensions = {"two words"}; },
      "a=crypto tag 1: session parameter 'two?words' is not 1*VCHAR (RFC 4568 section 9.2 srtp-session-extension)");
  bad([](CryptoAttribute& a) { a.params.extensions = {""}; },
      "a=crypto tag 1: session parameter '' is not 1*VCHAR (RFC 4568 section 9.2 srtp-session-extension)");
  bad([](CryptoAttribute& a) { a.params.extensions = {"kdr=4"}; },
      "a=crypto tag 1: extension 'kdr=4' has the name of a known session parameter; set its SessionParams field instead");
}

}  // namespace
}  // namespace sotto::sdes
