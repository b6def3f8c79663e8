// HKDF against RFC 5869 A.1, HKDF-Expand-Label and the whole TLS 1.3 key schedule against the RFC 8448
// section 3 trace (simple 1-RTT handshake, TLS_AES_128_GCM_SHA256), and the TLS 1.2 PRF against the
// P_SHA256 vector circulated on the IETF TLS list (P_SHA384 value from `openssl kdf ... TLS1-PRF`).

#include "crypto/tls_kdf.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/hex.hpp"

namespace sotto::crypto {
namespace {

std::vector<std::uint8_t> hex(std::string_view s) { return from_hex(s).value(); }
std::string hx(const SecureBytes& b) { return to_hex(b.span()); }
std::string norm(std::string_view s) { return to_hex(hex(s)); }

TEST(Hkdf, Rfc5869TestCase1) {
  const auto ikm = hex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
  const auto salt = hex("000102030405060708090a0b0c");
  const auto info = hex("f0f1f2f3f4f5f6f7f8f9");
  auto prk = hkdf_extract(Digest::sha256, salt, ikm);
  ASSERT_TRUE(prk) << prk.error().message();
  EXPECT_EQ(hx(*prk), "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5");
  auto okm = hkdf_expand(Digest::sha256, prk->span(), info, 42);
  ASSERT_TRUE(okm);
  EXPECT_EQ(hx(*okm), "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865");
}

TEST(Hkdf, RejectsBadLengths) {
  const std::vector<std::uint8_t> prk(32, 1);
  auto zero = hkdf_expand(Digest::sha256, prk, {}, 0);
  ASSERT_FALSE(zero);
  EXPECT_NE(zero.error().context.find("length 0"), std::string::npos);
  EXPECT_FALSE(hkdf_expand(Digest::sha256, prk, {}, 255 * 32 + 1));
  EXPECT_FALSE(hkdf_expand(Digest::sha256, std::vector<std::uint8_t>(16, 1), {}, 16));  // PRK too short
}

// RFC 8448 section 3, in the order the key schedule (RFC 8446 7.1) computes it.
TEST(Tls13KeySchedule, Rfc8448SimpleOneRtt) {
  const Digest d = Digest::sha256;
  const std::vector<std::uint8_t> zeros(32, 0);
  auto early = hkdf_extract(d, {}, zeros);
  ASSERT_TRUE(early);
  EXPECT_EQ(hx(*early), norm("33 ad 0a 1c 60 7e c0 3b 09 e6 cd 98 93 68 0c e2 10 ad f3 00 aa 1f 26 60 e1 b2 2e 10 f1 70 f9 2a"));

  // Derive-Secret(Secret, Label, Messages) = HKDF-Expand-Label(Secret, Label, Transcript-Hash(Messages), Hash.length)
  const auto empty_hash = digest(d, {});
  auto derived = hkdf_expand_label(d, early->span(), "derived", empty_hash, 32);
  ASSERT_TRUE(derived);
  EXPECT_EQ(hx(*derived), norm("6f 26 15 a1 08 c7 02 c5 67 8f 54 fc 9d ba b6 97 16 c0 76 18 9c 48 25 0c eb ea c3 57 6c 36 11 ba"));

  const auto ecdhe = hex("8b d4 05 4f b5 5b 9d 63 fd fb ac f9 f0 4b 9f 0d 35 e6 d6 3f 53 75 63 ef d4 62 72 90 0f 89 49 2d");
  auto hs = hkdf_extract(d, derived->span(), ecdhe);
  ASSERT_TRUE(hs);
  EXPECT_EQ(hx(*hs), norm("1d c8 26 e9 36 06 aa 6f dc 0a ad c1 2f 74 1b 01 04 6a a6 b9 9f 69 1e d2 21 a9 f0 ca 04 3f be ac"));

  const auto th_ch_sh = hex("86 0c 06 ed c0 78 58 ee 8e 78 f0 e7 42 8c 58 ed d6 b4 3f 2c a3 e6 e9 5f 02 ed 06 3c f0 e1 ca d8");
  auto c_hs = hkdf_expand_label(d, hs->span(), "c hs traffic", th_ch_sh, 32);
  auto s_hs = hkdf_expand_label(d, hs->span(), "s hs traffic", th_ch_sh, 32);
  ASSERT_TRUE(c_hs && s_hs);
  EXPECT_EQ(hx(*c_hs), norm("b3 ed db 12 6e 06 7f 35 a7 80 b3 ab f4 5e 2d 8f 3b 1a 95 07 38 f5 2e 96 00 74 6a 0e 27 a5 5a 21"));
  EXPECT_EQ(hx(*s_hs), norm("b6 7b 7d 69 0c c1 6c 4e 75 e5 42 13 cb 2d 37 b4 e9 c9 12 bc de d9 10 5d 42 be fd 59 d3 91 ad 38"));

  // Traffic keys (RFC 8446 7.3).
  EXPECT_EQ(hx(hkdf_expand_label(d, s_hs->span(), "key", {}, 16).value()), norm("3f ce 51 60 09 c2 17 27 d0 f2 e4 e8 6e e4 03 bc"));
  EXPECT_EQ(hx(hkdf_expand_label(d, s_hs->span(), "iv", {}, 12).value()), norm("5d 31 3e b2 67 12 76 ee 13 00 0b 30"));
  EXPECT_EQ(hx(hkdf_expand_label(d, c_hs->span(), "key", {}, 16).value()), norm("db fa a6 93 d1 76 2c 5b 66 6a f5 d9 50 25 8d 01"));
  EXPECT_EQ(hx(hkdf_expand_label(d, c_hs->span(), "iv", {}, 12).value()), norm("5b d3 c7 1b 83 6e 0b 76 bb 73 26 5f"));

  auto derived2 = hkdf_expand_label(d, hs->span(), "derived", empty_hash, 32);
  ASSERT_TRUE(derived2);
  EXPECT_EQ(hx(*derived2), norm("43 de 77 e0 c7 77 13 85 9a 94 4d b9 db 25 90 b5 31 90 a6 5b 3e e2 e4 f1 2d d7 a0 bb 7c e2 54 b4"));
  auto master = hkdf_extract(d, derived2->span(), zeros);
  ASSERT_TRUE(master);
  EXPECT_EQ(hx(*master), norm("18 df 06 84 3d 13 a0 8b f2 a4 49 84 4c 5f 8a 47 80 01 bc 4d 4c 62 79 84 d5 a4 1d a8 d0 40 29 19"));

  const auto th_ch_sf = hex("96 08 10 2a 0f 1c cc 6d b6 25 0b 7b 7e 41 7b 1a 00 0e aa da 3d aa e4 77 7a 76 86 c9 ff 83 df 13");
  auto c_ap = hkdf_expand_label(d, master->span(), "c ap traffic", th_ch_sf, 32);
  auto s_ap = hkdf_expand_label(d, master->span(), "s ap traffic", th_ch_sf, 32);
  ASSERT_TRUE(c_ap && s_ap);
  EXPECT_EQ(hx(*c_ap), norm("9e 40 64 6c e7 9a 7f 9d c0 5a f8 88 9b ce 65 52 87 5a fa 0b 06 df 00 87 f7 92 eb b7 c1 75 04 a5"));
  EXPECT_EQ(hx(*s_ap), norm("a1 1a f9 f0 55 31 f8 56 ad 47 11 6b 45 a9 50 32 82 04 b4 f4 4b fb 6b 3a 4b 4f 1f 3f cb 63 16 43"));
  EXPECT_EQ(hx(hkdf_expand_label(d, c_ap->span(), "key", {}, 16).value()), norm("17 42 2d da 59 6e d5 d9 ac d8 90 e3 c6 3f 50 51"));
  EXPECT_EQ(hx(hkdf_expand_label(d, c_ap->span(), "iv", {}, 12).value()), norm("5b 78 92 3d ee 08 57 90 33 e5 23 d9"));
}

TEST(Tls12Prf, PSha256Vector) {
  const auto secret = hex("9bbe436ba940f017b17652849a71db35");
  const auto seed = hex("a0ba9f936cda311827a6f796ffd5198c");
  auto out = tls12_prf(Digest::sha256, secret, "test label", seed, 100);
  ASSERT_TRUE(out);
  EXPECT_EQ(hx(*out),
            "e3f229ba727be17b8d122620557cd453c2aab21d07c3d495329b52d4e61edb5a6b301791e90d35c9c9a46b4e14baf9af0fa022f7"
            "077def17abfd3797c0564bab4fbc91666e9def9b97fce34f796789baa48082d122ee42c5a72e5a5110fff70187347b66");
  // A shorter output is a prefix (the PRF is a stream).
  EXPECT_EQ(hx(tls12_prf(Digest::sha256, secret, "test label", seed, 7).value()), "e3f229ba727be1");
}

TEST(Tls12Prf, PSha384MatchesOpenSslKdf) {
  const auto secret = hex("9bbe436ba940f017b17652849a71db35");
  const auto seed = hex("a0ba9f936cda311827a6f796ffd5198c");
  auto out = tls12_prf(Digest::sha384, secret, "test label", seed, 148);
  ASSERT_TRUE(out);
  EXPECT_EQ(hx(*out),
            "dd88775cd827187b67a3f7652b5c13f715791cc46e0274a6d3fb16651103defc544cd8afb68369a219bb918b8b21ddb1764af0a7"
            "0339e6dec085e574f655851ba692513203536bdfc3675e53768210f0a2389dd324311a440c7c30ef44b391d914c3b0c7c80f1cb5"
            "e134cf4253d859fa8a46e978360d095dd2fba0c18a1f4d7b4cf9f24667b5cb0adc5ab65df3a0dc627c9b73cc");
}

TEST(Tls12Prf, RejectsZeroLength) { EXPECT_FALSE(tls12_prf(Digest::sha256, hex("00"), "x", {}, 0)); }

}  // namespace
}  // namespace sotto::crypto
