// parse_crypto_attribute on bad input: each error names what was wrong and what was expected, and
// no error message ever contains key material.
#include <gtest/gtest.h>

#include "core/sdes/crypto_attribute.hpp"
#include "core/sdes/testing_keys.hpp"

namespace sotto::sdes {
namespace {

using testing::b64_key;
using testing::kRfcKey1;

const std::string kKey(kRfcKey1);
const std::string kSuite = "1 AES_CM_128_HMAC_SHA1_80 ";
const std::string kLine = kSuite + "inline:" + kKey;

Error parse_error(std::string_view text) {
  auto r = parse_crypto_attribute(text);
  EXPECT_FALSE(r) << "parsed: " << text;
  return r ? Error{} : r.error();
}

void expect_error(std::string_view text, std::string_view context, Errc code = Errc::malformed_input) {
  const Error e = parse_error(text);
  EXPECT_EQ(e.code, code) << text << "\n  -> " << e.message();
  EXPECT_EQ(e.context, context) << text;
}

TEST(CryptoAttributeErrors, EmptyOrOnlyTag) {
  for (const char* text : {"", "a=crypto:", "   ", "\r\n", "a=crypto: \t \r\n"}) {
    expect_error(text, "a=crypto: empty value; expected \"tag crypto-suite inline:key-salt\" (RFC 4568 section 9.1)");
  }
  expect_error("1", "a=crypto tag 1: crypto-suite and key-params missing; expected \"tag crypto-suite inline:key-salt\"");
  expect_error("a=crypto:1 AES_CM_128_HMAC_SHA1_80\r\n",
               "a=crypto tag 1: key-params missing after AES_CM_128_HMAC_SHA1_80; expected inline:key-salt[|lifetime][|mki]");
}

TEST(CryptoAttributeErrors, TagOutOfRangeOrNotDigits) {
  const std::string rest = " AES_CM_128_HMAC_SHA1_80 inline:" + kKey;
  expect_error("1234567890" + rest, "a=crypto: tag '1234567890' is not 1 to 9 decimal digits (RFC 4568 section 9.1)");
  expect_error("-1" + rest, "a=crypto: tag '-1' is not 1 to 9 decimal digits (RFC 4568 section 9.1)");
  expect_error("x1" + rest, "a=crypto: tag 'x1' is not 1 to 9 decimal digits (RFC 4568 section 9.1)");
  // A key where the tag should be is described by its length, not quoted.
  expect_error("inline:" + kKey, "a=crypto: tag (47 characters) is not 1 to 9 decimal digits (RFC 4568 section 9.1)");
  expect_error("AES_CM_128_HMAC_SHA1_80 inline:" + kKey,
               "a=crypto: tag 'AES_CM_128_HMAC_SHA1_80' is not 1 to 9 decimal digits (RFC 4568 section 9.1)");
}

TEST(CryptoAttributeErrors, SuiteNameCharacters) {
  expect_error("1 AES-CM-128 inline:" + kKey,
               "a=crypto tag 1: crypto-suite 'AES-CM-128' is not 1*(ALPHA / DIGIT / \"_\") (RFC 4568 section 9.1)");
}

TEST(CryptoAttributeErrors, ControlAndNonAsciiBytes) {
  expect_error(std::string("1 AES_CM_128_HMAC_SHA1_80\0inline:", 33) + kKey,
               "a=crypto: byte 0x00 at offset 25 is not a visible character, space or tab");
  expect_error("a=crypto:" + kLine + "\r\nKDR=1", "a=crypto: byte 0x0d at offset 82 is not a visible character, space or tab");
  expect_error("1 AES_CM_128_HMAC_SHA1_80 inline:" + kKey + " \xc3\xa9", "a=crypto: byte 0xc3 at offset 74 is not a visible character, space or tab");
}

TEST(CryptoAttributeErrors, KeyParamShape) {
  expect_error(kSuite + kKey, "a=crypto tag 1: inline key has no key method; expected inline:key-salt[|lifetime][|mki]");
  expect_error(kSuite + "uri:sip:key@example.com",
               "a=crypto tag 1: inline key uses key method 'uri'; SRTP defines only inline (RFC 4568 section 6.1)",
               Errc::unsupported);
  expect_error(kSuite + "inline:", "a=crypto tag 1: inline key has no key-salt after inline:");
  expect_error(kLine + ";", "a=crypto tag 1: inline key 2 is empty (a ';' with nothing after it, or two in a row)");
  expect_error(kLine + "|2^20|1:4|x",
               "a=crypto tag 1: inline key has 4 '|'-separated fields; expected key-salt[|lifetime][|mki]");
  expect_error(kLine + "|1:4|2^20",
               "a=crypto tag 1: inline key has a field after the MKI; the lifetime must come before the MKI (RFC 4568 section 6.1)");
  expect_error(kLine + "|2^20|2^20",
               "a=crypto tag 1: inline key field 3 '2^20' is not an MKI; expected key-salt[|lifetime][|mki-value:mki-length]");
  expect_error(kLine + " inline:" + kKey,
               "a=crypto tag 1: a second key-params field; separate several keys with ';' (RFC 4568 section 9.1)");
}

TEST(CryptoAttributeErrors, KeyLengthNamesExpectedAndActual) {
  expect_error(kSuite + "inline:" + b64_key(29),
               "a=crypto tag 1: inline key is 29 bytes after base64 decoding; AES_CM_128_HMAC_SHA1_80 needs 30 "
               "(16-byte key + 14-byte salt)");
  expect_error("2 AEAD_AES_256_GCM inline:" + b64_key(46),
               "a=crypto tag 2: inline key is 46 bytes after base64 decoding; AEAD_AES_256_GCM needs 44 "
               "(32-byte key + 12-byte salt)");
  expect_error(kLine + "|1:4;inline:" + b64_key(31) + "|2:4",
               "a=crypto tag 1: inline key 2 is 31 bytes after base64 decoding; AES_CM_128_HMAC_SHA1_80 needs 30 "
               "(16-byte key + 14-byte salt)");
}

TEST(CryptoAttributeErrors, Base64Faults) {
  expect_error(kSuite + "inline:PS1uQCVeeCFCanVm!jkpPywjNWhcYD0mXXtxaVBR",
               "a=crypto tag 1: inline key has a character that is not base64 at offset 16 of its 40-character key-salt");
  const Error lone = parse_error(kSuite + "inline:" + kKey + "A");  // 41 characters: a lone final one
  EXPECT_EQ(lone.code, Errc::malformed_input);
  EXPECT_EQ(lone.context.rfind("a=crypto tag 1: inline key key-salt is not valid base64 (base64: ", 0), 0u) << lone.context;
  const Error pad = parse_error(kSuite + "inline:PS1u=QCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR");
  EXPECT_EQ(pad.context.rfind("a=crypto tag 1: inline key key-salt is not valid base64", 0), 0u) << pad.context;
}

TEST(CryptoAttributeErrors, Lifetime) {
  expect_error(kLine + "|2^49",
               "a=crypto tag 1: inline key lifetime 2^49 exceeds the AES_CM_128_HMAC_SHA1_80 maximum of 2^48 packets "
               "(RFC 3711 section 9.2; an error per RFC 4568 section 6.1)");
  expect_error(kLine + "|281474976710657",
               "a=crypto tag 1: inline key lifetime 281474976710657 exceeds the AES_CM_128_HMAC_SHA1_80 maximum of 2^48 "
               "packets (RFC 3711 section 9.2; an error per RFC 4568 section 6.1)");
  expect_error(kLine + "|0", "a=crypto tag 1: inline key lifetime 0 is not allowed; expected at least 1 packet");
  const std::string not_lifetime = " is not a decimal number or 2^n (RFC 4568 section 6.1)";
  expect_error(kLine + "|2^", "a=crypto tag 1: inline key lifetime '2^'" + not_lifetime);
  expect_error(kLine + "|2^x", "a=crypto tag 1: inline key lifetime '2^x'" + not_lifetime);
  expect_error(kLine + "|1e6", "a=crypto tag 1: inline key lifetime '1e6'" + not_lifetime);
  expect_error(kLine + "|", "a=crypto tag 1: inline key lifetime ''" + not_lifetime);
  expect_error(kLine + "|2^64", "a=crypto tag 1: inline key lifetime '2^64' is too large; SRTP allows at most 2^48 packets");
  expect_error(kLine + "|99999999999999999999999",
               "a=crypto tag 1: inline key lifetime '99999999999999999999999' is too large; SRTP allows at most 2^48 packets");
}

TEST(CryptoAttributeErrors, Mki) {
  const std::string range = " is out of range 1..128 (RFC 4568 section 9.2)";
  expect_error(kLine + "|1:0", "a=crypto tag 1: inline key MKI length '0'" + range);
  expect_error(kLine + "|1:129", "a=crypto tag 1: inline key MKI length '129'" + range);
  expect_error(kLine + "|1:0004", "a=crypto tag 1: inline key MKI length '0004'" + range);
  expect_error(kLine + "|256:1", "a=crypto tag 1: inline key MKI value 256 does not fit in its MKI length of 1 byte");
  expect_error(kLine + "|65536:2", "a=crypto tag 1: inline key MKI value 65536 does not fit in its MKI length of 2 bytes");
  const std::string shape = " is not mki-value:mki-length in decimal (RFC 4568 section 6.1)";
  expect_error(kLine + "|a:4", "a=crypto tag 1: inline key MKI 'a:4'" + shape);
  expect_error(kLine + "|1:", "a=crypto tag 1: inline key MKI '1:'" + shape);
  expect_error(kLine + "|:4", "a=crypto tag 1: inline key MKI ':4'" + shape);
  expect_error(kLine + "|1:4:5", "a=crypto tag 1: inline key MKI '1:4:5'" + shape);
  expect_error(kLine + "|99999999999999999999999:4",
               "a=crypto tag 1: inline key MKI value of 23 digits does not fit in 64 bits");
  expect_error(kLine + "|99999999999999999999999:9",
               "a=crypto tag 1: inline key MKI value of 23 digits does not fit in 64 bits", Errc::unsupported);
}

// RFC 4568 section 6.1: several keys only with an MKI on each, all of one length; and they must differ.
TEST(CryptoAttributeErrors, SeveralKeys) {
  const std::string k2 = ";inline:" + b64_key(30);
  expect_error(kLine + k2,
               "a=crypto tag 1: 2 keys but inline key 1 has no MKI; with several keys each needs one (RFC 4568 section 6.1)");
  expect_error(kLine + "|1:4" + k2,
               "a=crypto tag 1: 2 keys but inline key 2 has no MKI; with several keys each needs one (RFC 4568 section 6.1)");
  expect_error(kLine + "|1:4" + k2 + "|2:2",
               "a=crypto tag 1: inline key 2 has MKI length 2 but inline key 1 has 4; all keys of an attribute need one "
               "MKI length (RFC 4568 section 6.1)");
  expect_error(kLine + "|1:4" + k2 + "|2:4" + k2 + "|1:4",
               "a=crypto tag 1: inline key 1 and inline key 3 share MKI value 1; MKIs must tell keys apart");
}

TEST(CryptoAttributeErrors, SessionParameters) {
  expect_error(kLine + " KDR=25", "a=crypto tag 1: 'KDR=25' is not KDR=0..24 (RFC 4568 section 6.3.1)");
  expect_error(kLine + " KDR=", "a=crypto tag 1: 'KDR=' is not KDR=0..24 (RFC 4568 section 6.3.1)");
  expect_error(kLine + " KDR=010", "a=crypto tag 1: 'KDR=010' is not KDR=0..24 (RFC 4568 section 6.3.1)");
  expect_error(kLine + " KDR=x", "a=crypto tag 1: 'KDR=x' is not KDR=0..24 (RFC 4568 section 6.3.1)");
  const std::string wsh = " is not WSH=n with n from 64 to 4294967295 (RFC 4568 section 6.3.6)";
  expect_error(kLine + " WSH=63", "a=crypto tag 1: 'WSH=63'" + wsh);
  expect_error(kLine + " WSH=6", "a=crypto tag 1: 'WSH=6'" + wsh);
  expect_error(kLine + " WSH=4294967296", "a=crypto tag 1: 'WSH=4294967296'" + wsh);
  expect_error(kLine + " WSH=big", "a=crypto tag 1: 'WSH=big'" + wsh);
  expect_error(kLine + " FEC_ORDER=BOTH",
               "a=crypto tag 1: 'FEC_ORDER=BOTH' is not FEC_ORDER=FEC_SRTP or FEC_ORDER=SRTP_FEC (RFC 4568 section 6.3.4)");
  expect_error(kLine + " FEC_KEY=", "a=crypto tag 1: FEC_KEY inline key is empty (a ';' with nothing after it, or two in a row)");
  expect_error(kLine + " FEC_KEY=inline:" + b64_key(16),
               "a=crypto tag 1: FEC_KEY inline key is 16 bytes after base64 decoding; AES_CM_128_HMAC_SHA1_80 needs 30 "
               "(16-byte key + 14-byte salt)");
}

TEST(CryptoAttributeErrors, RepeatedSessionParameters) {
  expect_error(kLine + " KDR=1 KDR=2", "a=crypto tag 1: KDR appears twice");
  expect_error(kLine + " UNENCRYPTED_SRTP unencrypted_srtp", "a=crypto tag 1: UNENCRYPTED_SRTP appears twice");
  expect_error(kLine + " UNENCRYPTED_SRTCP UNENCRYPTED_SRTCP", "a=crypto tag 1: UNENCRYPTED_SRTCP appears twice");
  expect_error(kLine + " UNAUTHENTICATED_SRTP UNAUTHENTICATED_SRTP", "a=crypto tag 1: UNAUTHENTICATED_SRTP appears twice");
  expect_error(kLine + " FEC_ORDER=FEC_SRTP FEC_ORDER=FEC_SRTP", "a=crypto tag 1: FEC_ORDER appears twice");
  expect_error(kLine + " WSH=64 WSH=128", "a=crypto tag 1: WSH appears twice");
  const std::string fk = " FEC_KEY=inline:" + b64_key(30);
  expect_error(kLine + fk + fk, "a=crypto tag 1: FEC_KEY appears twice");
}

// Whatever is wrong, the key text never appears in the message (only lengths and offsets).
TEST(CryptoAttributeErrors, NeverQuoteKeyMaterial) {
  const std::string k = b64_key(29, 77);  // a wrong-length key, still key material
  const std::string k2 = b64_key(30, 55);
  const std::vector<std::string> bad = {
      kSuite + "inline:" + k,
      kSuite + k,
      kSuite + "inline:" + k2 + "!",
      kSuite + "inline:" + k2 + "A",
      kSuite + "inline:" + k2 + "|" + k2,
      kSuite + "inline:" + k2 + "|1:4|" + k2,
      kSuite + "inline:" + k2 + "|" + k2 + "|1:4",
      kSuite + "inline:" + k2 + "|" + k2 + ":4",
      kSuite + "inline:" + k2 + " inline:" + k,
      kSuite + "inline:" + k2 + " FEC_KEY=" + k,
      kSuite + "inline:" + k2 + " FEC_KEY=inline:" + k,
      k2 + " AES_CM_128_HMAC_SHA1_80 inline:" + k2,
      "1 AES_CM_128_HMAC_SHA1_80 " + k2.substr(0, 20) + ":" + k2.substr(20),
  };
  for (const std::string& text : bad) {
    const Error e = parse_error(text);
    for (const std::string& key : {k, k2}) {
      for (std::size_t at = 0; at + 12 <= key.size(); at += 6) {
        EXPECT_EQ(e.context.find(key.substr(at, 12)), std::string::npos) << text << "\n  -> " << e.context;
      }
    }
  }
}

}  // namespace
}  // namespace sotto::sdes
