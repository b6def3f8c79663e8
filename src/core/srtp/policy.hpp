#pragma once
// Policy: everything negotiated for one SRTP direction (RFC 4568 key and session parameters), kept
// apart from the keys derived from it (see session_keys.hpp).
//
//   Policy p;
//   p.suite = SuiteId::AES_CM_128_HMAC_SHA1_80;
//   p.keys.push_back(MasterKey{SecureBytes(k16), SecureBytes(s14), {}, std::nullopt});   // then Context::create

#include <cstdint>
#include <optional>
#include <vector>

#include "base/secure_bytes.hpp"
#include "core/srtp/suite.hpp"

namespace sotto::srtp {

// One master key with its salt (RFC 3711 section 8.1; RFC 4568 section 6.1 key-info).
struct MasterKey {
  SecureBytes key;                 // suite.master_key_len bytes
  SecureBytes salt;                // suite.master_salt_len bytes
  std::vector<std::uint8_t> mki;   // empty = no MKI; all keys of a policy share one MKI length (1..4)
  // Packets this key may protect (RFC 4568 "|2^20"); nullopt = the suite maximum (2^48 SRTP, 2^31
  // SRTCP). The limit applies to SRTP and SRTCP counts separately, each capped by its own maximum.
  std::optional<std::uint64_t> lifetime;
};

struct Policy {
  SuiteId suite = SuiteId::AES_CM_128_HMAC_SHA1_80;
  std::vector<MasterKey> keys;     // at least one; outbound protects with keys[active_key] (settable)

  // RFC 3711 section 4.3.1 key derivation rate as its exponent: KDR = 2^kdr_exponent packets, 0..24;
  // nullopt = no re-derivation (RFC 4568 "KDR=" carries the exponent).
  std::optional<std::uint8_t> kdr_exponent;

  bool encrypt_rtp = true;         // false = UNENCRYPTED_SRTP
  bool encrypt_rtcp = true;        // false = UNENCRYPTED_SRTCP (E flag 0)
  bool authenticate_rtp = true;    // false = UNAUTHENTICATED_SRTP (not allowed with AEAD suites)

  std::uint32_t replay_window = 128;  // packets, 64..32768; inbound only

  // RFC 6904: one-byte/two-byte header extension element IDs (1..255) whose data is encrypted.
  std::vector<std::uint8_t> encrypted_header_ids;
};

}  // namespace sotto::srtp
