#pragma once
// RecordCipher: opens protected TLS records of one direction with AEAD suites. TLS 1.2 per RFC 5246
// 6.2.3.3 with the nonces of RFC 5288 3 (GCM: 4-byte salt || 8-byte explicit nonce) and RFC 7905 2
// (ChaCha20-Poly1305: IV xor sequence number); TLS 1.3 per RFC 8446 5.2-5.3 and 7.3.
//
//   auto keys = tls::derive_tls12_keys(*suite, master_secret, client_random, server_random).value();
//   auto r = keys.client.open(23, 0x0303, fragment);           // r->type, r->bytes
//   auto c13 = tls::RecordCipher::tls13(*suite, server_handshake_traffic_secret).value();

#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "base/result.hpp"
#include "base/secure_bytes.hpp"
#include "core/tls/cipher_suite.hpp"
#include "crypto/aead.hpp"

namespace sotto::tls {

struct OpenedRecord {
  std::uint8_t type = 0;  // TLS 1.3: the inner content type; TLS 1.2: the record's type
  std::vector<std::uint8_t> bytes;
};

class RecordCipher {
 public:
  static Result<RecordCipher> tls12(const CipherSuite& suite, std::span<const std::uint8_t> key,
                                    std::span<const std::uint8_t> fixed_iv);
  static Result<RecordCipher> tls13(const CipherSuite& suite, std::span<const std::uint8_t> traffic_secret);

  // `fragment` is the record body after the 5-byte header. Fails on a bad tag ("bad record MAC"),
  // a record too short for its nonce and tag, or a TLS 1.3 inner plaintext with no content type.
  Result<OpenedRecord> open(std::uint8_t type, std::uint16_t version, std::span<const std::uint8_t> fragment);
  // TLS 1.3 KeyUpdate (RFC 8446 7.2): application_traffic_secret_N+1 and fresh keys, sequence 0.
  Status key_update();

  std::uint64_t sequence() const noexcept { return seq_; }

 private:
  RecordCipher(const CipherSuite& suite, crypto::Aead aead, SecureBytes iv, SecureBytes secret, bool tls13)
      : suite_(&suite), aead_(std::move(aead)), iv_(std::move(iv)), secret_(std::move(secret)), tls13_(tls13) {}
  const CipherSuite* suite_;
  crypto::Aead aead_;
  SecureBytes iv_;      // TLS 1.2 GCM: 4-byte salt; ChaCha and TLS 1.3: 12 bytes
  SecureBytes secret_;  // TLS 1.3 traffic secret (for KeyUpdate); empty in TLS 1.2
  bool tls13_;
  std::uint64_t seq_ = 0;
};

struct Tls12Keys {
  RecordCipher client;
  RecordCipher server;
};
// key_block = PRF(master_secret, "key expansion", server_random + client_random) (RFC 5246 6.3).
Result<Tls12Keys> derive_tls12_keys(const CipherSuite& suite, std::span<const std::uint8_t> master_secret,
                                    std::span<const std::uint8_t> client_random,
                                    std::span<const std::uint8_t> server_random);

}  // namespace sotto::tls
