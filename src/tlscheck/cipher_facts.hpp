#pragma once
// What makes a cipher suite weak or not forward-secret, decided from OpenSSL's description of it.
//
//   CipherInfo c{.name = "AECDH-AES128-SHA", .kx = "ECDHE", .auth = "none", .enc = "AES-128-CBC", .bits = 128};
//   cipher_weakness(c);     // "anonymous (no server authentication)"
//   forward_secret(c);      // true

#include <string>

#include "tlscheck/probe_result.hpp"

namespace sotto::tlscheck {

// Empty when the suite is acceptable; otherwise why it is weak: no encryption, no authentication,
// RC4/DES/3DES/RC2/IDEA/SEED, fewer than 128 key bits, an MD5 MAC, or an export suite.
std::string cipher_weakness(const CipherInfo& c);
// Ephemeral (EC)DH key exchange, or TLS 1.3 (always ephemeral).
bool forward_secret(const CipherInfo& c);
// "ECDHE-RSA-AES128-GCM-SHA256 (TLSv1.2): kx ECDHE, auth RSA, AES-128-GCM 128 bits, AEAD"
std::string describe(const CipherInfo& c);

}  // namespace sotto::tlscheck
