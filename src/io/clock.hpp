#pragma once
// Clock: where io code and features read the time, so tests can substitute a FakeClock.
//
//   io::SystemClock clock;
//   io::Timestamp now = clock.now();
//   core.handle_timeout(now);

#include <chrono>

#include "base/time.hpp"

namespace sotto::io {

using sotto::Duration;   // base/time.hpp: one Timestamp for every layer
using sotto::Timestamp;

class Clock {
 public:
  virtual ~Clock() = default;
  virtual Timestamp now() const = 0;
};

}  // namespace sotto::io
