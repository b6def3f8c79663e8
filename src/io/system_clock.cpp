#include "io/system_clock.hpp"

namespace sotto::io {

Timestamp SystemClock::now() const { return std::chrono::steady_clock::now(); }

const Clock& system_clock() {
  static const SystemClock clock;
  return clock;
}

}  // namespace sotto::io
