#pragma once
// select_naptr: which SRV names a NAPTR RRset points at, for the transports we support (RFC 3263 4.1).
//
//   auto srv = select_naptr(naptr_records, {Transport::tls, Transport::tcp, Transport::udp});
//   // {{tls, "_sips._tcp.example.com"}, {udp, "_sip._udp.example.com"}}: lowest ORDER, by PREFERENCE
//   if (srv.empty()) { /* no usable NAPTR: query SRV for each transport instead */ }

#include <span>
#include <string>
#include <vector>

#include "core/locate/dns_record.hpp"
#include "core/locate/transport_mode.hpp"

namespace sotto::locate {

struct SrvLookup {
  Transport transport = Transport::udp;
  std::string name;   // "_sips._tcp.example.com"
  friend bool operator==(const SrvLookup&, const SrvLookup&) = default;
};

// Keeps records whose flags are "s", whose services is SIP+D2U, SIP+D2T or SIPS+D2T for a transport in
// `supported`, with an empty regexp and a replacement. RFC 3403 4.1: once a usable record is found, records
// of a different ORDER are not considered; within that ORDER, lowest PREFERENCE first.
std::vector<SrvLookup> select_naptr(std::span<const NaptrRecord> records, std::span<const Transport> supported);

}  // namespace sotto::locate
