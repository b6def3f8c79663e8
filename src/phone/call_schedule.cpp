#include "phone/call_schedule.hpp"

namespace sotto::phone {

static_assert(static_cast<std::size_t>(CallTimer::linger) + 1 == kCallTimerCount);

std::string_view name(CallTimer t) {
  static constexpr std::array<std::string_view, kCallTimerCount> names{
      "sip", "registration", "setup", "answer", "hold", "resume", "transfer", "duration", "bye_wait", "linger"};
  return names[static_cast<std::size_t>(t)];
}

void CallSchedule::arm(CallTimer kind, Timestamp at) { at_[index(kind)] = at; }

void CallSchedule::cancel(CallTimer kind) { at_[index(kind)].reset(); }

std::optional<Timestamp> CallSchedule::next_timeout() const {
  std::optional<Timestamp> best;
  for (const auto& at : at_) {
    if (at && (!best || *at < *best)) best = at;
  }
  return best;
}

std::optional<CallTimer> CallSchedule::pop_due(Timestamp now) {
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < at_.size(); ++i) {
    if (at_[i] && *at_[i] <= now && (!best || *at_[i] < *at_[*best])) best = i;
  }
  if (!best) return std::nullopt;
  at_[*best].reset();
  return static_cast<CallTimer>(*best);
}

std::vector<CallTimer> CallSchedule::handle_timeout(Timestamp now) {
  std::vector<CallTimer> fired;
  while (auto k = pop_due(now)) fired.push_back(*k);
  return fired;
}

}  // namespace sotto::phone
