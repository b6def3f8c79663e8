#include "core/registrar/failure_throttle.hpp"

namespace sotto::registrar {

bool FailureThrottle::blocked(Timestamp now, std::string_view ip) {
  auto it = sources_.find(std::string(ip));
  if (it == sources_.end() || !it->second.blocked_until) return false;
  if (now >= *it->second.blocked_until) {
    erase(it);  // the block is over: a fresh start
    return false;
  }
  it->second.last = now;
  ++stats_.dropped;
  return true;
}

bool FailureThrottle::failure(Timestamp now, std::string_view ip) {
  ++stats_.failures;
  if (config_.max_failures == 0) return false;
  std::string key(ip);
  auto it = sources_.find(key);
  if (it == sources_.end()) {
    make_room();
    it = sources_.emplace(std::move(key), Source{now, now, 0, std::nullopt}).first;
  }
  Source& s = it->second;
  if (s.blocked_until) return false;  // already blocked (a request that was in flight)
  if (now - s.window_start > config_.window) {
    s.window_start = now;
    s.failures = 0;
  }
  s.last = now;
  if (++s.failures < config_.max_failures) return false;
  s.blocked_until = now + config_.block_for;
  ++stats_.blocks;
  ++blocked_;
  return true;
}

void FailureThrottle::success(std::string_view ip) {
  auto it = sources_.find(std::string(ip));
  if (it != sources_.end() && !it->second.blocked_until) sources_.erase(it);
}

void FailureThrottle::expire(Timestamp now) {
  for (auto it = sources_.begin(); it != sources_.end();) {
    const Source& s = it->second;
    const bool over = s.blocked_until ? now >= *s.blocked_until : now - s.window_start > config_.window;
    if (over) erase(it++);
    else ++it;
  }
}

void FailureThrottle::make_room() {
  if (sources_.size() < config_.max_sources || sources_.empty()) return;
  // The longest idle source, preferring one that is not blocked (flooding with spoofed addresses must not
  // be a cheap way to lift a block).
  auto victim = sources_.end();
  for (auto it = sources_.begin(); it != sources_.end(); ++it) {
    if (victim == sources_.end()) {
      victim = it;
      continue;
    }
    const bool vb = victim->second.blocked_until.has_value(), ib = it->second.blocked_until.has_value();
    if ((vb && !ib) || (vb == ib && it->second.last < victim->second.last)) victim = it;
  }
  erase(victim);
}

void FailureThrottle::erase(std::unordered_map<std::string, Source>::iterator it) {
  if (it->second.blocked_until) --blocked_;
  sources_.erase(it);
}

ThrottleStats FailureThrottle::stats() const {
  ThrottleStats s = stats_;
  s.tracked = sources_.size();
  s.blocked_now = blocked_;
  return s;
}

}  // namespace sotto::registrar
