// AEAD_AES_128_GCM / AEAD_AES_256_GCM (RFC 5116, as SRTP uses it in RFC 7714).
//
// Built from OpenSSL's GCM mode layer (openssl/modes.h: CRYPTO_gcm128_*, public and not deprecated; its
// GHASH is the PCLMULQDQ/AVX assembly) with AES supplied by our pre-keyed AesCtr. Why not the
// EVP_aes_*_gcm context: in OpenSSL 3.0 re-arming the IV (EVP_EncryptInit_ex) and reading or setting
// the tag (EVP_CIPHER_CTX_ctrl) each walk the provider's OSSL_PARAM tables by strcmp, which was ~45% of
// a 160-byte seal. crypto_bench.cpp keeps the EVP route as BM_Gcm128_Evp* for comparison.

#include "crypto/aes_gcm.hpp"

#include <openssl/modes.h>

#include <cstring>
#include <string>

#include "crypto/aes_ctr.hpp"

namespace sotto::crypto {
namespace {

constexpr std::size_t kBlock = 16;
constexpr std::size_t kMinTag = 8;
constexpr std::size_t kMaxTag = 16;

// block128_f: one AES block. E(k, in) is the keystream of a CTR run starting at counter `in`.
void aes_block(const unsigned char in[16], unsigned char out[16], const void* key) {
  auto* ctr = static_cast<AesCtr*>(const_cast<void*>(key));
  ctr->keystream(std::span<const std::uint8_t, 16>(in, kBlock), std::span<std::uint8_t>(out, kBlock));
}

// ctr128_f: `blocks` blocks of CTR from `ivec`. GCM increments only the low 32 bits (NIST SP 800-38D
// inc32); AesCtr carries into the upper bits. They agree here because a 12-byte IV starts the counter
// at 2 and one call never covers 2^32 - 2 blocks (data is limited to INT_MAX bytes below).
void aes_ctr32(const unsigned char* in, unsigned char* out, std::size_t blocks, const void* key,
               const unsigned char ivec[16]) {
  auto* ctr = static_cast<AesCtr*>(const_cast<void*>(key));
  if (in != out) std::memmove(out, in, blocks * kBlock);
  ctr->apply(std::span<const std::uint8_t, 16>(ivec, kBlock), std::span<std::uint8_t>(out, blocks * kBlock));
}

bool tag_size_ok(std::size_t n) noexcept { return n >= kMinTag && n <= kMaxTag; }
// Packets are far smaller; the bound keeps the 32-bit counter argument above sound.
bool data_size_ok(std::size_t n) noexcept { return n <= 0x7fffffffu; }

}  // namespace

struct AesGcm::Impl {
  AesCtr aes;                     // AES under the GCM key; its address is the `key` of gcm
  GCM128_CONTEXT* gcm = nullptr;  // H table and per-message state; released with OPENSSL_clear_free

  explicit Impl(AesCtr a) : aes(std::move(a)) {}
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() { CRYPTO_gcm128_release(gcm); }
};

Result<AesGcm> AesGcm::create(std::span<const std::uint8_t> key) {
  if (key.size() != 16 && key.size() != 32) {
    return fail(Errc::invalid_argument, "AES-GCM key must be 16 or 32 bytes, got " + std::to_string(key.size()));
  }
  auto aes = AesCtr::create(key);
  if (!aes) return Unexpected(aes.error());
  // Impl lives on the heap and never moves, so the AesCtr address handed to OpenSSL stays valid.
  auto impl = std::make_unique<Impl>(std::move(aes).value());
  impl->gcm = CRYPTO_gcm128_new(&impl->aes, aes_block);
  if (impl->gcm == nullptr) return fail(Errc::crypto_error, "AES-GCM: OpenSSL could not allocate a GCM context");
  return AesGcm(std::move(impl));
}

AesGcm::AesGcm(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AesGcm::AesGcm(AesGcm&&) noexcept = default;
AesGcm& AesGcm::operator=(AesGcm&&) noexcept = default;
AesGcm::~AesGcm() = default;

bool AesGcm::seal(std::span<const std::uint8_t, 12> iv, std::span<const std::uint8_t> aad, std::span<std::uint8_t> data,
                  std::span<std::uint8_t> tag) noexcept {
  if (!tag_size_ok(tag.size()) || !data_size_ok(data.size())) return false;
  GCM128_CONTEXT* gcm = impl_->gcm;
  CRYPTO_gcm128_setiv(gcm, iv.data(), iv.size());
  if (!aad.empty() && CRYPTO_gcm128_aad(gcm, aad.data(), aad.size()) != 0) return false;
  if (!data.empty() && CRYPTO_gcm128_encrypt_ctr32(gcm, data.data(), data.data(), data.size(), aes_ctr32) != 0) {
    return false;
  }
  // A shorter tag is the leftmost bytes of the full one (RFC 5116 5.1, RFC 7714 _8 suites).
  CRYPTO_gcm128_tag(gcm, tag.data(), tag.size());
  return true;
}

bool AesGcm::open(std::span<const std::uint8_t, 12> iv, std::span<const std::uint8_t> aad, std::span<std::uint8_t> data,
                  std::span<const std::uint8_t> tag) noexcept {
  if (!tag_size_ok(tag.size()) || !data_size_ok(data.size())) return false;
  GCM128_CONTEXT* gcm = impl_->gcm;
  CRYPTO_gcm128_setiv(gcm, iv.data(), iv.size());
  if (!aad.empty() && CRYPTO_gcm128_aad(gcm, aad.data(), aad.size()) != 0) return false;
  if (!data.empty() && CRYPTO_gcm128_decrypt_ctr32(gcm, data.data(), data.data(), data.size(), aes_ctr32) != 0) {
    return false;
  }
  // CRYPTO_gcm128_finish compares the leftmost tag.size() bytes with CRYPTO_memcmp; 0 means equal.
  return CRYPTO_gcm128_finish(gcm, tag.data(), tag.size()) == 0;
}

}  // namespace sotto::crypto
