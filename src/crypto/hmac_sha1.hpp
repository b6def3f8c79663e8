#pragma once
// HmacSha1: HMAC-SHA1 (RFC 2104) with the inner and outer SHA-1 states precomputed at key time, so a
// packet costs only the SHA-1 blocks of its own bytes (no per-packet key schedule, no EVP re-init).
//
//   auto mac = crypto::HmacSha1::create(session_auth_key).value();   // any length, SRTP uses 20
//   std::array<std::uint8_t, 20> tag;
//   mac.compute(packet, roc_bytes, tag);   // HMAC(key, packet || roc_bytes)

#include <array>
#include <cstdint>
#include <memory>
#include <span>

#include "base/result.hpp"

namespace sotto::crypto {

class HmacSha1 {
 public:
  static constexpr std::size_t kDigestSize = 20;

  static Result<HmacSha1> create(std::span<const std::uint8_t> key);
  HmacSha1(HmacSha1&&) noexcept;
  HmacSha1& operator=(HmacSha1&&) noexcept;
  ~HmacSha1();

  // HMAC over the concatenation a || b (b may be empty). No allocation.
  void compute(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b,
               std::span<std::uint8_t, kDigestSize> out) const noexcept;

 private:
  struct Impl;
  explicit HmacSha1(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sotto::crypto
