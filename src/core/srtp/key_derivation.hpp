#pragma once
// The SRTP key derivation function (RFC 3711 section 4.3): AES-CM as a PRF keyed with the master key,
// for 128-, 192- and 256-bit master keys (RFC 6188 section 7) and 96-bit AEAD salts (RFC 7714
// section 11 with erratum 4938: the salt is multiplied by 2^16, i.e. zero-padded to 112 bits).
//
//   KeyDerivation kdf = KeyDerivation::create(master_key, master_salt).value();
//   kdf.derive(Label::rtp_encryption, index >> kdr, session_key);   // fills session_key.size() bytes

#include <cstdint>
#include <span>

#include "base/result.hpp"
#include "base/secure_bytes.hpp"
#include "crypto/aes_ctr.hpp"

namespace sotto::srtp {

// RFC 3711 section 4.3.2 and RFC 6904 section 4.3.
enum class Label : std::uint8_t {
  rtp_encryption = 0x00,
  rtp_auth = 0x01,
  rtp_salt = 0x02,
  rtcp_encryption = 0x03,
  rtcp_auth = 0x04,
  rtcp_salt = 0x05,
  rtp_header_encryption = 0x06,
  rtp_header_salt = 0x07,
};

class KeyDerivation {
 public:
  static Result<KeyDerivation> create(std::span<const std::uint8_t> master_key,
                                      std::span<const std::uint8_t> master_salt);
  KeyDerivation(KeyDerivation&&) noexcept = default;
  KeyDerivation& operator=(KeyDerivation&&) noexcept = default;

  // r = index DIV key_derivation_rate (0 when the rate is zero); 48 bits for SRTP, 31 for SRTCP.
  void derive(Label label, std::uint64_t r, std::span<std::uint8_t> out) noexcept;

 private:
  KeyDerivation(crypto::AesCtr prf, std::span<const std::uint8_t> salt);
  crypto::AesCtr prf_;
  SecureBytes salt_;  // master salt, zero-padded on the right to 112 bits; wiped when freed
};

}  // namespace sotto::srtp
