// parse_crypto_attribute: the RFC 4568 examples, every key and session parameter, the tolerated
// variations (prefix, CR/LF, tabs, case, unpadded base64) and unknown suites.
#include <gtest/gtest.h>

#include "core/sdes/crypto_attribute.hpp"
#include "core/sdes/testing_keys.hpp"

namespace sotto::sdes {
namespace {

using testing::b64_key;
using testing::key_bytes;
using testing::kRfcKey1;
using testing::kRfcKey2;
using testing::kRfcKeyF8a;
using testing::kRfcKeyF8b;
using testing::unpadded;

CryptoAttribute parse_ok(std::string_view text) {
  auto r = parse_crypto_attribute(text);
  EXPECT_TRUE(r) << text << "\n  -> " << r.error().message();
  return r ? *r : CryptoAttribute{};
}

std::vector<std::uint8_t> decoded(std::string_view b64) {
  auto r = crypto::base64_decode(b64);
  auto s = r->span();
  return {s.begin(), s.end()};
}

std::vector<std::uint8_t> bytes_of(const SecureBytes& b) { return {b.span().begin(), b.span().end()}; }

// RFC 4568 section 4: the first example offer, a single key with lifetime and MKI, and FEC_ORDER.
TEST(ParseCryptoAttribute, RfcExampleWithLifetimeMkiAndFecOrder) {
  const std::string line = "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:" + std::string(kRfcKey2) + "|2^20|1:4 FEC_ORDER=FEC_SRTP";
  CryptoAttribute a = parse_ok(line);
  EXPECT_EQ(a.tag, 1u);
  ASSERT_NE(a.suite, nullptr);
  EXPECT_EQ(a.suite->id, srtp::SuiteId::AES_CM_128_HMAC_SHA1_80);
  EXPECT_EQ(a.suite_name, "AES_CM_128_HMAC_SHA1_80");
  ASSERT_EQ(a.keys.size(), 1u);
  EXPECT_EQ(bytes_of(a.keys[0].key_salt), decoded(kRfcKey2));
  EXPECT_EQ(a.keys[0].lifetime, (KeyLifetime{1u << 20, LifetimeForm::power_of_two}));
  EXPECT_EQ(a.keys[0].mki, (Mki{1, 4}));
  EXPECT_EQ(a.params.fec_order, FecOrder::fec_srtp);
  EXPECT_TRUE(a.params.extensions.empty());
}

// RFC 4568 section 4: the second example, two F8 keys told apart by MKI 1 and 2.
TEST(ParseCryptoAttribute, RfcExampleTwoKeysWithMkis) {
  const std::string line = "2 F8_128_HMAC_SHA1_80 inline:" + std::string(kRfcKeyF8a) + "|2^20|1:4;inline:" +
                           std::string(kRfcKeyF8b) + "|2^20|2:4 FEC_ORDER=FEC_SRTP";
  CryptoAttribute a = parse_ok(line);
  EXPECT_EQ(a.tag, 2u);
  ASSERT_NE(a.suite, nullptr);
  EXPECT_EQ(a.suite->id, srtp::SuiteId::F8_128_HMAC_SHA1_80);
  ASSERT_EQ(a.keys.size(), 2u);
  EXPECT_EQ(bytes_of(a.keys[0].key_salt), decoded(kRfcKeyF8a));
  EXPECT_EQ(bytes_of(a.keys[1].key_salt), decoded(kRfcKeyF8b));
  EXPECT_EQ(a.keys[0].mki, (Mki{1, 4}));
  EXPECT_EQ(a.keys[1].mki, (Mki{2, 4}));
}

// RFC 4568 sections 4-5 use "|1:32": a 32-byte MKI. That is valid RFC 4568, so it parses (and
// re-serializes unchanged); only to_policy refuses it, because the engine does 1..4 (to_policy_test).
TEST(ParseCryptoAttribute, RfcExampleWith32ByteMkiParses) {
  CryptoAttribute a = parse_ok("1 AES_CM_128_HMAC_SHA1_80 inline:" + std::string(kRfcKey1) + "|2^20|1:32");
  ASSERT_EQ(a.keys.size(), 1u);
  EXPECT_EQ(a.keys[0].mki, (Mki{1, 32}));
  EXPECT_EQ(bytes_of(a.keys[0].key_salt), decoded(kRfcKey1));
}

TEST(ParseCryptoAttribute, PrefixIsOptionalAndTrailingLineEndIsIgnored) {
  const std::string v = "1 AES_CM_128_HMAC_SHA1_32 inline:" + std::string(kRfcKey1);
  const CryptoAttribute want = parse_ok(v);
  for (const std::string& text : {"a=crypto:" + v, v + "\r\n", v + "\n", v + "\r", "a=crypto:" + v + " \r\n",
                                  v + " \t", " " + v, "a=crypto:\t" + v}) {
    EXPECT_EQ(parse_ok(text), want) << text;
  }
}

TEST(ParseCryptoAttribute, FieldsMaySeparateWithTabsAndRunsOfSpaces) {
  const CryptoAttribute want = parse_ok("1 AES_CM_128_HMAC_SHA1_80 inline:" + std::string(kRfcKey1) + " KDR=1");
  EXPECT_EQ(parse_ok("1\tAES_CM_128_HMAC_SHA1_80\tinline:" + std::string(kRfcKey1) + "\tKDR=1"), want);
  EXPECT_EQ(parse_ok("1   AES_CM_128_HMAC_SHA1_80 \t inline:" + std::string(kRfcKey1) + "  \t KDR=1"), want);
}

// ABNF literals are case-insensitive (RFC 4234 section 2.3); the model holds the canonical names.
TEST(ParseCryptoAttribute, LiteralsMatchIgnoringCase) {
  CryptoAttribute a = parse_ok("1 aes_cm_128_hmac_sha1_80 INLINE:" + std::string(kRfcKey1) +
                               " kdr=2 unencrypted_srtcp Fec_Order=srtp_fec wsh=64");
  ASSERT_NE(a.suite, nullptr);
  EXPECT_EQ(a.suite_name, "AES_CM_128_HMAC_SHA1_80");
  EXPECT_EQ(a.params.kdr, 2);
  EXPECT_TRUE(a.params.unencrypted_srtcp);
  EXPECT_EQ(a.params.fec_order, FecOrder::srtp_fec);
  EXPECT_EQ(a.params.wsh, 64u);
}

TEST(ParseCryptoAttribute, EverySessionParameter) {
  const std::string fec_key = b64_key(30, 100);
  CryptoAttribute a = parse_ok("7 AES_CM_128_HMAC_SHA1_80 inline:" + std::string(kRfcKey1) +
                               " KDR=24 UNENCRYPTED_SRTP UNENCRYPTED_SRTCP UNAUTHENTICATED_SRTP FEC_ORDER=SRTP_FEC"
                               " FEC_KEY=inline:" + fec_key + "|2^10 WSH=1024 -OPTIONAL_THING NEW_PARAM=x;y");
  const SessionParams& p = a.params;
  EXPECT_EQ(p.kdr, 24);
  EXPECT_TRUE(p.unencrypted_srtp);
  EXPECT_TRUE(p.unencrypted_srtcp);
  EXPECT_TRUE(p.unauthenticated_srtp);
  EXPECT_EQ(p.fec_order, FecOrder::srtp_fec);
  ASSERT_EQ(p.fec_keys.size(), 1u);
  EXPECT_EQ(bytes_of(p.fec_keys[0].key_salt), key_bytes(30, 100));
  EXPECT_EQ(p.fec_keys[0].lifetime, (KeyLifetime{1024, LifetimeForm::power_of_two}));
  EXPECT_EQ(p.wsh, 1024u);
  EXPECT_EQ(p.extensions, (std::vector<std::string>{"-OPTIONAL_THING", "NEW_PARAM=x;y"}));
}

TEST(ParseCryptoAttribute, NoSessionParametersMeansDefaults) {
  CryptoAttribute a = parse_ok("1 AES_CM_128_HMAC_SHA1_80 inline:" + std::string(kRfcKey1));
  EXPECT_EQ(a.params, SessionParams{});
  EXPECT_FALSE(a.keys[0].lifetime);
  EXPECT_FALSE(a.keys[0].mki);
}

TEST(ParseCryptoAttribute, FecKeyWithSeveralKeysNeedsMkis) {
  const std::string k = "inline:" + b64_key(30);
  CryptoAttribute a = parse_ok("1 AES_CM_128_HMAC_SHA1_80 " + k + " FEC_KEY=" + k + "|1:1;" + k + "|2:1");
  EXPECT_EQ(a.params.fec_keys.size(), 2u);
  auto bad = parse_crypto_attribute("1 AES_CM_128_HMAC_SHA1_80 " + k + " FEC_KEY=" + k + ";" + k);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().context,
            "a=crypto tag 1: 2 keys but FEC_KEY inline key 1 has no MKI; with several keys each needs one (RFC 4568 section 6.1)");
}

TEST(ParseCryptoAttribute, LifetimeKeepsItsForm) {
  const std::string k = "1 AES_CM_128_HMAC_SHA1_80 inline:" + std::string(kRfcKey1);
  EXPECT_EQ(parse_ok(k + "|1048576").keys[0].lifetime, (KeyLifetime{1048576, LifetimeForm::decimal}));
  EXPECT_EQ(parse_ok(k + "|2^20").keys[0].lifetime, (KeyLifetime{1048576, LifetimeForm::power_of_two}));
  EXPECT_EQ(parse_ok(k + "|2^0").keys[0].lifetime, (KeyLifetime{1, LifetimeForm::power_of_two}));
  EXPECT_EQ(parse_ok(k + "|2^48").keys[0].lifetime, (KeyLifetime{std::uint64_t{1} << 48, LifetimeForm::power_of_two}));
  EXPECT_EQ(parse_ok(k + "|281474976710656").keys[0].lifetime->packets, std::uint64_t{1} << 48);
  EXPECT_EQ(parse_ok(k + "|0020").keys[0].lifetime, (KeyLifetime{20, LifetimeForm::decimal}));
  EXPECT_EQ(parse_ok(k + "|2^020").keys[0].lifetime, (KeyLifetime{1u << 20, LifetimeForm::power_of_two}));
}

TEST(ParseCryptoAttribute, MkiWithoutLifetime) {
  CryptoAttribute a = parse_ok("1 AES_CM_128_HMAC_SHA1_80 inline:" + std::string(kRfcKey1) + "|255:1");
  EXPECT_FALSE(a.keys[0].lifetime);
  EXPECT_EQ(a.keys[0].mki, (Mki{255, 1}));
  EXPECT_EQ(parse_ok("1 AES_CM_128_HMAC_SHA1_80 inline:" + std::string(kRfcKey1) + "|4294967295:4").keys[0].mki,
            (Mki{4294967295u, 4}));
  EXPECT_EQ(parse_ok("1 AES_CM_128_HMAC_SHA1_80 inline:" + std::string(kRfcKey1) + "|7:128").keys[0].mki,
            (Mki{7, 128}));
}

// baresip#1233, rtpengine#1197: peers send keys without '=' padding. Every suite, both ways.
TEST(ParseCryptoAttribute, EverySuiteAcceptsPaddedAndUnpaddedKeys) {
  for (const srtp::Suite& s : srtp::all_suites()) {
    const std::size_t n = std::size_t{s.master_key_len} + s.master_salt_len;
    const std::string padded = b64_key(n, 9);
    for (const std::string& key : {padded, unpadded(padded)}) {
      CryptoAttribute a = parse_ok("3 " + std::string(s.name) + " inline:" + key);
      ASSERT_EQ(a.suite, &s) << s.name;
      EXPECT_EQ(bytes_of(a.keys[0].key_salt), key_bytes(n, 9)) << s.name << " " << key;
    }
  }
}

TEST(ParseCryptoAttribute, TagRange) {
  const std::string rest = " AES_CM_128_HMAC_SHA1_80 inline:" + std::string(kRfcKey1);
  EXPECT_EQ(parse_ok("0" + rest).tag, 0u);
  EXPECT_EQ(parse_ok("999999999" + rest).tag, 999999999u);
  EXPECT_EQ(parse_ok("000000001" + rest).tag, 1u);
}

// Unknown suites are reported, not fatal: a caller with several a=crypto lines skips this one.
TEST(ParseCryptoAttribute, UnknownSuiteParsesWithNullSuite) {
  CryptoAttribute a = parse_ok("5 SRTP_FUTURE_SUITE_9 inline:" + b64_key(7) + "|2^60|3:2 FUTURE=1");
  EXPECT_EQ(a.suite, nullptr);
  EXPECT_EQ(a.suite_name, "SRTP_FUTURE_SUITE_9");
  EXPECT_EQ(bytes_of(a.keys[0].key_salt), key_bytes(7));
  EXPECT_EQ(a.keys[0].lifetime->packets, std::uint64_t{1} << 60);  // no suite maximum to check against
  EXPECT_EQ(a.params.extensions, std::vector<std::string>{"FUTURE=1"});
}

// The RFC 6188 / 7714 names the suite table uses, and the 8-byte-tag GCM names of FreeSWITCH/Asterisk.
TEST(ParseCryptoAttribute, EveryKnownSuiteNameIsRecognised) {
  for (const srtp::Suite& s : srtp::all_suites()) {
    const std::string key = b64_key(std::size_t{s.master_key_len} + s.master_salt_len);
    EXPECT_EQ(parse_ok("1 " + std::string(s.name) + " inline:" + key).suite, &s) << s.name;
  }
}

// A peer decides how many keys there are; checking their MKIs must not be quadratic.
TEST(ParseCryptoAttribute, ManyKeysWithDistinctMkis) {
  const std::string key = "inline:" + std::string(kRfcKey1) + "|";
  std::string line = "1 AES_CM_128_HMAC_SHA1_80 ";
  constexpr std::size_t kKeys = 50000;
  for (std::size_t i = 0; i < kKeys; ++i) line += (i ? ";" : "") + key + std::to_string(i) + ":2";
  auto a = parse_crypto_attribute(line);
  ASSERT_TRUE(a) << a.error().message();
  EXPECT_EQ(a->keys.size(), kKeys);
  auto dup = parse_crypto_attribute(line + ";" + key + "49999:2");
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().context,
            "a=crypto tag 1: inline key 50000 and inline key 50001 share MKI value 49999; MKIs must tell keys apart");
}

TEST(CryptoAttribute, IsARegularValue) {
  const CryptoAttribute a = parse_ok("1 AES_CM_128_HMAC_SHA1_80 inline:" + std::string(kRfcKey1) + "|2^20|1:4 KDR=1");
  CryptoAttribute b = a;
  EXPECT_EQ(a, b);
  b.keys[0].key_salt[0] ^= 1;
  EXPECT_NE(a, b);
  b = a;
  b.params.extensions.push_back("-x");
  EXPECT_NE(a, b);
  CryptoAttribute c = std::move(b);
  c.params.extensions.clear();
  EXPECT_EQ(a, c);
}

}  // namespace
}  // namespace sotto::sdes
