#pragma once
// NonceCounts: the highest nonce-count seen for each nonce in use (RFC 7616 3.4: a server remembers nc
// to detect replays), in bounded memory. When full, the entry used first is forgotten and every nonce
// issued at or before it stops being accepted (its next use is answered stale=true), so forgetting an
// entry can never re-open a replay.
//
//   NonceCounts nc(65536);
//   if (!nc.accept(nonce, issued_secs, 1)) answer_stale();   // replayed or forgotten

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <unordered_map>

namespace sotto::registrar {

class NonceCounts {
 public:
  explicit NonceCounts(std::size_t capacity) : capacity_(capacity == 0 ? 1 : capacity) {}

  // True (and remembered) when `nc` is above every count seen with `nonce` before. `issued` is the
  // nonce's issue time in seconds (from the nonce itself).
  bool accept(const std::string& nonce, std::int64_t issued, std::uint32_t nc) {
    auto it = seen_.find(nonce);
    if (it != seen_.end()) {
      if (nc <= it->second) return false;
      it->second = nc;
      return true;
    }
    if (issued <= floor_) return false;
    while (seen_.size() >= capacity_ && !order_.empty()) {
      auto& [first_issued, first_nonce] = order_.front();
      if (first_issued > floor_) floor_ = first_issued;
      seen_.erase(first_nonce);
      order_.pop_front();
    }
    seen_.emplace(nonce, nc);
    order_.emplace_back(issued, nonce);
    return true;
  }

  // Forgets nonces issued before `oldest_valid` (they are refused as expired anyway).
  void expire(std::int64_t oldest_valid) {
    while (!order_.empty() && order_.front().first < oldest_valid) {
      seen_.erase(order_.front().second);
      order_.pop_front();
    }
  }

  std::size_t size() const noexcept { return seen_.size(); }

 private:
  std::size_t capacity_;
  std::int64_t floor_ = INT64_MIN;
  std::unordered_map<std::string, std::uint32_t> seen_;
  std::deque<std::pair<std::int64_t, std::string>> order_;  // first use order
};

}  // namespace sotto::registrar
