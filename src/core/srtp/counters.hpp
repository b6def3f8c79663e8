#pragma once
// Counters: what a Context has done, one field per outcome.
//
//   const Counters& c = rx.counters();
//   fmt::print("auth failures {} replays {}\n", c.auth_failures, c.replays);

#include <cstdint>

namespace sotto::srtp {

struct Counters {
  std::uint64_t rtp_packets = 0;    // protected (outbound) or accepted (inbound)
  std::uint64_t rtcp_packets = 0;
  std::uint64_t auth_failures = 0;
  std::uint64_t replays = 0;
  std::uint64_t too_old = 0;
  std::uint64_t truncated = 0;
  std::uint64_t malformed = 0;
  std::uint64_t unknown_mki = 0;
  std::uint64_t key_exhausted = 0;
  std::uint64_t no_room = 0;
  std::uint64_t crypto_failures = 0;
  std::uint64_t wrong_direction = 0;
  std::uint64_t streams_created = 0;
  std::uint64_t key_derivations = 0; // session keys derived for a KDR epoch other than 0 (RFC 3711 4.3.1)

  friend bool operator==(const Counters&, const Counters&) = default;
};

}  // namespace sotto::srtp
