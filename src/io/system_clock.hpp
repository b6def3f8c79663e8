#pragma once
// SystemClock: the real monotonic clock (std::chrono::steady_clock).
//
//   io::SystemClock clock;
//   io::Timer timer(io_context, clock);
//   timer.arm(clock.now() + std::chrono::milliseconds(500), [](io::Timestamp) { /* ... */ });

#include "io/clock.hpp"

namespace sotto::io {

class SystemClock final : public Clock {
 public:
  Timestamp now() const override;
};

// One process-wide SystemClock, for code given no clock.
const Clock& system_clock();

}  // namespace sotto::io
