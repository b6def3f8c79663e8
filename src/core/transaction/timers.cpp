#include "core/transaction/timers.hpp"

namespace sotto::sip::txn {

char timer_name(TransactionTimer t) noexcept {
  static constexpr char kNames[] = "ABDEFGHIJKLM1";
  return kNames[static_cast<std::size_t>(t)];
}

std::optional<TimerTable::Due> TimerTable::next() const noexcept {
  std::optional<Due> best;
  for (std::size_t i = 0; i < at_.size(); ++i) {
    if (at_[i] && (!best || *at_[i] < best->when)) best = Due{static_cast<TransactionTimer>(i), *at_[i]};
  }
  return best;
}

std::optional<TransactionTimer> TimerTable::pop_expired(Timestamp now) noexcept {
  auto n = next();
  if (!n || n->when > now) return std::nullopt;
  at_[index(n->timer)].reset();
  return n->timer;
}

}  // namespace sotto::sip::txn
