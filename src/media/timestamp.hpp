#pragma once
// Time in the media plane: a steady-clock instant passed in by the caller, never read here.
//
//   media::Timestamp now = start + 20ms * frame;     // tests step virtual time
//   session.poll_transmit(now);
//   auto deadline = session.next_timeout();          // io arms a timer for it

#include <chrono>

namespace sotto::media {

using Timestamp = std::chrono::steady_clock::time_point;
using Duration = std::chrono::steady_clock::duration;

}  // namespace sotto::media
