#pragma once
// AesGcm: AEAD_AES_128_GCM / AEAD_AES_256_GCM (RFC 5116) with a 12-byte IV, keyed once.
//
//   auto gcm = crypto::AesGcm::create(session_key).value();         // 16 or 32 bytes
//   gcm.seal(iv, header_aad, payload, tag);                          // encrypt in place, write tag
//   if (!gcm.open(iv, header_aad, payload, tag)) { /* auth failure */ }
//
// The tag may be 8..16 bytes (RFC 7714 uses 16; the _8 suites 8). `data` may be empty (SRTCP with E=0
// authenticates everything as AAD).

#include <cstdint>
#include <memory>
#include <span>

#include "base/result.hpp"

namespace sotto::crypto {

class AesGcm {
 public:
  static Result<AesGcm> create(std::span<const std::uint8_t> key);
  AesGcm(AesGcm&&) noexcept;
  AesGcm& operator=(AesGcm&&) noexcept;
  ~AesGcm();

  // Encrypts `data` in place and writes tag.size() bytes of tag. Returns false only if the crypto
  // library fails (not expected with a valid key).
  bool seal(std::span<const std::uint8_t, 12> iv, std::span<const std::uint8_t> aad,
            std::span<std::uint8_t> data, std::span<std::uint8_t> tag) noexcept;
  // Decrypts `data` in place and checks the tag. Returns false on authentication failure; `data` is
  // then unspecified and must be discarded.
  bool open(std::span<const std::uint8_t, 12> iv, std::span<const std::uint8_t> aad,
            std::span<std::uint8_t> data, std::span<const std::uint8_t> tag) noexcept;

 private:
  struct Impl;
  explicit AesGcm(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sotto::crypto
