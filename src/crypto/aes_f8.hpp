#pragma once
// AesF8: AES in f8 mode (RFC 3711 4.1.2), used by F8_128_HMAC_SHA1_80.
//
//   auto f8 = crypto::AesF8::create(session_key, session_salt).value();   // 16-byte key, 14-byte salt
//   f8.apply(iv, payload);   // IV per RFC 3711 4.1.2.2 (RTP) or 4.1.2.3 (RTCP); in place, both ways
//
// IV' = E(k_e XOR m, IV) with m = k_s || 0x555..5; S(j) = E(k_e, IV' XOR j XOR S(j-1)).

#include <cstdint>
#include <memory>
#include <span>

#include "base/result.hpp"

namespace sotto::crypto {

class AesF8 {
 public:
  static Result<AesF8> create(std::span<const std::uint8_t> key, std::span<const std::uint8_t> salt);
  AesF8(AesF8&&) noexcept;
  AesF8& operator=(AesF8&&) noexcept;
  ~AesF8();

  void apply(std::span<const std::uint8_t, 16> iv, std::span<std::uint8_t> data) noexcept;

 private:
  struct Impl;
  explicit AesF8(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sotto::crypto
