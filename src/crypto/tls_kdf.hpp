#pragma once
// Key derivation for TLS record decryption: HKDF (RFC 5869) with TLS 1.3's HKDF-Expand-Label
// (RFC 8446 7.1), and the TLS 1.2 PRF P_SHA256 / P_SHA384 (RFC 5246 5).
//
//   auto key = crypto::hkdf_expand_label(crypto::Digest::sha256, traffic_secret, "key", {}, 16).value();
//   auto kb = crypto::tls12_prf(crypto::Digest::sha256, master, "key expansion", seed, 40).value();
//   auto th = crypto::digest(crypto::Digest::sha384, handshake_bytes);

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "base/secure_bytes.hpp"

namespace sotto::crypto {

enum class Digest : std::uint8_t { sha256, sha384 };
std::size_t digest_size(Digest d) noexcept;  // 32 or 48

// One-shot hash (the transcript hash of RFC 8446 4.4.1).
std::vector<std::uint8_t> digest(Digest d, std::span<const std::uint8_t> data);
// HMAC(key, data) (RFC 2104).
SecureBytes hmac(Digest d, std::span<const std::uint8_t> key, std::span<const std::uint8_t> data);

// HKDF-Extract(salt, IKM) -> PRK of digest_size(d) bytes (RFC 5869 2.2). An empty salt means
// digest_size zero bytes.
Result<SecureBytes> hkdf_extract(Digest d, std::span<const std::uint8_t> salt, std::span<const std::uint8_t> ikm);
// HKDF-Expand(PRK, info, L) (RFC 5869 2.3); L <= 255 * digest_size.
Result<SecureBytes> hkdf_expand(Digest d, std::span<const std::uint8_t> prk, std::span<const std::uint8_t> info,
                                std::size_t length);
// HKDF-Expand-Label(Secret, Label, Context, Length) with the "tls13 " prefix (RFC 8446 7.1).
Result<SecureBytes> hkdf_expand_label(Digest d, std::span<const std::uint8_t> secret, std::string_view label,
                                      std::span<const std::uint8_t> context, std::size_t length);
// PRF(secret, label, seed) = P_<hash>(secret, label || seed) truncated to `length` (RFC 5246 5).
Result<SecureBytes> tls12_prf(Digest d, std::span<const std::uint8_t> secret, std::string_view label,
                              std::span<const std::uint8_t> seed, std::size_t length);

}  // namespace sotto::crypto
