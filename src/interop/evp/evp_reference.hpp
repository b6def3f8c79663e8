#pragma once
// The raw OpenSSL EVP baseline ("anchor") for SRTP benchmarks: what a competent engineer gets by calling
// OpenSSL directly, with pre-keyed contexts and only the IV reset per packet.
//
//   auto ref = interop::EvpReferenceCm::create(master_key, master_salt, /*tag_len=*/10).value();
//   std::size_t n = ref.protect_rtp(buf, len, /*roc=*/0);      // 0 = failure; buf needs tag room
//   std::size_t m = ref.unprotect_rtp(buf, n, /*roc=*/0);      // 0 = tag mismatch or malformed
//
// Deliberately minimal: one SSRC-agnostic key set (RFC 3711 4.3.1 KDF at index 0, no KDR), the ROC and
// SRTCP index come from the caller, no replay window, no MKI, no stream table. It is a floor for the
// crypto cost, not an SRTP implementation: never use it for real traffic.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>

#include "base/result.hpp"

namespace sotto::interop {

// AES-CM (RFC 3711 4.1.1; RFC 6188 for 192/256-bit keys) + HMAC-SHA1 (RFC 3711 4.2.1).
class EvpReferenceCm {
 public:
  // master_key: 16, 24 or 32 bytes; master_salt: 14 bytes; tag_len: SRTP tag, 4 or 10 (SRTCP uses 10).
  static Result<EvpReferenceCm> create(std::span<const std::uint8_t> master_key,
                                       std::span<const std::uint8_t> master_salt, std::size_t tag_len);
  EvpReferenceCm(EvpReferenceCm&&) noexcept;
  EvpReferenceCm& operator=(EvpReferenceCm&&) noexcept;
  ~EvpReferenceCm();

  // RTP: `buf` holds the packet in its first `len` bytes. Return the new length, 0 on failure.
  std::size_t protect_rtp(std::span<std::uint8_t> buf, std::size_t len, std::uint32_t roc) noexcept;
  std::size_t unprotect_rtp(std::span<std::uint8_t> buf, std::size_t len, std::uint32_t roc) noexcept;
  // SRTCP with E = 1 and the given 31-bit index; unprotect reads the index from the packet.
  std::size_t protect_rtcp(std::span<std::uint8_t> buf, std::size_t len, std::uint32_t index) noexcept;
  std::size_t unprotect_rtcp(std::span<std::uint8_t> buf, std::size_t len) noexcept;

 private:
  struct Impl;
  explicit EvpReferenceCm(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// AEAD_AES_128_GCM / AEAD_AES_256_GCM (RFC 7714): tag 16 (or 8 for the non-standard _8 variants).
class EvpReferenceGcm {
 public:
  // master_key: 16 or 32 bytes; master_salt: 12 bytes; tag_len: 8 or 16.
  static Result<EvpReferenceGcm> create(std::span<const std::uint8_t> master_key,
                                        std::span<const std::uint8_t> master_salt, std::size_t tag_len);
  EvpReferenceGcm(EvpReferenceGcm&&) noexcept;
  EvpReferenceGcm& operator=(EvpReferenceGcm&&) noexcept;
  ~EvpReferenceGcm();

  std::size_t protect_rtp(std::span<std::uint8_t> buf, std::size_t len, std::uint32_t roc) noexcept;
  std::size_t unprotect_rtp(std::span<std::uint8_t> buf, std::size_t len, std::uint32_t roc) noexcept;
  std::size_t protect_rtcp(std::span<std::uint8_t> buf, std::size_t len, std::uint32_t index) noexcept;
  std::size_t unprotect_rtcp(std::span<std::uint8_t> buf, std::size_t len) noexcept;

 private:
  struct Impl;
  explicit EvpReferenceGcm(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sotto::interop
