#include "core/tls/cipher_suite.hpp"

#include <array>
#include <cstdio>

namespace sotto::tls {
namespace {

using crypto::AeadAlgorithm;
using crypto::Digest;
constexpr auto kG128 = AeadAlgorithm::aes_128_gcm;
constexpr auto kG256 = AeadAlgorithm::aes_256_gcm;
constexpr auto kChacha = AeadAlgorithm::chacha20_poly1305;
constexpr auto k256 = Digest::sha256;
constexpr auto k384 = Digest::sha384;
constexpr std::optional<AeadAlgorithm> kNone{};

// id, name, tls13, forward_secrecy, weak, aead, prf, fixed IV
constexpr std::array kSuites = {
    CipherSuite{0x1301, "TLS_AES_128_GCM_SHA256", true, true, false, kG128, k256, 12},
    CipherSuite{0x1302, "TLS_AES_256_GCM_SHA384", true, true, false, kG256, k384, 12},
    CipherSuite{0x1303, "TLS_CHACHA20_POLY1305_SHA256", true, true, false, kChacha, k256, 12},
    CipherSuite{0x1304, "TLS_AES_128_CCM_SHA256", true, true, false, kNone, k256, 12},
    CipherSuite{0x1305, "TLS_AES_128_CCM_8_SHA256", true, true, false, kNone, k256, 12},
    CipherSuite{0xC02B, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", false, true, false, kG128, k256, 4},
    CipherSuite{0xC02C, "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", false, true, false, kG256, k384, 4},
    CipherSuite{0xC02F, "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", false, true, false, kG128, k256, 4},
    CipherSuite{0xC030, "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", false, true, false, kG256, k384, 4},
    CipherSuite{0xCCA8, "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", false, true, false, kChacha, k256, 12},
    CipherSuite{0xCCA9, "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", false, true, false, kChacha, k256, 12},
    CipherSuite{0xCCAA, "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256", false, true, false, kChacha, k256, 12},
    CipherSuite{0x009E, "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256", false, true, false, kG128, k256, 4},
    CipherSuite{0x009F, "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384", false, true, false, kG256, k384, 4},
    CipherSuite{0x009C, "TLS_RSA_WITH_AES_128_GCM_SHA256", false, false, false, kG128, k256, 4},
    CipherSuite{0x009D, "TLS_RSA_WITH_AES_256_GCM_SHA384", false, false, false, kG256, k384, 4},
    CipherSuite{0xC0AC, "TLS_ECDHE_ECDSA_WITH_AES_128_CCM", false, true, false, kNone, k256, 4},
    CipherSuite{0xC009, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", false, true, false, kNone, k256, 0},
    CipherSuite{0xC00A, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", false, true, false, kNone, k256, 0},
    CipherSuite{0xC013, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA", false, true, false, kNone, k256, 0},
    CipherSuite{0xC014, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", false, true, false, kNone, k256, 0},
    CipherSuite{0xC023, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256", false, true, false, kNone, k256, 0},
    CipherSuite{0xC024, "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384", false, true, false, kNone, k384, 0},
    CipherSuite{0xC027, "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256", false, true, false, kNone, k256, 0},
    CipherSuite{0xC028, "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384", false, true, false, kNone, k384, 0},
    CipherSuite{0x0033, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA", false, true, false, kNone, k256, 0},
    CipherSuite{0x0039, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA", false, true, false, kNone, k256, 0},
    CipherSuite{0x0067, "TLS_DHE_RSA_WITH_AES_128_CBC_SHA256", false, true, false, kNone, k256, 0},
    CipherSuite{0x006B, "TLS_DHE_RSA_WITH_AES_256_CBC_SHA256", false, true, false, kNone, k256, 0},
    CipherSuite{0x002F, "TLS_RSA_WITH_AES_128_CBC_SHA", false, false, false, kNone, k256, 0},
    CipherSuite{0x0035, "TLS_RSA_WITH_AES_256_CBC_SHA", false, false, false, kNone, k256, 0},
    CipherSuite{0x003C, "TLS_RSA_WITH_AES_128_CBC_SHA256", false, false, false, kNone, k256, 0},
    CipherSuite{0x003D, "TLS_RSA_WITH_AES_256_CBC_SHA256", false, false, false, kNone, k256, 0},
    CipherSuite{0x000A, "TLS_RSA_WITH_3DES_EDE_CBC_SHA", false, false, true, kNone, k256, 0},
    CipherSuite{0xC012, "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA", false, true, true, kNone, k256, 0},
    CipherSuite{0x0016, "TLS_DHE_RSA_WITH_3DES_EDE_CBC_SHA", false, true, true, kNone, k256, 0},
    CipherSuite{0x0004, "TLS_RSA_WITH_RC4_128_MD5", false, false, true, kNone, k256, 0},
    CipherSuite{0x0005, "TLS_RSA_WITH_RC4_128_SHA", false, false, true, kNone, k256, 0},
    CipherSuite{0xC011, "TLS_ECDHE_RSA_WITH_RC4_128_SHA", false, true, true, kNone, k256, 0},
    CipherSuite{0x0009, "TLS_RSA_WITH_DES_CBC_SHA", false, false, true, kNone, k256, 0},
    CipherSuite{0x0001, "TLS_RSA_WITH_NULL_MD5", false, false, true, kNone, k256, 0},
    CipherSuite{0x0002, "TLS_RSA_WITH_NULL_SHA", false, false, true, kNone, k256, 0},
    CipherSuite{0x003B, "TLS_RSA_WITH_NULL_SHA256", false, false, true, kNone, k256, 0},
    CipherSuite{0xC010, "TLS_ECDHE_RSA_WITH_NULL_SHA", false, true, true, kNone, k256, 0},
    CipherSuite{0x0003, "TLS_RSA_EXPORT_WITH_RC4_40_MD5", false, false, true, kNone, k256, 0},
    CipherSuite{0x0008, "TLS_RSA_EXPORT_WITH_DES40_CBC_SHA", false, false, true, kNone, k256, 0},
    CipherSuite{0x0018, "TLS_DH_anon_WITH_RC4_128_MD5", false, false, true, kNone, k256, 0},
    CipherSuite{0x0034, "TLS_DH_anon_WITH_AES_128_CBC_SHA", false, false, true, kNone, k256, 0},
    CipherSuite{0xC018, "TLS_ECDH_anon_WITH_AES_128_CBC_SHA", false, false, true, kNone, k256, 0},
    CipherSuite{0x00FF, "TLS_EMPTY_RENEGOTIATION_INFO_SCSV", false, false, false, kNone, k256, 0},
    CipherSuite{0x5600, "TLS_FALLBACK_SCSV", false, false, false, kNone, k256, 0},
};

}  // namespace

const CipherSuite* find_cipher_suite(std::uint16_t id) noexcept {
  for (const CipherSuite& s : kSuites) {
    if (s.id == id) return &s;
  }
  return nullptr;
}

std::string cipher_suite_name(std::uint16_t id) {
  if (const CipherSuite* s = find_cipher_suite(id)) return std::string(s->name);
  char buf[8];
  std::snprintf(buf, sizeof buf, "0x%04X", id);
  return buf;
}

std::string version_name(std::uint16_t version) {
  switch (version) {
    case 0x0300: return "SSLv3";
    case 0x0301: return "TLSv1.0";
    case 0x0302: return "TLSv1.1";
    case 0x0303: return "TLSv1.2";
    case 0x0304: return "TLSv1.3";
    default: {
      char buf[8];
      std::snprintf(buf, sizeof buf, "0x%04x", version);
      return buf;
    }
  }
}

}  // namespace sotto::tls
