#pragma once
// CallSchedule: every deadline the phone keeps, as data (one enum, one table), sans-IO. The phone arms
// and cancels kinds, drives ONE io::Timer at next_timeout() and runs what pop_due() hands back.
//
//   CallSchedule s;  s.arm(CallTimer::hold, answered + 5s);  s.arm(CallTimer::duration, answered + 10s);
//   timer.arm(*s.next_timeout(), ...);                      // one io::Timer for all of them
//   while (auto k = s.pop_due(now)) run(*k);               // earliest first; ties in enum order

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

#include "base/time.hpp"

namespace sotto::phone {

// In the order kinds fire when due at the same instant: the SIP stack and registration first (they keep
// transactions and the binding alive), then the call's own timers from its start to its end.
enum class CallTimer : std::size_t {
  sip,           // the user agent's next transaction timer (RFC 3261 17: A..K), ua::UserAgent::next_timeout()
  registration,  // the RegistrationKeeper's one deadline: refresh, back-off, keep-alive, unregister
  setup,         // --timeout: no answer since the call was started
  answer,        // --answer-after: answer a ringing incoming call
  hold,          // --hold-at: re-INVITE a=sendonly
  resume,        // --resume-at: re-INVITE a=sendrecv
  transfer,      // --transfer-at: REFER the peer to --transfer-to (blind transfer)
  duration,      // --duration: hang up (call mode) or stop (register mode)
  bye_wait,      // our BYE was sent: end the call after 5 s even without its response
  linger,        // the last messages leave, then the io_context stops
};
inline constexpr std::size_t kCallTimerCount = 10;

std::string_view name(CallTimer t);

class CallSchedule {
 public:
  // Sets (or replaces) the deadline of `kind`.
  void arm(CallTimer kind, Timestamp at);
  void cancel(CallTimer kind);
  bool armed(CallTimer kind) const { return at_[index(kind)].has_value(); }
  std::optional<Timestamp> deadline(CallTimer kind) const { return at_[index(kind)]; }

  // The earliest armed deadline, if any.
  std::optional<Timestamp> next_timeout() const;
  // The earliest kind due at `now` (deadline <= now; ties in enum order), disarmed as it is returned.
  // One at a time, so that what a fired timer does (cancel another, re-arm) counts before the next.
  std::optional<CallTimer> pop_due(Timestamp now);
  // Every kind due at `now`, in firing order, all disarmed.
  std::vector<CallTimer> handle_timeout(Timestamp now);

 private:
  static constexpr std::size_t index(CallTimer k) { return static_cast<std::size_t>(k); }
  std::array<std::optional<Timestamp>, kCallTimerCount> at_{};
};

}  // namespace sotto::phone
