// Published test vectors, run through the engine: RFC 3711 appendix B (f8, AES-CM, key derivation),
// RFC 6188 section 7 (AES-192/256 keystream and key derivation), RFC 7714 sections 16 and 17 (AES-GCM
// SRTP and SRTCP packets), RFC 6904 appendix A (header extension encryption), and the reference packets
// of libsrtp's test/srtp_driver.c (the only published whole-packet vectors for the AES-CM + HMAC suites).
//
// Where a vector gives session keys rather than a master key (RFC 3711 B.1/B.2, RFC 6188 7.1/7.3,
// RFC 7714), the test creates a Context with a throwaway master key and installs the published session
// keys through Context::impl_ForTest(), so the packet transform itself is what is checked.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/srtp/context.hpp"
#include "core/srtp/context_impl.hpp"
#include "core/srtp/key_derivation.hpp"
#include "core/srtp/session_keys.hpp"
#include "crypto/aes_ctr.hpp"
#include "crypto/aes_f8.hpp"
#include "crypto/aes_gcm.hpp"
#include "crypto/hmac_sha1.hpp"

namespace sotto::srtp {
namespace {

using Bytes = std::vector<std::uint8_t>;

// Hex as the RFCs print it: spaces and line breaks ignored, any case.
Bytes hex(std::string_view text) {
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Bytes out;
  int high = -1;
  for (char c : text) {
    if (c == ' ' || c == '\n') continue;
    const int v = nibble(c);
    EXPECT_GE(v, 0) << "not a hex digit: '" << c << "' in " << text;
    if (v < 0) return {};
    if (high < 0) {
      high = v;
    } else {
      out.push_back(static_cast<std::uint8_t>(high << 4 | v));
      high = -1;
    }
  }
  EXPECT_LT(high, 0) << "odd number of hex digits in " << text;
  return out;
}

std::string to_hex(std::span<const std::uint8_t> b) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string s;
  for (std::uint8_t x : b) {
    s.push_back(kDigits[x >> 4]);
    s.push_back(kDigits[x & 15]);
  }
  return s;
}

Bytes concat(const Bytes& a, const Bytes& b) {
  Bytes out(a);
  out.insert(out.end(), b.begin(), b.end());
  return out;
}

Bytes slice(const Bytes& b, std::size_t from, std::size_t n) {
  return Bytes(b.begin() + static_cast<std::ptrdiff_t>(from), b.begin() + static_cast<std::ptrdiff_t>(from + n));
}

MasterKey master(const Bytes& key, const Bytes& salt, Bytes mki = {}) {
  MasterKey k;
  k.key = SecureBytes(std::span<const std::uint8_t>(key));
  k.salt = SecureBytes(std::span<const std::uint8_t>(salt));
  k.mki = std::move(mki);
  return k;
}

Policy policy_for(SuiteId id, const Bytes& key, const Bytes& salt, Bytes mki = {}) {
  Policy p;
  p.suite = id;
  p.keys.push_back(master(key, salt, std::move(mki)));
  return p;
}

// A policy with a valid but meaningless master key, for contexts whose session keys get replaced.
Policy placeholder_policy(SuiteId id) {
  const Suite& s = suite(id);
  return policy_for(id, Bytes(s.master_key_len, 0x11), Bytes(s.master_salt_len, 0x22));
}

Context make(Direction dir, const Policy& p) {
  auto c = Context::create(dir, p, kNoKeyRegistry);
  EXPECT_TRUE(c) << c.error().message();
  return std::move(*c);
}

SessionKeys gcm_keys(const Bytes& key, const Bytes& salt) {
  SessionKeys k;
  k.gcm.emplace(crypto::AesGcm::create(key).value());
  std::memcpy(k.salt, salt.data(), salt.size());
  return k;
}

// AES-CM (or f8) session keys with an HMAC key nobody published: only the payload bytes are checked.
SessionKeys ctr_keys(const Bytes& key, const Bytes& salt) {
  SessionKeys k;
  k.ctr.emplace(crypto::AesCtr::create(key).value());
  k.mac.emplace(crypto::HmacSha1::create(Bytes(20, 0x5a)).value());
  std::memcpy(k.salt, salt.data(), salt.size());
  return k;
}

// A context of `id` whose SRTP and SRTCP session keys are the published ones (RFC 7714 gives one key and
// salt for both).
Context with_gcm_session_keys(Direction dir, SuiteId id, const Bytes& key, const Bytes& salt, bool encrypt_rtcp = true) {
  Policy p = placeholder_policy(id);
  p.encrypt_rtcp = encrypt_rtcp;
  Context c = make(dir, p);
  c.impl_ForTest().masters[0].rtp = gcm_keys(key, salt);
  c.impl_ForTest().masters[0].rtcp = gcm_keys(key, salt);
  return c;
}

// Protects `plain` and returns the wire bytes (empty on failure, which the EXPECT reports).
Bytes protect(Context& tx, const Bytes& plain, bool rtcp) {
  Bytes buf(plain);
  buf.resize(plain.size() + tx.max_trailer());
  auto n = rtcp ? tx.protect_rtcp(buf, plain.size()) : tx.protect_rtp(buf, plain.size());
  EXPECT_TRUE(n) << to_string(n.error());
  buf.resize(n ? *n : 0);
  return buf;
}

// Unprotects a copy of `wire`; on success returns the plaintext packet.
PacketResult unprotect(Context& rx, const Bytes& wire, bool rtcp, Bytes* out = nullptr) {
  Bytes buf(wire);
  auto n = rtcp ? rx.unprotect_rtcp(buf, buf.size()) : rx.unprotect_rtp(buf, buf.size());
  if (n && out != nullptr) {
    buf.resize(*n);
    *out = std::move(buf);
  }
  return n;
}

// Every single-bit change at the given offsets must fail authentication, in a fresh inbound context
// each time so no state carries over.
template <class MakeRx>
void expect_tamper_rejected(MakeRx make_rx, const Bytes& wire, bool rtcp, std::initializer_list<std::size_t> offsets) {
  for (std::size_t at : offsets) {
    ASSERT_LT(at, wire.size());
    for (std::uint8_t bit : {std::uint8_t{0x01}, std::uint8_t{0x80}}) {
      Bytes bad(wire);
      bad[at] ^= bit;
      Context rx = make_rx();
      auto r = unprotect(rx, bad, rtcp);
      ASSERT_FALSE(r) << "bit " << int(bit) << " of byte " << at << " flipped, still accepted";
      EXPECT_EQ(r.error(), SrtpError::auth_failure) << "byte " << at << ": " << to_string(r.error());
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// RFC 3711 appendix B.3: key derivation from master key E1F9..39 / master salt 0EC6..E6, r = 0.
TEST(Vectors, Rfc3711KeyDerivation) {
  const Bytes mk = hex("E1F97A0D3E018BE0D64FA32C06DE4139");
  const Bytes ms = hex("0EC675AD498AFEEBB6960B3AABE6");
  ASSERT_EQ(mk.size(), 16u);
  ASSERT_EQ(ms.size(), 14u);
  auto kdf = KeyDerivation::create(mk, ms);
  ASSERT_TRUE(kdf) << kdf.error().message();

  Bytes cipher_key(16), cipher_salt(14), auth_key(94);
  kdf->derive(Label::rtp_encryption, 0, cipher_key);
  kdf->derive(Label::rtp_salt, 0, cipher_salt);
  kdf->derive(Label::rtp_auth, 0, auth_key);
  EXPECT_EQ(to_hex(cipher_key), to_hex(hex("C61E7A93744F39EE10734AFE3FF7A087")));
  EXPECT_EQ(to_hex(cipher_salt), to_hex(hex("30CBBC08863D8C85D49DB34A9AE1")));
  // The appendix prints 94 octets of auth key (six AES blocks); HMAC-SHA1 uses the first 20.
  const Bytes auth94 = hex(
      "CEBE321F6FF7716B6FD4AB49AF256A15 6D38BAA48F0A0ACF3C34E2359E6CDBCE"
      "E049646C43D9327AD175578EF7227098 6371C10C9A369AC2F94A8C5FBCDDDC25"
      "6D6E919A48B610EF17C2041E47403576 6B68642C59BBFC2F34DB60DBDFB2");
  ASSERT_EQ(auth94.size(), 94u);
  EXPECT_EQ(to_hex(slice(auth_key, 0, 20)), to_hex(hex("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4")));
  EXPECT_EQ(to_hex(auth_key), to_hex(auth94));

  // Deriving 20 bytes gives the same prefix (the PRF output does not depend on the length asked for).
  Bytes auth20(20);
  kdf->derive(Label::rtp_auth, 0, auth20);
  EXPECT_EQ(to_hex(auth20), to_hex(slice(auth94, 0, 20)));
}

// RFC 6904 appendix A: the header-extension key and salt (labels 6 and 7) from the same master key as
// RFC 3711 B.3.
TEST(Vectors, Rfc6904KeyDerivation) {
  auto kdf = KeyDerivation::create(hex("E1F97A0D3E018BE0D64FA32C06DE4139"), hex("0EC675AD498AFEEBB6960B3AABE6"));
  ASSERT_TRUE(kdf);
  Bytes k_he(16), k_hs(14);
  kdf->derive(Label::rtp_header_encryption, 0, k_he);
  kdf->derive(Label::rtp_header_salt, 0, k_hs);
  EXPECT_EQ(to_hex(k_he), to_hex(hex("549752054D6FB708622C4A2E596A1B93")));
  EXPECT_EQ(to_hex(k_hs), to_hex(hex("AB01818174C40D39A3781F7C2D27")));
}

// ---------------------------------------------------------------------------------------------------
// RFC 3711 appendix B.2: AES-CM keystream, session key 2B7E..3C, session salt F0F1..FD, SSRC 0, ROC 0,
// SEQ 0; a 1044512-octet segment (65282 blocks), first and last three blocks printed.
const char* const kB2Key = "2B7E151628AED2A6ABF7158809CF4F3C";
const char* const kB2Salt = "F0F1F2F3F4F5F6F7F8F9FAFBFCFD";
const char* const kB2First = "E03EAD0935C95E80E166B16DD92B4EB4 D23513162B02D0F72A43A2FE4A5F97AB"
                             "41E95B3BB0A2E8DD477901E4FCA894C0";
const char* const kB2Last = "EC8CDF7398607CB0F2D21675EA9EA1E4 362B7C3C6773516318A077D7FC5073AE"
                            "6A2CC3787889374FBEB4C81B17BA6C44";
constexpr std::size_t kSegmentBlocks = 65282;

TEST(Vectors, Rfc3711AesCmKeystreamPrimitive) {
  auto ctr = crypto::AesCtr::create(hex(kB2Key));
  ASSERT_TRUE(ctr);
  const Bytes iv = hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
  Bytes ks(48);
  ctr->keystream(std::span<const std::uint8_t, 16>(iv.data(), 16), ks);
  EXPECT_EQ(to_hex(ks), to_hex(hex(kB2First)));
  const Bytes iv_last = hex("F0F1F2F3F4F5F6F7F8F9FAFBFCFDFEFF");
  ctr->keystream(std::span<const std::uint8_t, 16>(iv_last.data(), 16), ks);
  EXPECT_EQ(to_hex(ks), to_hex(hex(kB2Last)));
}

// An RTP packet with SSRC 0 and SEQ 0 whose payload is zeros: what protect_rtp writes over the payload is
// the keystream of the engine's IV (RFC 3711 4.1.1: k_s * 2^16 XOR SSRC * 2^64 XOR i * 2^16).
Bytes keystream_through_engine(SuiteId id, const Bytes& session_key, const Bytes& session_salt) {
  Context tx = make(Direction::outbound, placeholder_policy(id));
  tx.impl_ForTest().masters[0].rtp = ctr_keys(session_key, session_salt);
  Bytes pkt = hex("800F0000DECAFBAD00000000");
  pkt.resize(12 + kSegmentBlocks * 16, 0);
  Bytes wire = protect(tx, pkt, false);
  if (wire.size() < pkt.size()) return {};
  return slice(wire, 12, kSegmentBlocks * 16);
}

TEST(Vectors, Rfc3711AesCmKeystreamThroughEngine) {
  const Bytes ks = keystream_through_engine(SuiteId::AES_CM_128_NULL_AUTH, hex(kB2Key), hex(kB2Salt));
  ASSERT_EQ(ks.size(), kSegmentBlocks * 16);
  EXPECT_EQ(to_hex(slice(ks, 0, 48)), to_hex(hex(kB2First)));
  EXPECT_EQ(to_hex(slice(ks, ks.size() - 48, 48)), to_hex(hex(kB2Last)));
}

// ---------------------------------------------------------------------------------------------------
// RFC 3711 appendix B.1: AES-f8. Session key 2348..2c, salt 32f2870d (m = salt || 0x55..55), ROC
// d462564a, header 806e5cba 50681de5 5c621599, payload "pseudorandomness is the next best thing".
const char* const kB1Key = "234829008467be186c3de14aae72d62c";
const char* const kB1Salt = "32f2870d";
const char* const kB1Header = "806e5cba50681de55c621599";
const char* const kB1Plain = "70736575646f72616e646f6d6e657373 20697320746865206e65787420626573 74207468696e67";
const char* const kB1Cipher = "019ce7a26e7854014a6366aa95d4eefd 1ad4172a14f9faf455b7f1d4b62bd08f 562c0eef7c4802";
constexpr std::uint32_t kB1Roc = 0xd462564a;

TEST(Vectors, Rfc3711AesF8Primitive) {
  auto f8 = crypto::AesF8::create(hex(kB1Key), hex(kB1Salt));
  ASSERT_TRUE(f8) << f8.error().message();
  const Bytes iv = hex("006e5cba50681de55c621599d462564a");  // 0x00 || M PT SEQ TS SSRC || ROC
  ASSERT_EQ(hex(kB1Plain).size(), 39u);
  // Twice on one instance: the second packet must not inherit chaining state from the first.
  for (int round = 0; round < 2; ++round) {
    Bytes data = hex(kB1Plain);
    f8->apply(std::span<const std::uint8_t, 16>(iv.data(), 16), data);
    EXPECT_EQ(to_hex(data), to_hex(hex(kB1Cipher))) << "round " << round;
  }
}

TEST(Vectors, Rfc3711AesF8ThroughEngine) {
  auto keys = [] {
    SessionKeys k;
    k.f8.emplace(crypto::AesF8::create(hex(kB1Key), hex(kB1Salt)).value());
    k.mac.emplace(crypto::HmacSha1::create(Bytes(20, 0x5a)).value());
    return k;
  };
  const Bytes plain = concat(hex(kB1Header), hex(kB1Plain));
  const std::uint32_t ssrc = 0x5c621599;

  Context tx = make(Direction::outbound, placeholder_policy(SuiteId::F8_128_HMAC_SHA1_80));
  tx.impl_ForTest().masters[0].rtp = keys();
  tx.set_roc(ssrc, kB1Roc);
  const Bytes wire = protect(tx, plain, false);
  ASSERT_EQ(wire.size(), plain.size() + 10);
  EXPECT_EQ(to_hex(slice(wire, 0, 12)), to_hex(hex(kB1Header)));
  EXPECT_EQ(to_hex(slice(wire, 12, 39)), to_hex(hex(kB1Cipher)));

  Context rx = make(Direction::inbound, placeholder_policy(SuiteId::F8_128_HMAC_SHA1_80));
  rx.impl_ForTest().masters[0].rtp = keys();
  rx.set_roc(ssrc, kB1Roc);
  Bytes back;
  auto r = unprotect(rx, wire, false, &back);
  ASSERT_TRUE(r) << to_string(r.error());
  EXPECT_EQ(to_hex(back), to_hex(plain));
}

// ---------------------------------------------------------------------------------------------------
// RFC 6188 section 7.1 (AES-256-CM) and 7.3 (AES-192-CM): keystream for session salt F0F1..FD, SSRC 0,
// index 0, the same 65282-block segment as RFC 3711 B.2.
TEST(Vectors, Rfc6188Aes256CmKeystream) {
  const Bytes key = hex("57f82fe3613fd170a85ec93c40b1f092 2ec4cb0dc025b58272147cc438944a98");
  ASSERT_EQ(key.size(), 32u);
  const Bytes ks = keystream_through_engine(SuiteId::AES_256_CM_HMAC_SHA1_80, key, hex(kB2Salt));
  ASSERT_EQ(ks.size(), kSegmentBlocks * 16);
  EXPECT_EQ(to_hex(slice(ks, 0, 48)), to_hex(hex("92bdd28a93c3f52511c677d08b5515a4 9da71b2378a854f67050756ded165bac"
                                                 "63c4868b7096d88421b563b8c94c9a31")));
  EXPECT_EQ(to_hex(slice(ks, ks.size() - 48, 48)),
            to_hex(hex("cea518c90fd91ced9cbb18c078a54711 3dbc4814f4da5f00a08772b63c6a046d"
                       "6eb246913062a16891433e97dd01a57f")));
}

TEST(Vectors, Rfc6188Aes192CmKeystream) {
  const Bytes key = hex("eab234764e517b2d3d160d587d8c86219740f65f99b6bcf7");
  ASSERT_EQ(key.size(), 24u);
  const Bytes ks = keystream_through_engine(SuiteId::AES_192_CM_HMAC_SHA1_80, key, hex(kB2Salt));
  ASSERT_EQ(ks.size(), kSegmentBlocks * 16);
  EXPECT_EQ(to_hex(slice(ks, 0, 48)), to_hex(hex("35096cba4610028dc1b57503804ce37c 5de986291dcce161d5165ec4568f5c9a"
                                                 "474a40c77894bc17180202272a4c264d")));
  EXPECT_EQ(to_hex(slice(ks, ks.size() - 48, 48)),
            to_hex(hex("d108d1a31a00bad6367ec23eb044b415 c8f57129fdeb970b59f917b257662d4c"
                       "a5dab625811034e8cebdfeb6dc158dd3")));
}

// RFC 6188 section 7.2: AES_256_CM_PRF key derivation (32-byte master key, 14-byte master salt).
TEST(Vectors, Rfc6188Aes256KeyDerivation) {
  const Bytes mk = hex("f0f04914b513f2763a1b1fa130f10e29 98f6f6e43e4309d1e622a0e332b9f1b6");
  const Bytes ms = hex("3b04803de51ee7c96423ab5b78d2");
  ASSERT_EQ(mk.size(), 32u);
  ASSERT_EQ(ms.size(), 14u);
  auto kdf = KeyDerivation::create(mk, ms);
  ASSERT_TRUE(kdf) << kdf.error().message();
  Bytes k_e(32), k_s(14), k_a(20);
  kdf->derive(Label::rtp_encryption, 0, k_e);
  kdf->derive(Label::rtp_salt, 0, k_s);
  kdf->derive(Label::rtp_auth, 0, k_a);
  EXPECT_EQ(to_hex(k_e), to_hex(hex("5ba1064e30ec51613cad926c5a28ef73 1ec7fb397f70a960653caf06554cd8c4")));
  EXPECT_EQ(to_hex(k_s), to_hex(hex("fa31791685ca444a9e07c6c64e93")));
  EXPECT_EQ(to_hex(k_a), to_hex(hex("fd9c32d39ed5fbb5a9dc96b30818454d1313dc05")));
}

// RFC 6188 section 7.4: AES_192_CM_PRF key derivation (24-byte master key).
TEST(Vectors, Rfc6188Aes192KeyDerivation) {
  const Bytes mk = hex("73edc66c4fa15776fb57f9505c171365 50ffda71f3e8e5f1");
  const Bytes ms = hex("c8522f3acd4ce86d5add78edbb11");
  ASSERT_EQ(mk.size(), 24u);
  ASSERT_EQ(ms.size(), 14u);
  auto kdf = KeyDerivation::create(mk, ms);
  ASSERT_TRUE(kdf) << kdf.error().message();
  Bytes k_e(24), k_s(14), k_a(20);
  kdf->derive(Label::rtp_encryption, 0, k_e);
  kdf->derive(Label::rtp_salt, 0, k_s);
  kdf->derive(Label::rtp_auth, 0, k_a);
  EXPECT_EQ(to_hex(k_e), to_hex(hex("31874736a8f1143870c26e4857d8a5b2 c4a354407faadabb")));
  EXPECT_EQ(to_hex(k_s), to_hex(hex("2372b82d639b6d8503a47adc0a6c")));
  EXPECT_EQ(to_hex(k_a), to_hex(hex("355b10973cd95b9eacf4061c7e1a7151e7cfbfcb")));
}

// ---------------------------------------------------------------------------------------------------
// RFC 7714 section 16: one RTP packet (SSRC 5501a0b2, SEQ f17b, ROC 0, payload "Gallia est omnis divisa
// in partes tres"), session salt "Quid pro quo", session key 00 01 .. 0f (128) or 00 .. 1f (256).
const char* const kGcmSalt = "517569642070726f2071756f";
const char* const kGcmKey128 = "000102030405060708090a0b0c0d0e0f";
const char* const kGcmKey256 = "000102030405060708090a0b0c0d0e0f 101112131415161718191a1b1c1d1e1f";
const char* const kGcmRtp = "8040f17b 8041f8d3 5501a0b2 47616c6c 69612065 7374206f 6d6e6973 20646976"
                            "69736120 696e2070 61727465 73207472 6573";

void check_rfc7714_srtp(SuiteId id, const char* key_hex, const char* encrypted_hex) {
  const Bytes key = hex(key_hex);
  const Bytes salt = hex(kGcmSalt);
  const Bytes plain = hex(kGcmRtp);
  const Bytes encrypted = hex(encrypted_hex);
  ASSERT_EQ(salt.size(), 12u);
  ASSERT_EQ(plain.size(), 12u + 38u);
  ASSERT_EQ(encrypted.size(), plain.size() + 16);

  // x.1 Encryption: ciphertext || 16-octet tag.
  Context tx = with_gcm_session_keys(Direction::outbound, id, key, salt);
  EXPECT_EQ(to_hex(protect(tx, plain, false)), to_hex(encrypted));

  // x.2 Decryption.
  auto make_rx = [&] { return with_gcm_session_keys(Direction::inbound, id, key, salt); };
  Context rx = make_rx();
  Bytes back;
  auto r = unprotect(rx, encrypted, false, &back);
  ASSERT_TRUE(r) << to_string(r.error());
  EXPECT_EQ(to_hex(back), to_hex(plain));

  // Header (AAD: marker/PT, timestamp, SSRC), ciphertext and tag are all covered.
  expect_tamper_rejected(make_rx, encrypted, false, {1, 5, 11, 12, 30, 49, 50, 57, encrypted.size() - 1});
}

// RFC 7714 section 16.1.1 / 16.1.2: AEAD_AES_128_GCM encryption and decryption.
TEST(Vectors, Rfc7714Srtp128) {
  check_rfc7714_srtp(SuiteId::AEAD_AES_128_GCM, kGcmKey128,
                     "8040f17b 8041f8d3 5501a0b2 f24de3a3 fb34de6c acba861c 9d7e4bca be633bd5"
                     "0d294e6f 42a5f47a 51c7d19b 36de3adf 8833899d 7f27beb1 6a9152cf 765ee439"
                     "0cce");
}

// RFC 7714 section 16.2.1 / 16.2.2: AEAD_AES_256_GCM encryption and decryption.
TEST(Vectors, Rfc7714Srtp256) {
  check_rfc7714_srtp(SuiteId::AEAD_AES_256_GCM, kGcmKey256,
                     "8040f17b 8041f8d3 5501a0b2 32b1de78 a822fe12 ef9f78fa 332e33aa b1801238"
                     "9a58e2f3 b50b2a02 76ffae0f 1ba63799 b87b7aa3 db36dfff d6b0f9bb 7878d7a7"
                     "6c13");
}

// RFC 7714 sections 16.1.3 / 16.1.4 and 16.2.3 / 16.2.4: SRTP authenticated but not encrypted (the
// whole packet is AAD, section 8.3), through the engine with UNENCRYPTED_SRTP.
TEST(Vectors, Rfc7714SrtpTagOnly) {
  const Bytes salt = hex(kGcmSalt);
  const Bytes plain = hex(kGcmRtp);
  struct Case {
    SuiteId id;
    const char* key;
    const char* tag;
  };
  for (const Case& c : {Case{SuiteId::AEAD_AES_128_GCM, kGcmKey128, "22493f82 d2bce397 e9d79e3b 19aa4216"},
                        Case{SuiteId::AEAD_AES_256_GCM, kGcmKey256, "a866d591 0f887463 067ceefe c45215d4"}}) {
    auto make_ctx = [&](Direction dir) {
      Context ctx = with_gcm_session_keys(dir, c.id, hex(c.key), salt);
      ctx.impl_ForTest().policy.encrypt_rtp = false;
      return ctx;
    };
    Context tx = make_ctx(Direction::outbound);
    Bytes expected = plain;
    const Bytes tag = hex(c.tag);
    expected.insert(expected.end(), tag.begin(), tag.end());
    EXPECT_EQ(to_hex(protect(tx, plain, false)), to_hex(expected));
    Context rx = make_ctx(Direction::inbound);
    Bytes back;
    auto r = unprotect(rx, expected, false, &back);
    ASSERT_TRUE(r) << to_string(r.error());
    EXPECT_EQ(to_hex(back), to_hex(plain));
    Bytes tampered = expected;
    tampered[20] ^= 1;  // payload is covered by the tag even though it is not encrypted
    Context rx2 = make_ctx(Direction::inbound);
    EXPECT_EQ(unprotect(rx2, tampered, false).error(), SrtpError::auth_failure);
  }
  Policy p = placeholder_policy(SuiteId::AEAD_AES_128_GCM);
  p.encrypt_rtp = false;
  EXPECT_TRUE(Context::create(Direction::outbound, p, kNoKeyRegistry));
}

// ---------------------------------------------------------------------------------------------------
// RFC 7714 section 17: one RTCP packet (sender SSRC "Mars" 4d617273), SRTCP index 000005d4. Note the
// section's preamble prints a slightly different packet (81c8000e .. eb98); every numbered vector uses
// this one (81c8000d .. e930).
const char* const kGcmRtcp = "81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61"
                             "deadbeef deadbeef deadbeef deadbeef deadbeef";
constexpr std::uint32_t kRtcpSsrc = 0x4d617273;
constexpr std::uint32_t kRtcpIndex = 0x000005d4;

void check_rfc7714_srtcp(SuiteId id, const char* key_hex, bool encrypt, const char* protected_hex) {
  const Bytes key = hex(key_hex);
  const Bytes salt = hex(kGcmSalt);
  const Bytes plain = hex(kGcmRtcp);
  const Bytes wire = hex(protected_hex);
  ASSERT_EQ(plain.size(), 52u);
  ASSERT_EQ(wire.size(), plain.size() + 16 + 4);

  Context tx = with_gcm_session_keys(Direction::outbound, id, key, salt, encrypt);
  tx.impl_ForTest().get_or_create(kRtcpSsrc).rtcp_next_index = kRtcpIndex;
  EXPECT_EQ(to_hex(protect(tx, plain, true)), to_hex(wire));

  auto make_rx = [&] { return with_gcm_session_keys(Direction::inbound, id, key, salt, encrypt); };
  Context rx = make_rx();
  Bytes back;
  auto r = unprotect(rx, wire, true, &back);
  ASSERT_TRUE(r) << to_string(r.error());
  EXPECT_EQ(to_hex(back), to_hex(plain));

  // Header, body (ciphertext or AAD), tag, and the ESRTCP word including the E flag itself.
  const std::size_t e_at = wire.size() - 4;
  expect_tamper_rejected(make_rx, wire, true, {1, 4, 8, 30, 51, 52, 67, e_at, e_at + 3});
}

// RFC 7714 section 17.1: SRTCP AEAD_AES_128_GCM encryption and tagging (E = 1).
const char* const kSrtcp128Encrypted =
    "81c8000d 4d617273 63e94885 dcdab67c a727d766 2f6b7e99 7ff5c0f7 6c06f32d c676a5f1 730d6fda"
    "4ce09b46 86303ded 0bb9275b c84aa458 96cf4d2f c5abf872 45d9eade 800005d4";
// RFC 7714 section 17.2: SRTCP AEAD_AES_256_GCM verification and decryption (E = 1).
const char* const kSrtcp256Encrypted =
    "81c8000d 4d617273 d50ae4d1 f5ce5d30 4ba297e4 7d470c28 2c3ece5d bffe0a50 a2eaa5c1 110555be"
    "8415f658 c61de047 6f1b6fad 1d1eb30c 4446839f 57ff6f6c b26ac3be 800005d4";

TEST(Vectors, Rfc7714Srtcp128) {
  check_rfc7714_srtcp(SuiteId::AEAD_AES_128_GCM, kGcmKey128, true, kSrtcp128Encrypted);
}

TEST(Vectors, Rfc7714Srtcp256) {
  check_rfc7714_srtcp(SuiteId::AEAD_AES_256_GCM, kGcmKey256, true, kSrtcp256Encrypted);
}

// RFC 7714 section 17.3: SRTCP AEAD_AES_128_GCM tagging only (E = 0: the packet and ESRTCP word are AAD).
TEST(Vectors, Rfc7714Srtcp128TagOnly) {
  check_rfc7714_srtcp(SuiteId::AEAD_AES_128_GCM, kGcmKey128, false,
                      "81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61"
                      "deadbeef deadbeef deadbeef deadbeef deadbeef 841dd968 3dd78ec9 2ae58790"
                      "125f62b3 000005d4");
}

// RFC 7714 section 17.4: SRTCP AEAD_AES_256_GCM tag verification (E = 0).
TEST(Vectors, Rfc7714Srtcp256TagOnly) {
  check_rfc7714_srtcp(SuiteId::AEAD_AES_256_GCM, kGcmKey256, false,
                      "81c8000d 4d617273 4e545031 4e545032 52545020 0000042a 0000e930 4c756e61"
                      "deadbeef deadbeef deadbeef deadbeef deadbeef 91db4afb feee5a97 8fab4393"
                      "ed2615fe 000005d4");
}

// A receiver told E = 1 must not accept the E = 0 packet's tag, and vice versa: the flag is in the AAD.
TEST(Vectors, Rfc7714SrtcpEFlagIsAuthenticated) {
  Bytes wire = hex(kSrtcp128Encrypted);
  wire[wire.size() - 4] &= 0x7f;
  Context rx = with_gcm_session_keys(Direction::inbound, SuiteId::AEAD_AES_128_GCM, hex(kGcmKey128), hex(kGcmSalt));
  auto r = unprotect(rx, wire, true);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error(), SrtpError::auth_failure);
}

// ---------------------------------------------------------------------------------------------------
// The reference packets of libsrtp's test/srtp_driver.c, through the whole engine (key derivation from
// the master key, IV, cipher, MKI placement, HMAC). RTP: 800f1234 decafbad cafebabe + 16 x ab;
// RTCP: 81c8000b cafebabe + 16 x ab, sent with SRTCP index 1 (libsrtp counts from 1).
const char* const kRefRtp = "800f1234decafbadcafebabe abababababababababababababababab";
const char* const kRefRtcp = "81c8000bcafebabe abababababababababababababababab";
const char* const kRefKey = "e1f97a0d3e018be0d64fa32c06de4139";  // RFC 3711 B.3's master key and salt
const char* const kRefSalt = "0ec675ad498afeebb6960b3aabe6";
constexpr std::uint32_t kRefSsrc = 0xcafebabe;

void check_reference(const Policy& p, const char* rtp_plain, const char* srtp_hex, const char* srtcp_hex) {
  Context tx = make(Direction::outbound, p);
  const Bytes plain = hex(rtp_plain);
  const Bytes wire = hex(srtp_hex);
  EXPECT_EQ(to_hex(protect(tx, plain, false)), to_hex(wire));
  auto make_rx = [&] { return make(Direction::inbound, p); };
  Context rx = make_rx();
  Bytes back;
  auto r = unprotect(rx, wire, false, &back);
  ASSERT_TRUE(r) << to_string(r.error());
  EXPECT_EQ(to_hex(back), to_hex(plain));
  expect_tamper_rejected(make_rx, wire, false, {1, 7, 12, plain.size() - 1, wire.size() - 1});

  if (srtcp_hex == nullptr) return;
  const Bytes rtcp = hex(kRefRtcp);
  const Bytes srtcp = hex(srtcp_hex);
  tx.impl_ForTest().get_or_create(kRefSsrc).rtcp_next_index = 1;
  EXPECT_EQ(to_hex(protect(tx, rtcp, true)), to_hex(srtcp));
  r = unprotect(rx, srtcp, true, &back);
  ASSERT_TRUE(r) << to_string(r.error());
  EXPECT_EQ(to_hex(back), to_hex(rtcp));
  expect_tamper_rejected(make_rx, srtcp, true, {1, 5, 8, rtcp.size() - 1, srtcp.size() - 1});
}

// libsrtp srtp_validate(): AES_CM_128_HMAC_SHA1_80.
TEST(Vectors, LibsrtpAesCm128) {
  check_reference(policy_for(SuiteId::AES_CM_128_HMAC_SHA1_80, hex(kRefKey), hex(kRefSalt)), kRefRtp,
                  "800f1234decafbadcafebabe 4e55dc4ce79978d88ca4d215949d2402 b78d6acc99ea179b8dbb",
                  "81c8000bcafebabe 7128035be487b9bdbef89041f977a5a8 80000001 993e08cd54d6c1230798");
}

// libsrtp srtp_validate_mki(): the same with a 4-byte MKI (e1f97a0d) before each tag.
TEST(Vectors, LibsrtpAesCm128Mki) {
  check_reference(policy_for(SuiteId::AES_CM_128_HMAC_SHA1_80, hex(kRefKey), hex(kRefSalt), hex("e1f97a0d")), kRefRtp,
                  "800f1234decafbadcafebabe 4e55dc4ce79978d88ca4d215949d2402 e1f97a0d b78d6acc99ea179b8dbb",
                  "81c8000bcafebabe 7128035be487b9bdbef89041f977a5a8 80000001 e1f97a0d 993e08cd54d6c1230798");
}

// libsrtp srtp_validate_null_sha1_80(): NULL cipher, HMAC-SHA1-80; libsrtp sends SRTCP with E = 0 when
// nothing is encrypted, so the policy says UNENCRYPTED_SRTCP.
TEST(Vectors, LibsrtpNullHmacSha1_80) {
  Policy p = policy_for(SuiteId::NULL_HMAC_SHA1_80, hex(kRefKey), hex(kRefSalt));
  p.encrypt_rtcp = false;
  check_reference(p, kRefRtp, "800f1234decafbadcafebabe abababababababababababababababab aba136270b679134ce9b",
                  "81c8000bcafebabe abababababababababababababababab 00000001 fe88c7fdfd37ebce615d");
}

// libsrtp srtp_validate_aes_192(): AES_192_CM_HMAC_SHA1_80 with RFC 6188 7.4's master key, SSRC 0, SEQ 0.
TEST(Vectors, LibsrtpAes192) {
  check_reference(policy_for(SuiteId::AES_192_CM_HMAC_SHA1_80, hex("73edc66c4fa15776fb57f9505c17136550ffda71f3e8e5f1"),
                             hex("c8522f3acd4ce86d5add78edbb11")),
                  "800f0000decafbad00000000 abababababababababababababababab",
                  "800f0000decafbad00000000 d98865552f2762c3ef37f837acfdb712 2d6bc4dc84c76f74aea5", nullptr);
}

// libsrtp srtp_validate_aes_256(): AES_256_CM_HMAC_SHA1_80 with RFC 6188 7.2's master key.
TEST(Vectors, LibsrtpAes256) {
  check_reference(policy_for(SuiteId::AES_256_CM_HMAC_SHA1_80,
                             hex("f0f04914b513f2763a1b1fa130f10e2998f6f6e43e4309d1e622a0e332b9f1b6"),
                             hex("3b04803de51ee7c96423ab5b78d2")),
                  kRefRtp, "800f1234decafbadcafebabe f1d9de17ff251ff1aa007774b0b4b40d a08d9d9a5b3a55d8873b", nullptr);
}

// libsrtp srtp_validate_gcm(): AEAD_AES_128_GCM from master key 0001..0f / 12-byte master salt a0a1..ab,
// so this also checks the 96-bit master salt handling of the KDF (RFC 7714 section 11, erratum 4938).
TEST(Vectors, LibsrtpGcm128) {
  check_reference(policy_for(SuiteId::AEAD_AES_128_GCM, hex("000102030405060708090a0b0c0d0e0f"),
                             hex("a0a1a2a3a4a5a6a7a8a9aaab")),
                  kRefRtp,
                  "800f1234decafbadcafebabe c5002ede04cfdd2eb91159e0880aa06e d2976826f796b201df3131a127e8a392",
                  "81c8000bcafebabe c98b8b5df0392a55852b6c21ac8e7025 c52c6fbea2b3b446ea31123ba88ce61e 80000001");
}

// RFC 6904 appendix A: header extension elements 1, 3 and 4 encrypted (SSRC cafebabe, SEQ 1234, ROC 0);
// the packet around it (payload, tag) is libsrtp's srtp_validate_encrypted_extensions_headers().
TEST(Vectors, Rfc6904HeaderExtensionEncryption) {
  Policy p = policy_for(SuiteId::AES_CM_128_HMAC_SHA1_80, hex(kRefKey), hex(kRefSalt));
  p.encrypted_header_ids = {1, 3, 4};
  check_reference(p,
                  "900f1234decafbadcafebabe"
                  "bede0006 17 414273a475262748 22 0000c8 30 8e 46 55996386b395fb 00"
                  "abababababababababababababababab",
                  "900f1234decafbadcafebabe"
                  "bede0006 17 588a9270f4e15e1c 22 0000c8 30 95 46 a994f0bc547897 00"
                  "4e55dc4ce79978d88ca4d215949d2402 5a46b3ca35c535a891c7",
                  nullptr);
}

}  // namespace
}  // namespace sotto::srtp
