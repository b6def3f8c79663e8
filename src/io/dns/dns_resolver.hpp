#pragma once
// DnsResolver: RFC 3263 server location and plain lookups over c-ares, on an Asio io_context.
//
//   auto dns = io::dns::DnsResolver::create(io_context, {.servers = {"127.0.0.1:5353"}}).value();
//   dns->locate(parse_uri("sip:bob@example.test").value(), locate::TransportMode::dns,
//               [](Result<std::vector<locate::Target>> t) { /* most preferred first, or an Error */ });

#include <asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/result.hpp"
#include "core/locate/locator.hpp"
#include "core/sip/uri.hpp"
#include "io/dns/ares_reply.hpp"
#include "io/dns/dns_resolver_options.hpp"

namespace sotto::io::dns {

class AresChannel;

// Every callback runs on the io_context thread, after the call that started it has returned, at most once,
// and never after cancel() of its id, cancel_all() or the resolver's destruction. Not thread-safe: use the
// resolver from the io_context thread only.
class DnsResolver {
 public:
  using OperationId = std::uint64_t;
  using QueryCallback = std::function<void(DnsOutcome)>;
  using AddressCallback = std::function<void(Result<std::vector<std::string>>)>;
  using LocateCallback = std::function<void(Result<std::vector<locate::Target>>)>;

  // Fails on an unusable option (bad server entry, no servers and no explicit use_system_config, ...).
  static Result<std::unique_ptr<DnsResolver>> create(asio::io_context& io, DnsResolverOptions options);
  DnsResolver(const DnsResolver&) = delete;
  DnsResolver& operator=(const DnsResolver&) = delete;
  ~DnsResolver();

  // RFC 3263: NAPTR / SRV / A / AAAA as the Locator asks, then the targets in failover order.
  OperationId locate(const sip::Uri& uri, locate::TransportMode mode, LocateCallback done);
  // A and AAAA (per options.locator.families) of a host name; an IP literal comes back as is.
  OperationId resolve_addresses(const std::string& host, AddressCallback done);
  // One query, answered with the records of its type or why there are none.
  OperationId query(const locate::DnsQuery& query, QueryCallback done);

  void cancel(OperationId id);
  void cancel_all();

 private:
  struct Job {
    std::function<void(DnsOutcome)> on_outcome;   // continuation for the query in flight
  };

  DnsResolver(asio::io_context& io, DnsResolverOptions options, std::unique_ptr<AresChannel> channel);
  void ask(OperationId id, const locate::DnsQuery& q);
  void drive(OperationId id, const std::shared_ptr<locate::Locator>& locator,
             const std::shared_ptr<LocateCallback>& done, Result<locate::LocateStep> step);
  void finish(OperationId id, std::function<void()> deliver);

  asio::io_context& io_;
  DnsResolverOptions options_;
  std::unique_ptr<AresChannel> channel_;
  std::unordered_map<OperationId, Job> jobs_;
  OperationId next_id_ = 0;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace sotto::io::dns
