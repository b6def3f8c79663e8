#pragma once
// Test helpers: inline keys of a chosen length and the RFC 4568 example keys.
//
//   std::string k = testing::b64_key(30);                      // 40 base64 characters, padded
//   auto a = parse_crypto_attribute("1 AES_CM_128_HMAC_SHA1_80 inline:" + k);
//   std::string u = testing::unpadded(testing::b64_key(46));   // AES-256 key without "=="

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "crypto/base64.hpp"

namespace sotto::sdes::testing {

// RFC 4568 example key-salts (30 bytes each).
inline constexpr std::string_view kRfcKey1 = "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR";
inline constexpr std::string_view kRfcKey2 = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz";
inline constexpr std::string_view kRfcKeyF8a = "MTIzNDU2Nzg5QUJDREUwMTIzNDU2Nzg5QUJjZGVm";
inline constexpr std::string_view kRfcKeyF8b = "QUJjZGVmMTIzNDU2Nzg5QUJDREUwMTIzNDU2Nzg5";

// Bytes first, first+1, ... (mod 256).
inline std::vector<std::uint8_t> key_bytes(std::size_t n, std::uint8_t first = 1) {
  std::vector<std::uint8_t> v(n);
  for (std::size_t i = 0; i < n; ++i) v[i] = static_cast<std::uint8_t>(first + i);
  return v;
}

inline std::string b64_key(std::size_t n, std::uint8_t first = 1) { return crypto::base64_encode(key_bytes(n, first)); }

inline std::string unpadded(std::string s) {
  while (!s.empty() && s.back() == '=') s.pop_back();
  return s;
}

}  // namespace sotto::sdes::testing
