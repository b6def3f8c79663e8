#include "io/timer.hpp"

#include <algorithm>

namespace sotto::io {

Timer::Timer(asio::io_context& io, const Clock& clock) : clock_(clock), timer_(io) {}

Timer::~Timer() {
  alive_.reset();
  timer_.cancel();
}

void Timer::arm(Timestamp deadline, Callback cb) {
  deadline_ = deadline;
  cb_ = std::move(cb);
  ++generation_;
  wait();
}

void Timer::cancel() {
  deadline_.reset();
  cb_ = nullptr;
  ++generation_;
  timer_.cancel();
}

void Timer::wait() {
  // The clock may not be steady_clock (FakeClock in tests): wait for the remaining time as the clock
  // sees it, and check the clock again on expiry.
  const Duration remaining = std::max(Duration::zero(), *deadline_ - clock_.now());
  timer_.expires_after(remaining);
  std::weak_ptr<int> alive = alive_;
  const std::uint64_t gen = generation_;
  timer_.async_wait([this, alive, gen](const std::error_code& ec) {
    if (alive.expired() || ec == asio::error::operation_aborted || gen != generation_ || !deadline_) return;
    const Timestamp now = clock_.now();
    if (now < *deadline_) {
      wait();
      return;
    }
    deadline_.reset();
    Callback cb = std::move(cb_);
    cb_ = nullptr;
    if (cb) cb(now);
  });
}

}  // namespace sotto::io
