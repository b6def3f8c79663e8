#pragma once
// Locator: RFC 3263 server location as a sans-IO state machine; the caller runs the DNS queries it asks for.
//
//   Locator loc(seeded_uniform_random(seed));
//   auto step = loc.start(parse_uri("sip:bob@example.com").value(), TransportMode::dns);
//   while (step && std::holds_alternative<DnsQuery>(*step)) step = loc.on_answer(run(std::get<DnsQuery>(*step)));
//   // now step holds std::vector<Target> (most preferred first) or an Error ("no SRV or A/AAAA record for ...")

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "base/result.hpp"
#include "core/locate/dns_record.hpp"
#include "core/locate/locate_plan.hpp"
#include "core/locate/naptr_selection.hpp"
#include "core/locate/srv_order.hpp"
#include "core/locate/target.hpp"
#include "core/locate/transport_mode.hpp"
#include "core/sip/uri.hpp"

namespace sotto::locate {

// Which address records to ask for, and which family to try first for each host.
enum class AddressFamilies : std::uint8_t { ipv4, ipv6, ipv4_then_ipv6, ipv6_then_ipv4 };

struct LocatorOptions {
  // IPv4 first by default: an unanswered UDP request to an unreachable IPv6 address only fails over
  // after Timer B/F (32 s), while a broken IPv4 path is rarer on SIP deployments.
  AddressFamilies families = AddressFamilies::ipv4_then_ipv6;
  // Bound on queries per location (a NAPTR RRset can name many SRV sets, each naming many hosts).
  std::size_t max_queries = 32;
  // A timeout while the transport is still being decided (NAPTR, SRV) ends the search with an error,
  // instead of quietly falling back to A records and UDP: a dropped answer must not cause a downgrade.
  bool timeout_is_fatal = true;
};

// The next thing to do: run this query, or done with the targets in failover order (RFC 3263 4.3).
using LocateStep = std::variant<DnsQuery, std::vector<Target>>;

class Locator {
 public:
  explicit Locator(UniformRandom random, LocatorOptions options = {});

  // Plans (RFC 3263 4.1) and returns the first query, or the targets right away for an IP address.
  Result<LocateStep> start(const sip::Uri& uri, TransportMode mode);
  // The records answering the pending query. Records of the queried type count as the answer whatever their
  // owner name (a resolver may have followed a CNAME); others are kept as additional data for later queries.
  Result<LocateStep> on_answer(std::span<const DnsRecord> records);
  Result<LocateStep> on_failure(DnsFailure failure);

  const LocatePlan& plan() const noexcept { return plan_; }
  const std::optional<DnsQuery>& pending() const noexcept { return pending_; }
  std::size_t queries_made() const noexcept { return queries_made_; }

 private:
  enum class Stage : std::uint8_t { idle, naptr, srv, address, done };
  struct Hop {
    Transport transport;
    std::string host;
    std::uint16_t port;
  };
  struct Answer {
    DnsQuery query;
    std::vector<DnsRecord> records;
  };

  Result<LocateStep> advance();
  std::optional<std::vector<DnsRecord>> known(const DnsQuery& q) const;
  void use_naptr(const std::vector<DnsRecord>& records);
  void use_srv(const SrvLookup& lookup, const std::vector<DnsRecord>& records);
  void plan_addresses();
  Result<LocateStep> finish();
  Result<LocateStep> fail_with(Errc code, std::string context);

  UniformRandom random_;
  LocatorOptions options_;
  LocatePlan plan_;
  Stage stage_ = Stage::idle;
  std::optional<DnsQuery> pending_;
  std::size_t queries_made_ = 0;
  std::vector<Answer> answers_;
  std::vector<DnsRecord> additional_;
  std::vector<SrvLookup> srv_lookups_;
  std::size_t srv_index_ = 0;
  std::vector<Hop> hops_;
  bool hops_from_srv_ = false;
  std::vector<DnsQuery> address_queries_;
  std::size_t address_index_ = 0;
  std::vector<std::string> notes_;   // failures seen, for the final error
};

}  // namespace sotto::locate
