#pragma once
// Transaction timers as data (RFC 3261 section 17 and Table 4; RFC 6026 timers L and M).
//
//   TimerTable t;
//   t.arm(TransactionTimer::B, now + 64 * cfg.t1);
//   if (auto due = t.next()) io.arm(due->when);     // earliest deadline
//
// Time is a parameter: a steady-clock instant the caller passes in; nothing here reads a clock.

#include <array>
#include <chrono>
#include <optional>

#include "base/time.hpp"

namespace sotto::sip::txn {

using sotto::Duration;   // base/time.hpp: one Timestamp for every layer
using sotto::Timestamp;
using namespace std::chrono_literals;

enum class TransactionTimer : std::uint8_t { A, B, D, E, F, G, H, I, J, K, L, M, Trying100 };
inline constexpr std::size_t kTimerCount = 13;

char timer_name(TransactionTimer t) noexcept;

struct TimerConfig {
  Duration t1 = 500ms;  // RTT estimate
  Duration t2 = 4s;     // maximum retransmit interval for non-INVITE requests and INVITE responses
  Duration t4 = 5s;     // maximum duration a message remains in the network
  Duration trying_delay = 200ms;  // 17.2.1: send 100 Trying if the TU has not answered by then
};

class TimerTable {
 public:
  struct Due {
    TransactionTimer timer;
    Timestamp when;
  };
  void arm(TransactionTimer t, Timestamp when) noexcept { at_[index(t)] = when; }
  void cancel(TransactionTimer t) noexcept { at_[index(t)].reset(); }
  void cancel_all() noexcept { at_.fill(std::nullopt); }
  bool armed(TransactionTimer t) const noexcept { return at_[index(t)].has_value(); }
  // The earliest armed timer.
  std::optional<Due> next() const noexcept;
  // Removes and returns an armed timer whose deadline is <= now (earliest first).
  std::optional<TransactionTimer> pop_expired(Timestamp now) noexcept;

 private:
  static std::size_t index(TransactionTimer t) noexcept { return static_cast<std::size_t>(t); }
  std::array<std::optional<Timestamp>, kTimerCount> at_{};
};

}  // namespace sotto::sip::txn
