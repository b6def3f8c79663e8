#pragma once
// FailureThrottle: failed authentication attempts per source address. `max_failures` failures within
// `window` (counted from the first) block the source for `block_for`; while blocked its requests are dropped
// without an answer and counted. A correct answer from an unblocked source clears its count. At most
// `max_sources` addresses are tracked: past that the one idle longest is forgotten (unblocked ones first).
//
//   FailureThrottle t({});
//   if (t.blocked(now, ip)) return drop();            // counted in stats().dropped
//   if (bad) t.failure(now, ip); else t.success(ip);

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/time.hpp"

namespace sotto::registrar {

struct ThrottleConfig {
  unsigned max_failures = 5;                    // 0 disables throttling
  Duration window = std::chrono::seconds(60);
  Duration block_for = std::chrono::seconds(300);
  std::size_t max_sources = 10000;
};

struct ThrottleStats {
  std::uint64_t failures = 0;      // failed attempts counted
  std::uint64_t blocks = 0;        // times a source was blocked
  std::uint64_t dropped = 0;       // requests dropped from blocked sources
  std::size_t blocked_now = 0;     // sources under a block (a block that ran out counts until the source's
                                   // next request or the next expire())
  std::size_t tracked = 0;         // sources in memory
};

class FailureThrottle {
 public:
  explicit FailureThrottle(ThrottleConfig config) : config_(config) {}

  // True when `ip` is blocked at `now` (the request is then counted as dropped).
  bool blocked(Timestamp now, std::string_view ip);
  // Counts a failed attempt; true when this one started a block.
  bool failure(Timestamp now, std::string_view ip);
  void success(std::string_view ip);
  // Forgets sources whose window and block are over.
  void expire(Timestamp now);

  ThrottleStats stats() const;
  std::size_t tracked() const noexcept { return sources_.size(); }

 private:
  struct Source {
    Timestamp window_start{};
    Timestamp last{};
    unsigned failures = 0;
    std::optional<Timestamp> blocked_until;
  };
  void make_room();
  void erase(std::unordered_map<std::string, Source>::iterator it);

  ThrottleConfig config_;
  std::unordered_map<std::string, Source> sources_;
  ThrottleStats stats_;
  std::size_t blocked_ = 0;
};

}  // namespace sotto::registrar
