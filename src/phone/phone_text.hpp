#pragma once
// Small helpers shared by phone.cpp and phone_calls.cpp: transport names as SIP writes them (Via) and
// seconds from the command line as timer durations.
//
//   progress(fmt::format("over {}", transport_name(io::TransportKind::tls)));   // "over TLS"
//   timer.arm(now + millis(opts.duration_s), ...);

#include <chrono>
#include <string>

#include "io/transport_kind.hpp"

namespace sotto::phone {

inline std::string transport_name(io::TransportKind k) {
  switch (k) {
    case io::TransportKind::udp: return "UDP";
    case io::TransportKind::tcp: return "TCP";
    case io::TransportKind::tls: return "TLS";
  }
  return "?";
}

inline std::chrono::milliseconds millis(double seconds) {
  return std::chrono::milliseconds(static_cast<long>(seconds * 1000));
}

}  // namespace sotto::phone
