#pragma once
// X509Summary: what an audit reports about one certificate seen on the wire (DER, as TLS carries it).
//
//   auto s = crypto::summarize_certificate(der_bytes);
//   if (s) std::cout << s->subject << " expires " << s->not_after << (s->self_signed ? " (self-signed)" : "");
//   // s->key_type == "EC P-256", s->key_bits == 256; "RSA", 2048; "Ed25519", 256

#include <cstdint>
#include <span>
#include <string>

#include "base/result.hpp"

namespace sotto::crypto {

struct X509Summary {
  std::string subject;     // RFC 2253 one-line form, e.g. "CN=127.0.0.1,O=sotto"
  std::string issuer;
  std::string not_before;  // ISO 8601 UTC, e.g. "2026-12-06T18:00:00Z"
  std::string not_after;
  bool self_signed = false;  // issuer == subject and the signature verifies with its own key
  std::string key_type;      // "RSA", "EC P-256", "EC P-384", "Ed25519", "DSA", ...
  int key_bits = 0;
  std::string sha256_fingerprint;  // lower-case hex of SHA-256(DER)
};

// Parses one DER certificate; a malformed one gives malformed_input naming what failed.
Result<X509Summary> summarize_certificate(std::span<const std::uint8_t> der);

}  // namespace sotto::crypto
