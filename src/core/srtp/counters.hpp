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
  // Sums every field (the counters of a call whose contexts were replaced by re-keying).
  Counters& operator+=(const Counters& o) noexcept {
    rtp_packets += o.rtp_packets;
    rtcp_packets += o.rtcp_packets;
    auth_failures += o.auth_failures;
    replays += o.replays;
    too_old += o.too_old;
    truncated += o.truncated;
    malformed += o.malformed;
    unknown_mki += o.unknown_mki;
    key_exhausted += o.key_exhausted;
    no_room += o.no_room;
    crypto_failures += o.crypto_failures;
    wrong_direction += o.wrong_direction;
    streams_created += o.streams_created;
    key_derivations += o.key_derivations;
    return *this;
  }
};

}  // namespace sotto::srtp
