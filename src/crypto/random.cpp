// Random bytes from OpenSSL's DRBG; failure aborts (see random.hpp for why).

#include "crypto/random.hpp"

#include <openssl/rand.h>

#include <algorithm>
#include <climits>
#include <cstdio>
#include <cstdlib>

namespace sotto::crypto {

void random_bytes(std::span<std::uint8_t> out) noexcept {
  std::size_t off = 0;
  while (off < out.size()) {
    // RAND_bytes takes an int length.
    const std::size_t n = std::min<std::size_t>(out.size() - off, INT_MAX);
    if (RAND_bytes(out.data() + off, static_cast<int>(n)) != 1) {
      std::fprintf(stderr, "sotto: fatal: RAND_bytes failed; refusing to continue without randomness\n");
      std::abort();
    }
    off += n;
  }
}

std::uint32_t random_u32() noexcept {
  std::uint8_t b[4];
  random_bytes(b);
  return (std::uint32_t{b[0]} << 24) | (std::uint32_t{b[1]} << 16) | (std::uint32_t{b[2]} << 8) | std::uint32_t{b[3]};
}

namespace {
class SystemRandom final : public RandomSource {
 public:
  void fill(std::span<std::uint8_t> out) noexcept override { random_bytes(out); }
};
}  // namespace

RandomSource& system_random() noexcept {
  static SystemRandom instance;
  return instance;
}

}  // namespace sotto::crypto
