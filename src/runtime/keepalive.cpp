#include "runtime/keepalive.hpp"

#include <algorithm>

namespace sotto::runtime {

KeepAlive::KeepAlive(Duration interval, std::function<double()> fraction, Duration pong_timeout)
    : interval_(interval), fraction_(std::move(fraction)), pong_timeout_(pong_timeout) {}

void KeepAlive::schedule_ping(Timestamp now) {
  const double f = std::clamp(fraction_ ? fraction_() : 0.0, 0.0, 1.0);
  const auto span = std::chrono::duration_cast<Duration>(interval_ * 0.2 * f);
  next_ = now + std::chrono::duration_cast<Duration>(interval_ * 0.8) + span;
}

void KeepAlive::start(Timestamp now) {
  awaiting_pong_ = false;
  schedule_ping(now);
}

void KeepAlive::on_pong(Timestamp now) {
  if (!awaiting_pong_) return;  // unsolicited CRLF: nothing to do
  awaiting_pong_ = false;
  ++pongs_;
  schedule_ping(now);
}

KeepAlive::Action KeepAlive::handle_timeout(Timestamp now) {
  if (!next_ || now < *next_) return Action::none;
  if (awaiting_pong_) {
    next_ = std::nullopt;
    awaiting_pong_ = false;
    return Action::dead;
  }
  awaiting_pong_ = true;
  ++pings_;
  next_ = now + pong_timeout_;
  return Action::ping;
}

}  // namespace sotto::runtime
