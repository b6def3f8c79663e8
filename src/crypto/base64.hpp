#pragma once
// Base64 (RFC 4648 section 4 alphabet) as SDES inline keys use it.
//
//   std::string b64 = crypto::base64_encode(key_and_salt.span());          // padded
//   auto bytes = crypto::base64_decode("WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz");   // padding optional

#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "base/result.hpp"
#include "base/secure_bytes.hpp"

namespace sotto::crypto {

std::string base64_encode(std::span<const std::uint8_t> bytes);
// Accepts input with or without '=' padding (peers differ). Rejects other characters, embedded
// whitespace and impossible lengths with an error naming the offset/fault. Output is SecureBytes because
// the usual payload is key material.
Result<SecureBytes> base64_decode(std::string_view text);

}  // namespace sotto::crypto
