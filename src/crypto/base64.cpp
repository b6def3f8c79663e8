// Base64 (RFC 4648 section 4). Decoding is strict about characters and lengths but lets the '='
// padding be omitted, since SDES peers differ (RFC 4568 inline keys are usually padded).

#include "crypto/base64.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <string>

namespace sotto::crypto {
namespace {

constexpr std::array<std::int8_t, 256> make_table() {
  std::array<std::int8_t, 256> t{};
  for (auto& v : t) v = -1;
  const char* alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  for (int i = 0; i < 64; ++i) t[static_cast<unsigned char>(alphabet[i])] = static_cast<std::int8_t>(i);
  return t;
}
constexpr std::array<std::int8_t, 256> kDecode = make_table();

std::string describe(char c) {
  const auto u = static_cast<unsigned char>(c);
  char buf[16];
  if (u >= 0x21 && u < 0x7f) {
    std::snprintf(buf, sizeof buf, "'%c'", c);
  } else {
    std::snprintf(buf, sizeof buf, "0x%02x", u);
  }
  return buf;
}

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f' || c == '\v'; }

}  // namespace

std::string base64_encode(std::span<const std::uint8_t> bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  // EVP_EncodeBlock takes an int length; go in whole 3-byte groups so padding appears only at the end.
  constexpr std::size_t kIn = 3 * 256;
  unsigned char buf[kIn / 3 * 4 + 1];  // +1 for the NUL EVP_EncodeBlock appends
  for (std::size_t off = 0; off < bytes.size(); off += kIn) {
    const std::size_t n = std::min(kIn, bytes.size() - off);
    const int len = EVP_EncodeBlock(buf, bytes.data() + off, static_cast<int>(n));
    out.append(reinterpret_cast<const char*>(buf), static_cast<std::size_t>(len));
  }
  return out;
}

Result<SecureBytes> base64_decode(std::string_view text) {
  std::size_t n = text.size();
  std::size_t pad = 0;
  while (n > 0 && text[n - 1] == '=') {
    --n;
    ++pad;
  }
  if (pad > 2) {
    return fail(Errc::malformed_input, "base64: " + std::to_string(pad) + " '=' padding characters at offset " +
                                           std::to_string(n) + ", at most 2 allowed");
  }
  for (std::size_t i = 0; i < n; ++i) {
    const char c = text[i];
    if (kDecode[static_cast<unsigned char>(c)] >= 0) continue;
    if (c == '=')
      return fail(Errc::malformed_input, "base64: '=' padding at offset " + std::to_string(i) + " is not at the end");
    if (is_space(c))
      return fail(Errc::malformed_input, "base64: whitespace " + describe(c) + " at offset " + std::to_string(i));
    return fail(Errc::malformed_input, "base64: invalid character " + describe(c) + " at offset " + std::to_string(i));
  }
  // Each 4 characters carry 3 bytes; a final group of 1 character carries no whole byte.
  if (n % 4 == 1) {
    return fail(Errc::malformed_input, "base64: length " + std::to_string(n) +
                                           " is impossible (a lone character at offset " + std::to_string(n - 1) + ")");
  }
  if (pad != 0 && (n + pad) % 4 != 0) {
    return fail(Errc::malformed_input,
                "base64: padding at offset " + std::to_string(n) + " does not complete a 4-character group");
  }

  const std::size_t rem = n % 4;
  SecureBytes out(n / 4 * 3 + (rem == 0 ? 0 : rem - 1));
  const auto v = [&](std::size_t i) {
    return static_cast<std::uint32_t>(kDecode[static_cast<unsigned char>(text[i])]);
  };
  std::size_t o = 0;
  std::size_t i = 0;
  for (; i + 4 <= n; i += 4) {
    const std::uint32_t w = (v(i) << 18) | (v(i + 1) << 12) | (v(i + 2) << 6) | v(i + 3);
    out[o++] = static_cast<std::uint8_t>(w >> 16);
    out[o++] = static_cast<std::uint8_t>(w >> 8);
    out[o++] = static_cast<std::uint8_t>(w);
  }
  // Leftover bits of a short final group are ignored (RFC 4648 3.5 allows either choice).
  if (rem >= 2) {
    std::uint32_t w = (v(i) << 18) | (v(i + 1) << 12);
    if (rem == 3) w |= v(i + 2) << 6;
    out[o++] = static_cast<std::uint8_t>(w >> 16);
    if (rem == 3) out[o++] = static_cast<std::uint8_t>(w >> 8);
  }
  return out;
}

}  // namespace sotto::crypto
