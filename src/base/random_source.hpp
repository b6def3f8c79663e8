#pragma once
// RandomSource: where a sans-IO core gets random bytes (SIP tags, Call-IDs, branches, cnonces, SDP
// session ids). Production passes crypto::system_random() (OpenSSL's DRBG); tests pass a seeded
// base/testing/deterministic_random.hpp so that every message a core writes can be predicted.
//
//   ua::UserAgent ua(cfg, crypto::system_random());
//   std::uint32_t r = rng.next_u32();

#include <cstdint>
#include <span>

namespace sotto {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // Fills `out` completely; never fails (an implementation that cannot must abort, not return weak bytes).
  virtual void fill(std::span<std::uint8_t> out) noexcept = 0;

  std::uint32_t next_u32() noexcept {
    std::uint8_t b[4];
    fill(b);
    return static_cast<std::uint32_t>(b[0]) << 24 | static_cast<std::uint32_t>(b[1]) << 16 |
           static_cast<std::uint32_t>(b[2]) << 8 | b[3];
  }
};

}  // namespace sotto
