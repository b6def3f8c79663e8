#pragma once
// order_srv: RFC 2782 target selection, priority first, then weighted random order within a priority.
//
//   UniformRandom random = seeded_uniform_random(42);          // or backed by a CSPRNG / random_device
//   std::vector<SrvRecord> tries = order_srv(records, random);   // the order to try them in
//   // "."-target records are dropped: the service is decidedly not available there

#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "core/locate/dns_record.hpp"

namespace sotto::locate {

// Returns a number uniformly distributed in [0, max_inclusive].
using UniformRandom = std::function<std::uint32_t(std::uint32_t max_inclusive)>;

// A deterministic source for tests and reproducible runs (std::mt19937_64).
UniformRandom seeded_uniform_random(std::uint64_t seed);

// RFC 2782 "Usage rules": sort by priority (lowest first); within one priority, put weight-0 records first,
// draw a number in [0, sum of weights], take the first record whose running sum reaches it, repeat.
std::vector<SrvRecord> order_srv(std::span<const SrvRecord> records, const UniformRandom& random);

}  // namespace sotto::locate
