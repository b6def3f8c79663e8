#pragma once
// Time: a monotonic instant, the one currency of every deadline handed to or taken from a sans-IO core.
// Cores take it as a parameter; io reads it from a Clock (io/clock.hpp); tests step it by hand.
//
//   Timestamp now = Timestamp{} + 1h;             // virtual time in a test
//   core.handle_timeout(now + 500ms);

#include <chrono>

namespace sotto {

using Timestamp = std::chrono::steady_clock::time_point;
using Duration = std::chrono::steady_clock::duration;

}  // namespace sotto
