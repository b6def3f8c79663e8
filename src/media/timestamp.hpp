#pragma once
// Time in the media plane: a steady-clock instant passed in by the caller, never read here.
//
//   media::Timestamp now = start + 20ms * frame;     // tests step virtual time
//   session.poll_transmit(now);
//   auto deadline = session.next_timeout();          // io arms a timer for it

#include <chrono>

#include "base/time.hpp"

namespace sotto::media {

using sotto::Duration;   // base/time.hpp: one Timestamp for every layer
using sotto::Timestamp;

}  // namespace sotto::media
