#include "core/locate/srv_order.hpp"

#include <algorithm>
#include <memory>
#include <random>

namespace sotto::locate {

UniformRandom seeded_uniform_random(std::uint64_t seed) {
  auto engine = std::make_shared<std::mt19937_64>(seed);
  return [engine](std::uint32_t max_inclusive) {
    // Not std::uniform_int_distribution: its output differs between standard libraries, and tests pin it.
    if (max_inclusive == UINT32_MAX) return static_cast<std::uint32_t>((*engine)());
    const std::uint64_t range = std::uint64_t{max_inclusive} + 1;
    const std::uint64_t limit = UINT64_MAX - UINT64_MAX % range;   // reject the biased tail
    std::uint64_t x;
    do {
      x = (*engine)();
    } while (x >= limit);
    return static_cast<std::uint32_t>(x % range);
  };
}

std::vector<SrvRecord> order_srv(std::span<const SrvRecord> records, const UniformRandom& random) {
  std::vector<SrvRecord> pool;
  for (const SrvRecord& r : records) {
    if (r.target.empty() || r.target == ".") continue;
    pool.push_back(r);
  }
  std::stable_sort(pool.begin(), pool.end(),
                   [](const SrvRecord& a, const SrvRecord& b) { return a.priority < b.priority; });

  std::vector<SrvRecord> out;
  out.reserve(pool.size());
  auto group_begin = pool.begin();
  while (group_begin != pool.end()) {
    auto group_end = std::find_if(group_begin, pool.end(),
                                  [&](const SrvRecord& r) { return r.priority != group_begin->priority; });
    std::vector<SrvRecord> group(group_begin, group_end);
    // "arrange all SRV RRs (that have not been ordered yet) in any order, except that all those with
    //  weight 0 are placed at the beginning of the list."
    std::stable_partition(group.begin(), group.end(), [](const SrvRecord& r) { return r.weight == 0; });
    while (!group.empty()) {
      std::uint32_t sum = 0;
      for (const SrvRecord& r : group) sum += r.weight;
      const std::uint32_t pick = group.size() == 1 ? 0 : random(sum);
      std::uint32_t running = 0;
      auto chosen = group.begin();
      for (auto it = group.begin(); it != group.end(); ++it) {
        running += it->weight;
        if (running >= pick) {
          chosen = it;
          break;
        }
      }
      out.push_back(std::move(*chosen));
      group.erase(chosen);
    }
    group_begin = group_end;
  }
  return out;
}

}  // namespace sotto::locate
