#include "core/srtp/suite.hpp"

#include <array>

namespace sotto::srtp {
namespace {

constexpr std::uint64_t kSrtpMax = std::uint64_t{1} << 48;
constexpr std::uint64_t kSrtcpMax = std::uint64_t{1} << 31;

// clang-format off
constexpr std::array<Suite, 14> kSuites{{
  //  id                                 name                       cipher          auth             mk  ms  ek  es  ak  tag rtcp
  {SuiteId::AES_CM_128_HMAC_SHA1_80, "AES_CM_128_HMAC_SHA1_80", Cipher::aes_cm, Auth::hmac_sha1, 16, 14, 16, 14, 20, 10, 10, kSrtpMax, kSrtcpMax, 16},
  {SuiteId::AES_CM_128_HMAC_SHA1_32, "AES_CM_128_HMAC_SHA1_32", Cipher::aes_cm, Auth::hmac_sha1, 16, 14, 16, 14, 20,  4, 10, kSrtpMax, kSrtcpMax, 16},
  {SuiteId::AES_192_CM_HMAC_SHA1_80, "AES_192_CM_HMAC_SHA1_80", Cipher::aes_cm, Auth::hmac_sha1, 24, 14, 24, 14, 20, 10, 10, kSrtpMax, kSrtcpMax, 24},
  {SuiteId::AES_192_CM_HMAC_SHA1_32, "AES_192_CM_HMAC_SHA1_32", Cipher::aes_cm, Auth::hmac_sha1, 24, 14, 24, 14, 20,  4, 10, kSrtpMax, kSrtcpMax, 24},
  {SuiteId::AES_256_CM_HMAC_SHA1_80, "AES_256_CM_HMAC_SHA1_80", Cipher::aes_cm, Auth::hmac_sha1, 32, 14, 32, 14, 20, 10, 10, kSrtpMax, kSrtcpMax, 32},
  {SuiteId::AES_256_CM_HMAC_SHA1_32, "AES_256_CM_HMAC_SHA1_32", Cipher::aes_cm, Auth::hmac_sha1, 32, 14, 32, 14, 20,  4, 10, kSrtpMax, kSrtcpMax, 32},
  {SuiteId::AEAD_AES_128_GCM,        "AEAD_AES_128_GCM",        Cipher::aes_gcm, Auth::aead,     16, 12, 16, 12,  0, 16, 16, kSrtpMax, kSrtcpMax, 16},
  {SuiteId::AEAD_AES_256_GCM,        "AEAD_AES_256_GCM",        Cipher::aes_gcm, Auth::aead,     32, 12, 32, 12,  0, 16, 16, kSrtpMax, kSrtcpMax, 32},
  {SuiteId::AEAD_AES_128_GCM_8,      "AEAD_AES_128_GCM_8",      Cipher::aes_gcm, Auth::aead,     16, 12, 16, 12,  0,  8,  8, kSrtpMax, kSrtcpMax, 16},
  {SuiteId::AEAD_AES_256_GCM_8,      "AEAD_AES_256_GCM_8",      Cipher::aes_gcm, Auth::aead,     32, 12, 32, 12,  0,  8,  8, kSrtpMax, kSrtcpMax, 32},
  {SuiteId::F8_128_HMAC_SHA1_80,     "F8_128_HMAC_SHA1_80",     Cipher::aes_f8, Auth::hmac_sha1, 16, 14, 16, 14, 20, 10, 10, kSrtpMax, kSrtcpMax, 16},
  {SuiteId::AES_CM_128_NULL_AUTH,    "AES_CM_128_NULL_AUTH",    Cipher::aes_cm, Auth::null,      16, 14, 16, 14, 20,  0, 10, kSrtpMax, kSrtcpMax, 16},
  {SuiteId::NULL_HMAC_SHA1_80,       "NULL_HMAC_SHA1_80",       Cipher::null,   Auth::hmac_sha1, 16, 14,  0, 14, 20, 10, 10, kSrtpMax, kSrtcpMax, 16},
  {SuiteId::NULL_HMAC_SHA1_32,       "NULL_HMAC_SHA1_32",       Cipher::null,   Auth::hmac_sha1, 16, 14,  0, 14, 20,  4, 10, kSrtpMax, kSrtcpMax, 16},
}};
// clang-format on

}  // namespace

std::span<const Suite> all_suites() noexcept { return kSuites; }

const Suite& suite(SuiteId id) noexcept { return kSuites[static_cast<std::size_t>(id)]; }

const Suite* find_suite(std::string_view name) noexcept {
  for (const Suite& s : kSuites) {
    if (s.name == name) return &s;
  }
  return nullptr;
}

}  // namespace sotto::srtp
