#pragma once
// AesCtr: AES in counter mode as SRTP uses it (RFC 3711 4.1.1), keyed once, IV per call.
//
//   auto ctr = crypto::AesCtr::create(session_key).value();   // 16, 24 or 32 bytes
//   ctr.apply(iv, payload);   // payload ^= AES_k(iv) || AES_k(iv+1) || ...   (in place)
//
// The counter is the whole 16-byte block, incremented big-endian. SRTP IVs have their low 16 bits
// zero and packets are < 2^16 blocks, so this matches RFC 3711's "IV + i".

#include <cstdint>
#include <memory>
#include <span>

#include "base/result.hpp"

namespace sotto::crypto {

class AesCtr {
 public:
  static Result<AesCtr> create(std::span<const std::uint8_t> key);
  AesCtr(AesCtr&&) noexcept;
  AesCtr& operator=(AesCtr&&) noexcept;
  ~AesCtr();

  // XORs `data` in place with the keystream that starts at counter block `iv`. No allocation.
  void apply(std::span<const std::uint8_t, 16> iv, std::span<std::uint8_t> data) noexcept;
  // Writes the raw keystream (used by the RFC 3711 4.3.3 key derivation PRF).
  void keystream(std::span<const std::uint8_t, 16> iv, std::span<std::uint8_t> out) noexcept;

  std::size_t key_size() const noexcept;

 private:
  struct Impl;
  explicit AesCtr(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sotto::crypto
