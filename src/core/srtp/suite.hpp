#pragma once
// The SRTP crypto suites, one row of data each, named exactly as RFC 4568 / 6188 / 7714 (and, for the
// 8-octet GCM tags, FreeSWITCH and Asterisk) spell them in a=crypto lines.
//
//   const Suite* s = find_suite("AES_CM_128_HMAC_SHA1_80");
//   std::size_t inline_key_bytes = s->master_key_len + s->master_salt_len;   // 30
//   for (const Suite& each : all_suites()) std::puts(each.name.data());

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace sotto::srtp {

enum class SuiteId : std::uint8_t {
  AES_CM_128_HMAC_SHA1_80,
  AES_CM_128_HMAC_SHA1_32,
  AES_192_CM_HMAC_SHA1_80,
  AES_192_CM_HMAC_SHA1_32,
  AES_256_CM_HMAC_SHA1_80,
  AES_256_CM_HMAC_SHA1_32,
  AEAD_AES_128_GCM,
  AEAD_AES_256_GCM,
  AEAD_AES_128_GCM_8,
  AEAD_AES_256_GCM_8,
  F8_128_HMAC_SHA1_80,
  AES_CM_128_NULL_AUTH,
  NULL_HMAC_SHA1_80,
  NULL_HMAC_SHA1_32,
};

enum class Cipher : std::uint8_t { null, aes_cm, aes_f8, aes_gcm };
enum class Auth : std::uint8_t { null, hmac_sha1, aead };

struct Suite {
  SuiteId id;
  std::string_view name;            // RFC 4568 section 6.2 / RFC 6188 / RFC 7714 section 14.2
  Cipher cipher;
  Auth auth;                        // of SRTP; SRTCP is always authenticated (HMAC-SHA1 unless AEAD)
  std::uint8_t master_key_len;      // bytes of the master key in the inline key-salt
  std::uint8_t master_salt_len;     // 14 (RFC 3711), 12 for AEAD (RFC 7714 section 12)
  std::uint8_t session_key_len;     // n_e
  std::uint8_t session_salt_len;    // n_s: 14, or 12 for AEAD
  std::uint8_t session_auth_key_len;  // n_a: 20 for HMAC-SHA1, 0 otherwise
  std::uint8_t srtp_tag_len;        // bytes of authentication tag on SRTP
  std::uint8_t srtcp_tag_len;       // on SRTCP: 10 for the _32 suites too (RFC 4568 section 6.2.2)
  std::uint64_t srtp_max_lifetime;  // packets per master key: 2^48 (RFC 3711 section 9.2)
  std::uint64_t srtcp_max_lifetime; // 2^31
  std::uint8_t kdf_key_len;         // key size of the AES-CM PRF: 16/24/32 (RFC 6188 section 7)
};

std::span<const Suite> all_suites() noexcept;
const Suite& suite(SuiteId id) noexcept;
// Exact, case-sensitive match on the RFC name; nullptr when unknown.
const Suite* find_suite(std::string_view name) noexcept;

}  // namespace sotto::srtp
