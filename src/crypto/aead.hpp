#pragma once
// Aead: the TLS record ciphers AES-128-GCM, AES-256-GCM (RFC 5116) and ChaCha20-Poly1305 (RFC 8439),
// 12-byte nonce, 16-byte tag, through OpenSSL EVP. Keyed once; one nonce per call.
//
//   auto aead = crypto::Aead::create(crypto::AeadAlgorithm::chacha20_poly1305, key).value();
//   if (!aead.open(nonce, record_header, ciphertext, tag)) { /* bad record MAC */ }
//   aead.seal(nonce, aad, plaintext, tag);   // tests and fuzz seeds

#include <cstdint>
#include <memory>
#include <span>

#include "base/result.hpp"

namespace sotto::crypto {

enum class AeadAlgorithm : std::uint8_t { aes_128_gcm, aes_256_gcm, chacha20_poly1305 };
std::size_t aead_key_size(AeadAlgorithm a) noexcept;  // 16, 32, 32

class Aead {
 public:
  static constexpr std::size_t kNonceSize = 12;
  static constexpr std::size_t kTagSize = 16;

  static Result<Aead> create(AeadAlgorithm alg, std::span<const std::uint8_t> key);
  Aead(Aead&&) noexcept;
  Aead& operator=(Aead&&) noexcept;
  ~Aead();

  // Decrypts `data` in place and checks the 16-byte tag. False on authentication failure (then `data`
  // is unspecified and must be discarded).
  bool open(std::span<const std::uint8_t, kNonceSize> nonce, std::span<const std::uint8_t> aad,
            std::span<std::uint8_t> data, std::span<const std::uint8_t, kTagSize> tag) noexcept;
  // Encrypts `data` in place and writes the tag.
  bool seal(std::span<const std::uint8_t, kNonceSize> nonce, std::span<const std::uint8_t> aad,
            std::span<std::uint8_t> data, std::span<std::uint8_t, kTagSize> tag) noexcept;

 private:
  struct Impl;
  explicit Aead(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sotto::crypto
