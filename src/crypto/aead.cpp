// TLS record AEADs over EVP_CIPHER_CTX. Records are rare next to SRTP packets, so the EVP re-init cost
// that made aes_gcm.cpp avoid EVP does not matter here, and EVP gives ChaCha20-Poly1305 too.

#include "crypto/aead.hpp"

#include <openssl/evp.h>

#include <climits>
#include <string>

#include "base/secure_bytes.hpp"

namespace sotto::crypto {
namespace {

const EVP_CIPHER* cipher(AeadAlgorithm a) noexcept {
  switch (a) {
    case AeadAlgorithm::aes_128_gcm: return EVP_aes_128_gcm();
    case AeadAlgorithm::aes_256_gcm: return EVP_aes_256_gcm();
    case AeadAlgorithm::chacha20_poly1305: return EVP_chacha20_poly1305();
  }
  return nullptr;
}

}  // namespace

std::size_t aead_key_size(AeadAlgorithm a) noexcept { return a == AeadAlgorithm::aes_128_gcm ? 16 : 32; }

struct Aead::Impl {
  AeadAlgorithm alg;
  SecureBytes key;
  EVP_CIPHER_CTX* ctx = nullptr;
  Impl(AeadAlgorithm a, std::span<const std::uint8_t> k) : alg(a), key(k) {}
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() { EVP_CIPHER_CTX_free(ctx); }

  bool init(bool encrypt, std::span<const std::uint8_t, kNonceSize> nonce) noexcept {
    const int enc = encrypt ? 1 : 0;
    if (EVP_CipherInit_ex(ctx, cipher(alg), nullptr, nullptr, nullptr, enc) != 1) return false;
    if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_AEAD_SET_IVLEN, static_cast<int>(kNonceSize), nullptr) != 1) return false;
    return EVP_CipherInit_ex(ctx, nullptr, nullptr, key.data(), nonce.data(), enc) == 1;
  }
  bool update(std::span<const std::uint8_t> aad, std::span<std::uint8_t> data) noexcept {
    if (aad.size() > INT_MAX || data.size() > INT_MAX) return false;
    int len = 0;
    if (!aad.empty() && EVP_CipherUpdate(ctx, nullptr, &len, aad.data(), static_cast<int>(aad.size())) != 1) {
      return false;
    }
    if (!data.empty() &&
        EVP_CipherUpdate(ctx, data.data(), &len, data.data(), static_cast<int>(data.size())) != 1) {
      return false;
    }
    return true;
  }
};

Result<Aead> Aead::create(AeadAlgorithm alg, std::span<const std::uint8_t> key) {
  if (key.size() != aead_key_size(alg)) {
    return fail(Errc::invalid_argument, "AEAD key must be " + std::to_string(aead_key_size(alg)) + " bytes, got " +
                                            std::to_string(key.size()));
  }
  auto impl = std::make_unique<Impl>(alg, key);
  impl->ctx = EVP_CIPHER_CTX_new();
  if (impl->ctx == nullptr) return fail(Errc::crypto_error, "AEAD: OpenSSL could not allocate a cipher context");
  return Aead(std::move(impl));
}

Aead::Aead(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Aead::Aead(Aead&&) noexcept = default;
Aead& Aead::operator=(Aead&&) noexcept = default;
Aead::~Aead() = default;

bool Aead::open(std::span<const std::uint8_t, kNonceSize> nonce, std::span<const std::uint8_t> aad,
                std::span<std::uint8_t> data, std::span<const std::uint8_t, kTagSize> tag) noexcept {
  if (!impl_->init(false, nonce) || !impl_->update(aad, data)) return false;
  if (EVP_CIPHER_CTX_ctrl(impl_->ctx, EVP_CTRL_AEAD_SET_TAG, static_cast<int>(kTagSize),
                          const_cast<std::uint8_t*>(tag.data())) != 1) {
    return false;
  }
  unsigned char end[16];
  int len = 0;
  return EVP_CipherFinal_ex(impl_->ctx, end, &len) == 1;  // 1 only when the tag matches
}

bool Aead::seal(std::span<const std::uint8_t, kNonceSize> nonce, std::span<const std::uint8_t> aad,
                std::span<std::uint8_t> data, std::span<std::uint8_t, kTagSize> tag) noexcept {
  if (!impl_->init(true, nonce) || !impl_->update(aad, data)) return false;
  unsigned char end[16];
  int len = 0;
  if (EVP_CipherFinal_ex(impl_->ctx, end, &len) != 1) return false;
  return EVP_CIPHER_CTX_ctrl(impl_->ctx, EVP_CTRL_AEAD_GET_TAG, static_cast<int>(kTagSize), tag.data()) == 1;
}

}  // namespace sotto::crypto
