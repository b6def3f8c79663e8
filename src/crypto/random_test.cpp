// random_bytes / random_u32 sanity, and constant_time_equal.

#include <gtest/gtest.h>

#include <array>
#include <set>

#include "crypto/constant_time.hpp"
#include "crypto/random.hpp"

namespace sotto::crypto {
namespace {

TEST(Random, BytesAreNotAllZeroAndCallsDiffer) {
  std::array<std::uint8_t, 32> a{};
  std::array<std::uint8_t, 32> b{};
  random_bytes(a);
  random_bytes(b);
  EXPECT_NE(a, (std::array<std::uint8_t, 32>{}));
  EXPECT_NE(a, b);
  random_bytes({});  // empty is a no-op
}

TEST(Random, U32Varies) {
  std::set<std::uint32_t> seen;
  for (int i = 0; i < 16; ++i) seen.insert(random_u32());
  EXPECT_GT(seen.size(), 1u);
}

TEST(ConstantTime, EqualOnlyForSameLengthAndBytes) {
  const std::array<std::uint8_t, 4> a{1, 2, 3, 4};
  const std::array<std::uint8_t, 4> b{1, 2, 3, 5};
  const std::array<std::uint8_t, 3> c{1, 2, 3};
  EXPECT_TRUE(constant_time_equal(a, a));
  EXPECT_FALSE(constant_time_equal(a, b));
  EXPECT_FALSE(constant_time_equal(a, c));
  EXPECT_TRUE(constant_time_equal({}, {}));
}

}  // namespace
}  // namespace sotto::crypto
