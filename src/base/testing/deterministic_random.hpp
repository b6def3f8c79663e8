#pragma once
// DeterministicRandom: a seeded RandomSource for tests (SplitMix64). Not for keys, tags or anything a peer
// sees in production: its output is predictable by design.
//
//   DeterministicRandom rng(42);
//   ua::UserAgent ua(cfg, rng);      // the same Call-IDs and tags on every run

#include <cstdint>
#include <span>

#include "base/random_source.hpp"

namespace sotto::testing {

class DeterministicRandom final : public RandomSource {
 public:
  explicit DeterministicRandom(std::uint64_t seed = 0) : state_(seed) {}

  void fill(std::span<std::uint8_t> out) noexcept override {
    for (std::size_t i = 0; i < out.size(); i += 8) {
      std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
      z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
      z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
      z ^= z >> 31;
      for (std::size_t j = 0; j < 8 && i + j < out.size(); ++j) out[i + j] = static_cast<std::uint8_t>(z >> (8 * j));
    }
  }

 private:
  std::uint64_t state_;
};

}  // namespace sotto::testing
