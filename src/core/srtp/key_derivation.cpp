#include "core/srtp/key_derivation.hpp"

#include <cstring>

#include "base/secure_bytes.hpp"

namespace sotto::srtp {

Result<KeyDerivation> KeyDerivation::create(std::span<const std::uint8_t> master_key,
                                            std::span<const std::uint8_t> master_salt) {
  if (master_salt.size() != 14 && master_salt.size() != 12) {
    return fail(Errc::invalid_argument,
                "master salt must be 14 bytes (12 for AEAD suites), got " + std::to_string(master_salt.size()));
  }
  auto prf = crypto::AesCtr::create(master_key);
  if (!prf) return Unexpected(prf.error());
  return KeyDerivation(std::move(*prf), master_salt);
}

KeyDerivation::KeyDerivation(crypto::AesCtr prf, std::span<const std::uint8_t> salt)
    : prf_(std::move(prf)), salt_(14) {
  std::memcpy(salt_.data(), salt.data(), salt.size());
}

void KeyDerivation::derive(Label label, std::uint64_t r, std::span<std::uint8_t> out) noexcept {
  // x = (label || r) XOR master_salt, key_id right-aligned in 112 bits: label at octet 7, r (48 bits)
  // in octets 8..13. IV = x * 2^16 (RFC 3711 section 4.3.3).
  std::uint8_t iv[16] = {};
  std::memcpy(iv, salt_.data(), 14);
  iv[7] ^= static_cast<std::uint8_t>(label);
  for (int i = 0; i < 6; ++i) iv[13 - i] ^= static_cast<std::uint8_t>(r >> (8 * i));
  std::memset(out.data(), 0, out.size());
  prf_.apply(std::span<const std::uint8_t, 16>(iv, 16), out);
  secure_wipe(iv, sizeof iv);
}

}  // namespace sotto::srtp
