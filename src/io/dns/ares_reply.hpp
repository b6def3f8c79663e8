#pragma once
// Turning c-ares results into the Locator's records: a DNS response for one query, or why there is none.
//
//   DnsOutcome r = parse_reply({RecordType::srv, "_sip._udp.example.com"}, abuf, alen);
//   if (!r) locator.on_failure(r.error()); else locator.on_answer(*r);
//   DnsFailure f = failure_from_ares(ARES_ETIMEOUT);   // DnsFailure::timeout

#include <span>
#include <vector>

#include "base/result.hpp"
#include "core/locate/dns_record.hpp"

namespace sotto::io::dns {

using DnsOutcome = Result<std::vector<locate::DnsRecord>, locate::DnsFailure>;

// The answers of the query's type in a response, owner names set to the queried name (c-ares follows
// CNAMEs for A/AAAA). A response without such answers is no_data; one that does not parse, server_failure.
DnsOutcome parse_reply(const locate::DnsQuery& query, std::span<const unsigned char> response);

// c-ares status codes (ARES_ENOTFOUND, ARES_ETIMEOUT, ...) to DnsFailure.
locate::DnsFailure failure_from_ares(int status) noexcept;

}  // namespace sotto::io::dns
