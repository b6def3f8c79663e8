// Aead against RFC 8439 2.8.2 (ChaCha20-Poly1305) and McGrew & Viega GCM test cases 3 and 15, plus
// tamper checks: a flipped bit in ciphertext, AAD or tag is refused.

#include "crypto/aead.hpp"

#include <gtest/gtest.h>

#include <array>
#include <string>
#include <vector>

#include "base/hex.hpp"

namespace sotto::crypto {
namespace {

std::vector<std::uint8_t> hex(std::string_view s) { return from_hex(s).value(); }

template <std::size_t N>
std::array<std::uint8_t, N> arr(std::string_view s) {
  std::array<std::uint8_t, N> a{};
  auto v = hex(s);
  EXPECT_EQ(v.size(), N);
  std::copy(v.begin(), v.end(), a.begin());
  return a;
}

struct Vector {
  AeadAlgorithm alg;
  std::string_view key, nonce, aad, plain, cipher, tag;
};

const std::string kLadies = to_hex(std::vector<std::uint8_t>(
    std::string_view("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, "
                     "sunscreen would be it.").begin(),
    std::string_view("Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, "
                     "sunscreen would be it.").end()));

std::vector<Vector> vectors() {
  constexpr std::string_view kGcmP =
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a721c3c0c95956809532fcf0e2449a6b525"
      "b16aedf5aa0de657ba637b391aafd255";
  return {
      {AeadAlgorithm::chacha20_poly1305, "808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9f",
       "070000004041424344454647", "50515253c0c1c2c3c4c5c6c7", kLadies,
       "d31a8d34648e60db7b86afbc53ef7ec2a4aded51296e08fea9e2b5a736ee62d63dbea45e8ca9671282fafb69da92728b1a71de0a"
       "9e060b2905d6a5b67ecd3b3692ddbd7f2d778b8c9803aee328091b58fab324e4fad675945585808b4831d7bc3ff4def08e4b7a9d"
       "e576d26586cec64b6116",
       "1ae10b594f09e26a7e902ecbd0600691"},
      {AeadAlgorithm::aes_128_gcm, "feffe9928665731c6d6a8f9467308308", "cafebabefacedbaddecaf888", "", kGcmP,
       "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e21d514b25466931c7d8f6a5aac84aa051ba30b39"
       "6a0aac973d58e091473f5985",
       "4d5c2af327cd64a62cf35abd2ba6fab4"},
      {AeadAlgorithm::aes_256_gcm, "feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308",
       "cafebabefacedbaddecaf888", "", kGcmP,
       "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa8cb08e48590dbb3da7b08b1056828838c5f61e63"
       "93ba7a0abcc9f662898015ad",
       "b094dac5d93471bdec1a502270e3cc6c"},
  };
}

TEST(Aead, PublishedVectorsSealAndOpen) {
  for (const Vector& v : vectors()) {
    SCOPED_TRACE(v.tag);
    auto aead = Aead::create(v.alg, hex(v.key));
    ASSERT_TRUE(aead) << aead.error().message();
    const auto nonce = arr<12>(v.nonce);
    const auto aad = hex(v.aad);
    auto data = hex(v.plain);
    std::array<std::uint8_t, 16> tag{};
    ASSERT_TRUE(aead->seal(nonce, aad, data, tag));
    EXPECT_EQ(to_hex(data), v.cipher);
    EXPECT_EQ(to_hex(tag), v.tag);
    ASSERT_TRUE(aead->open(nonce, aad, data, tag));
    EXPECT_EQ(to_hex(data), v.plain);
  }
}

TEST(Aead, RefusesTamperedCiphertextAadAndTag) {
  for (const Vector& v : vectors()) {
    SCOPED_TRACE(v.tag);
    auto aead = Aead::create(v.alg, hex(v.key)).value();
    const auto nonce = arr<12>(v.nonce);
    auto aad = hex(v.aad);
    auto tag = arr<16>(v.tag);
    auto data = hex(v.cipher);
    data[3] ^= 1;
    EXPECT_FALSE(aead.open(nonce, aad, data, tag));
    data = hex(v.cipher);
    tag[15] ^= 0x80;
    EXPECT_FALSE(aead.open(nonce, aad, data, tag));
    tag = arr<16>(v.tag);
    aad.push_back(0);
    data = hex(v.cipher);
    EXPECT_FALSE(aead.open(nonce, aad, data, tag));
    aad.pop_back();
    data = hex(v.cipher);
    EXPECT_TRUE(aead.open(nonce, aad, data, tag));  // and the untouched record still opens after failures
  }
}

TEST(Aead, RejectsWrongKeySize) {
  auto r = Aead::create(AeadAlgorithm::chacha20_poly1305, std::vector<std::uint8_t>(16));
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().context, "AEAD key must be 32 bytes, got 16");
}

}  // namespace
}  // namespace sotto::crypto
