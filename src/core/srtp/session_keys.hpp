#pragma once
// SessionKeys: the keyed primitives derived from one master key for one value of r = index DIV KDR
// (RFC 3711 section 4.3), for SRTP or for SRTCP. Kept apart from the negotiated Policy.
//
//   KeyDerivation kdf = KeyDerivation::create(mk.key.span(), mk.salt.span()).value();
//   auto rtp = SessionKeys::derive_rtp(suite, kdf, /*r=*/0, /*header_encryption=*/false).value();
//   rtp.ctr->apply(iv, payload);

#include <cstdint>
#include <optional>

#include "base/result.hpp"
#include "core/srtp/key_derivation.hpp"
#include "core/srtp/suite.hpp"
#include "crypto/aes_ctr.hpp"
#include "crypto/aes_f8.hpp"
#include "crypto/aes_gcm.hpp"
#include "crypto/hmac_sha1.hpp"

namespace sotto::srtp {

struct SessionKeys {
  std::optional<crypto::AesCtr> ctr;   // Cipher::aes_cm
  std::optional<crypto::AesF8> f8;     // Cipher::aes_f8
  std::optional<crypto::AesGcm> gcm;   // Cipher::aes_gcm
  std::optional<crypto::HmacSha1> mac; // HMAC-SHA1 suites (and SRTCP of AES_CM_128_NULL_AUTH)
  std::uint8_t salt[14] = {};          // session salt k_s (12 bytes used by AEAD)

  // RFC 6904 header extension encryption (SRTP only): k_he, k_hs.
  std::optional<crypto::AesCtr> header_ctr;
  std::optional<crypto::AesF8> header_f8;
  std::uint8_t header_salt[14] = {};

  SessionKeys() = default;
  SessionKeys(SessionKeys&&) noexcept = default;
  SessionKeys& operator=(SessionKeys&&) noexcept = default;
  ~SessionKeys();

  static Result<SessionKeys> derive_rtp(const Suite& s, KeyDerivation& kdf, std::uint64_t r, bool header_encryption);
  static Result<SessionKeys> derive_rtcp(const Suite& s, KeyDerivation& kdf, std::uint64_t r);
};

}  // namespace sotto::srtp
