#pragma once
// LocatePlan: what RFC 3263 4.1/4.2 says to look up for a URI, before any DNS query is made.
//
//   auto plan = make_plan(parse_uri("sips:bob@example.com").value(), TransportMode::dns);
//   // plan->transports == {tls}, plan->query_naptr, plan->target == "example.com"
//   auto bad = make_plan(parse_uri("sips:bob@example.com").value(), TransportMode::udp);  // "sips: URI cannot use UDP ..."

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "core/locate/transport_mode.hpp"
#include "core/sip/uri.hpp"

namespace sotto::locate {

struct LocatePlan {
  std::string target;                   // RFC 3263 4: the maddr if present, else the URI host; no brackets
  std::string server_name;              // the URI host without brackets (RFC 5922 4.1)
  bool numeric = false;                 // target is an IP address: no DNS at all
  bool secure = false;                  // sips: TLS only, never downgraded (RFC 3263 4.1)
  std::optional<std::uint16_t> port;    // explicit port: A/AAAA only (RFC 3263 4.2)
  bool query_naptr = false;             // NAPTR decides the transport (mode dns, no transport=, no port)
  std::vector<Transport> transports;    // SRV lookups to make, in order of our preference
  std::vector<Transport> fallback;      // with A/AAAA of target when no SRV record is usable
};

// RFC 3263 4.1 transport selection combined with the configured TransportMode:
//   mode udp / tcp / tls restricts to that transport; tcp-preferred to TCP then UDP; dns to TLS, TCP, UDP.
//   ;transport= in the URI picks the transport, and must be one the mode allows.
//   sips: allows TLS only; sips with ;transport=tcp means TLS (RFC 3261 26.2.2).
Result<LocatePlan> make_plan(const sip::Uri& uri, TransportMode mode);

}  // namespace sotto::locate
