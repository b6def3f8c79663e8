// Tag comparison in time independent of where the first difference is.

#include "crypto/constant_time.hpp"

#include <openssl/crypto.h>

namespace sotto::crypto {

bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept {
  // Lengths are public (tag length comes from the negotiated suite), so an early return leaks nothing.
  if (a.size() != b.size()) return false;
  if (a.empty()) return true;
  return CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace sotto::crypto
