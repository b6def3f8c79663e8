#include "io/system_clock.hpp"

namespace sotto::io {

Timestamp SystemClock::now() const { return std::chrono::steady_clock::now(); }

}  // namespace sotto::io
