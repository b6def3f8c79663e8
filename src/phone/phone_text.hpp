#pragma once
// Small helpers shared by phone.cpp and phone_calls.cpp: seconds from the command line as timer durations.
// (Transport names: sip::transport_name, found by ADL on io::TransportKind = sip::Transport.)
//
//   timer.arm(now + millis(opts.duration_s), ...);

#include <chrono>
#include <string>

#include "io/transport_kind.hpp"

namespace sotto::phone {

inline std::chrono::milliseconds millis(double seconds) {
  return std::chrono::milliseconds(static_cast<long>(seconds * 1000));
}

}  // namespace sotto::phone
