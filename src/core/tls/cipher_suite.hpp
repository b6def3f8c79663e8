#pragma once
// CipherSuite: one row of data per TLS cipher suite (IANA registry names), what decryption needs
// (AEAD, PRF hash) and what an audit judges (forward secrecy, weak).
//
//   const tls::CipherSuite* s = tls::find_cipher_suite(0xC02F);
//   s->name == "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256"; s->forward_secrecy; s->aead == AeadAlgorithm::aes_128_gcm
//   std::string n = tls::cipher_suite_name(0x1234);   // "0x1234" when unknown

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "crypto/aead.hpp"
#include "crypto/tls_kdf.hpp"

namespace sotto::tls {

struct CipherSuite {
  std::uint16_t id;
  std::string_view name;                       // IANA TLS Cipher Suites registry
  bool tls13;                                  // a TLS 1.3 suite (RFC 8446 B.4)
  bool forward_secrecy;                        // (EC)DHE key exchange, or any TLS 1.3 suite
  bool weak;                                   // NULL, EXPORT, anon, RC4, DES, 3DES or MD5 MAC
  std::optional<crypto::AeadAlgorithm> aead;   // set for the suites we can decrypt
  crypto::Digest prf;                          // PRF / HKDF hash
  std::size_t fixed_iv_size;                   // TLS 1.2 client/server_write_IV (4 GCM, 12 ChaCha)
};

const CipherSuite* find_cipher_suite(std::uint16_t id) noexcept;
std::string cipher_suite_name(std::uint16_t id);

// "TLSv1.2" for 0x0303 etc.; "0x7f1c" for anything else.
std::string version_name(std::uint16_t version);

}  // namespace sotto::tls
