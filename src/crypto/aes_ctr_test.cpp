// AesCtr against NIST SP 800-38A F.5.1/F.5.3/F.5.5 and against OpenSSL's own CTR mode.

#include "crypto/aes_ctr.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <array>
#include <vector>

#include "base/hex.hpp"

namespace sotto::crypto {
namespace {

std::vector<std::uint8_t> hex(std::string_view s) { return from_hex(s).value(); }

std::array<std::uint8_t, 16> block(std::string_view s) {
  std::array<std::uint8_t, 16> b{};
  auto v = hex(s);
  std::copy(v.begin(), v.end(), b.begin());
  return b;
}

// SP 800-38A F.5: the same plaintext and initial counter for all key sizes.
constexpr std::string_view kCounter = "f0f1f2f3f4f5f6f7f8f9fafbfcfdfeff";
constexpr std::string_view kPlain =
    "6bc1bee22e409f96e93d7e117393172a ae2d8a571e03ac9c9eb76fac45af8e51"
    "30c81c46a35ce411e5fbc1191a0a52ef f69f2445df4f9b17ad2b417be66c3710";

struct NistCase {
  const char* name;
  std::string_view key;
  std::string_view cipher;
};

const NistCase kNist[] = {
    {"F.5.1 CTR-AES128", "2b7e151628aed2a6abf7158809cf4f3c",
     "874d6191b620e3261bef6864990db6ce 9806f66b7970fdff8617187bb9fffdff"
     "5ae4df3edbd5d35e5b4f09020db03eab 1e031dda2fbe03d1792170a0f3009cee"},
    {"F.5.3 CTR-AES192", "8e73b0f7da0e6452c810f32b809079e562f8ead2522c6b7b",
     "1abc932417521ca24f2b0459fe7e6e0b 090339ec0aa6faefd5ccc2c6f4ce8e94"
     "1e36b26bd1ebc670d1bd1d665620abf7 4f78a7f6d29809585a97daec58c6b050"},
    {"F.5.5 CTR-AES256", "603deb1015ca71be2b73aef0857d77811f352c073b6108d72d9810a30914dff4",
     "601ec313775789a5b7a7f504bbf3d228 f443e3ca4d62b59aca84e990cacaf5c5"
     "2b0930daa23de94ce87017ba2d84988d dfc9c58db67aada613c2dd08457941a6"},
};

TEST(AesCtr, NistSp800_38aVectorsInPlace) {
  for (const auto& c : kNist) {
    SCOPED_TRACE(c.name);
    auto ctr = AesCtr::create(hex(c.key));
    ASSERT_TRUE(ctr) << ctr.error().message();
    EXPECT_EQ(ctr->key_size(), hex(c.key).size());
    auto data = hex(kPlain);
    ctr->apply(block(kCounter), data);
    EXPECT_EQ(to_hex(data), to_hex(hex(c.cipher)));
    ctr->apply(block(kCounter), data);  // CTR is its own inverse
    EXPECT_EQ(to_hex(data), to_hex(hex(kPlain)));
  }
}

TEST(AesCtr, NistVectorsAtNonBlockLengths) {
  for (const auto& c : kNist) {
    SCOPED_TRACE(c.name);
    auto ctr = AesCtr::create(hex(c.key)).value();
    const auto plain = hex(kPlain);
    const auto expect = hex(c.cipher);
    for (std::size_t len : {0u, 1u, 15u, 17u, 33u, 50u, 63u}) {
      std::vector<std::uint8_t> data(plain.begin(), plain.begin() + static_cast<std::ptrdiff_t>(len));
      ctr.apply(block(kCounter), data);
      EXPECT_EQ(to_hex(data), to_hex(std::span(expect).first(len))) << "len " << len;
    }
  }
}

TEST(AesCtr, KeystreamIsEncryptionOfZeros) {
  auto ctr = AesCtr::create(hex(kNist[0].key)).value();
  std::vector<std::uint8_t> ks(40);
  ctr.keystream(block(kCounter), ks);
  std::vector<std::uint8_t> zeros(40, 0);
  ctr.apply(block(kCounter), zeros);
  EXPECT_EQ(ks, zeros);
  // First keystream block = ciphertext XOR plaintext of F.5.1 block 1.
  const auto p = hex(kPlain);
  const auto c = hex(kNist[0].cipher);
  for (std::size_t i = 0; i < 16; ++i) EXPECT_EQ(ks[i], p[i] ^ c[i]);
}

// Every length from 0 to 1600 (crossing the 1536-byte internal chunk) and a counter that carries out of
// its low 64 bits, against OpenSSL's EVP_aes_*_ctr one-shot.
TEST(AesCtr, MatchesOpenSslCtrAtAllLengthsAndCarries) {
  const auto key = hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
  const auto iv = block("00112233445566778899fffffffffffd");
  for (std::size_t key_len : {16u, 24u, 32u}) {
    auto ctr = AesCtr::create(std::span(key).first(key_len)).value();
    const EVP_CIPHER* cipher = key_len == 16   ? EVP_aes_128_ctr()
                               : key_len == 24 ? EVP_aes_192_ctr()
                                               : EVP_aes_256_ctr();
    EVP_CIPHER_CTX* ref = EVP_CIPHER_CTX_new();
    for (std::size_t len = 0; len <= 1600; len += (len < 100 ? 1 : 37)) {
      std::vector<std::uint8_t> data(len);
      for (std::size_t i = 0; i < len; ++i) data[i] = static_cast<std::uint8_t>(i * 7 + 3);
      std::vector<std::uint8_t> expect(len + 16);
      int outl = 0;
      ASSERT_EQ(EVP_EncryptInit_ex(ref, cipher, nullptr, key.data(), iv.data()), 1);
      ASSERT_EQ(EVP_EncryptUpdate(ref, expect.data(), &outl, data.data(), static_cast<int>(len)), 1);
      expect.resize(len);
      ctr.apply(iv, data);
      ASSERT_EQ(data, expect) << "key " << key_len << " len " << len;
    }
    EVP_CIPHER_CTX_free(ref);
  }
}

TEST(AesCtr, RejectsBadKeyLengthNamingIt) {
  const std::vector<std::uint8_t> key(15, 1);
  auto r = AesCtr::create(key);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::invalid_argument);
  EXPECT_EQ(r.error().context, "AES-CTR key must be 16, 24 or 32 bytes, got 15");
  EXPECT_FALSE(AesCtr::create({}));
  EXPECT_FALSE(AesCtr::create(std::vector<std::uint8_t>(64, 1)));
}

TEST(AesCtr, MovedObjectKeepsWorking) {
  auto a = AesCtr::create(hex(kNist[0].key)).value();
  AesCtr b = std::move(a);
  auto c = AesCtr::create(hex(kNist[2].key)).value();
  c = std::move(b);
  auto data = hex(kPlain);
  c.apply(block(kCounter), data);
  EXPECT_EQ(to_hex(data), to_hex(hex(kNist[0].cipher)));
}

}  // namespace
}  // namespace sotto::crypto
