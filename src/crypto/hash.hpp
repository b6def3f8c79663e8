#pragma once
// One-shot message digests (OpenSSL EVP) for SIP digest authentication (RFC 2617, RFC 8760).
//
//   std::string ha1 = crypto::hex_digest(crypto::Hash::md5, "alice:sotto:secret");
//   std::string h = crypto::hex_digest(crypto::Hash::sha256, "REGISTER:sip:example.com");

#include <string>
#include <string_view>

namespace sotto::crypto {

enum class Hash { md5, sha256, sha512_256 };

// Lower-case hex of the digest of `data`.
std::string hex_digest(Hash h, std::string_view data);

}  // namespace sotto::crypto
