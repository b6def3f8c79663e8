#pragma once
// Clock: where io code and features read the time, so tests can substitute a FakeClock.
//
//   io::SystemClock clock;
//   io::Timestamp now = clock.now();
//   core.handle_timeout(now);

#include <chrono>

namespace sotto::io {

// Monotonic time, the currency of every deadline handed to or taken from a sans-IO core.
using Timestamp = std::chrono::steady_clock::time_point;
using Duration = std::chrono::steady_clock::duration;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp now() const = 0;
};

}  // namespace sotto::io
