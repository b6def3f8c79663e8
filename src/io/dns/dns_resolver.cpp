#include "io/dns/dns_resolver.hpp"

#include <asio/post.hpp>
#include <random>

#include "core/sip/host.hpp"
#include "io/dns/ares_channel.hpp"

namespace sotto::io::dns {

using locate::DnsQuery;
using locate::LocateStep;
using locate::RecordType;
using locate::Target;

Result<std::unique_ptr<DnsResolver>> DnsResolver::create(asio::io_context& io, DnsResolverOptions options) {
  auto channel = AresChannel::create(io, options);
  if (!channel) return Unexpected(channel.error());
  if (!options.random) options.random = locate::seeded_uniform_random((std::uint64_t{std::random_device{}()} << 32) |
                                                                      std::random_device{}());
  return std::unique_ptr<DnsResolver>(new DnsResolver(io, std::move(options), std::move(*channel)));
}

DnsResolver::DnsResolver(asio::io_context& io, DnsResolverOptions options, std::unique_ptr<AresChannel> channel)
    : io_(io), options_(std::move(options)), channel_(std::move(channel)) {}

DnsResolver::~DnsResolver() {
  alive_.reset();
  jobs_.clear();
  channel_.reset();
}

void DnsResolver::cancel(OperationId id) { jobs_.erase(id); }

void DnsResolver::cancel_all() {
  jobs_.clear();
  channel_->cancel_all();
}

void DnsResolver::ask(OperationId id, const DnsQuery& q) {
  channel_->send(q, [this, alive = std::weak_ptr<int>(alive_), id](DnsOutcome outcome) {
    if (alive.expired()) return;
    auto it = jobs_.find(id);
    if (it == jobs_.end()) return;   // cancelled
    auto next = it->second.on_outcome;   // a copy: the continuation may replace it
    next(std::move(outcome));
  });
}

void DnsResolver::finish(OperationId id, std::function<void()> deliver) {
  asio::post(io_, [this, alive = std::weak_ptr<int>(alive_), id, deliver = std::move(deliver)] {
    if (alive.expired() || jobs_.erase(id) == 0) return;   // destroyed or cancelled meanwhile
    deliver();
  });
}

DnsResolver::OperationId DnsResolver::query(const DnsQuery& q, QueryCallback done) {
  const OperationId id = ++next_id_;
  jobs_[id].on_outcome = [this, id, done = std::move(done)](DnsOutcome outcome) {
    jobs_.erase(id);   // `done` lives on in the caller's copy of this function
    done(std::move(outcome));
  };
  ask(id, q);
  return id;
}

DnsResolver::OperationId DnsResolver::locate(const sip::Uri& uri, locate::TransportMode mode, LocateCallback done) {
  const OperationId id = ++next_id_;
  jobs_[id];
  auto locator = std::make_shared<locate::Locator>(options_.random, options_.locator);
  auto step = locator->start(uri, mode);
  drive(id, locator, std::make_shared<LocateCallback>(std::move(done)), std::move(step));
  return id;
}

void DnsResolver::drive(OperationId id, const std::shared_ptr<locate::Locator>& locator,
                        const std::shared_ptr<LocateCallback>& done, Result<LocateStep> step) {
  if (!step) {
    finish(id, [done, e = step.error()] { (*done)(Unexpected(e)); });
    return;
  }
  if (auto* q = std::get_if<DnsQuery>(&*step)) {
    jobs_[id].on_outcome = [this, id, locator, done](DnsOutcome outcome) {
      auto next = outcome ? locator->on_answer(*outcome) : locator->on_failure(outcome.error());
      drive(id, locator, done, std::move(next));
    };
    ask(id, *q);
    return;
  }
  finish(id, [done, targets = std::get<std::vector<Target>>(std::move(*step))]() mutable {
    (*done)(std::move(targets));
  });
}

DnsResolver::OperationId DnsResolver::resolve_addresses(const std::string& host, AddressCallback done) {
  const OperationId id = ++next_id_;
  jobs_[id];
  auto shared_done = std::make_shared<AddressCallback>(std::move(done));
  std::string name = host;
  if (name.size() > 2 && name.front() == '[' && name.back() == ']') name = name.substr(1, name.size() - 2);
  if (sip::is_ipv4_address(name) || sip::is_ipv6_address(name)) {
    finish(id, [shared_done, name] { (*shared_done)(std::vector<std::string>{name}); });
    return id;
  }

  std::vector<RecordType> types;
  switch (options_.locator.families) {
    case locate::AddressFamilies::ipv4: types = {RecordType::a}; break;
    case locate::AddressFamilies::ipv6: types = {RecordType::aaaa}; break;
    case locate::AddressFamilies::ipv4_then_ipv6: types = {RecordType::a, RecordType::aaaa}; break;
    case locate::AddressFamilies::ipv6_then_ipv4: types = {RecordType::aaaa, RecordType::a}; break;
  }
  struct State {
    std::vector<RecordType> types;
    std::size_t index = 0;
    std::vector<std::string> addresses;
    std::string failures;
  };
  auto state = std::make_shared<State>(State{std::move(types), 0, {}, {}});
  auto step = std::make_shared<std::function<void()>>();
  // Ask the next family, or deliver; `step` refers to itself only through the job, so it dies with it.
  *step = [this, id, name, state, shared_done, weak_step = std::weak_ptr<std::function<void()>>(step)] {
    if (state->index == state->types.size()) {
      if (state->addresses.empty()) {
        finish(id, [shared_done, name, f = state->failures] {
          (*shared_done)(fail(Errc::not_found, "no A/AAAA record for " + name + f));
        });
      } else {
        finish(id, [shared_done, a = state->addresses] { (*shared_done)(a); });
      }
      return;
    }
    const DnsQuery q{state->types[state->index], name};
    auto self = weak_step.lock();
    jobs_[id].on_outcome = [state, q, self](DnsOutcome outcome) {
      if (outcome) {
        for (const auto& r : *outcome) state->addresses.push_back(std::get<locate::AddressRecord>(r).address);
      } else if (outcome.error() != locate::DnsFailure::nxdomain && outcome.error() != locate::DnsFailure::no_data) {
        state->failures += " (" + locate::to_string(q) + ": " + std::string(locate::to_string(outcome.error())) + ")";
      }
      ++state->index;
      (*self)();
    };
    ask(id, q);
  };
  (*step)();
  return id;
}

}  // namespace sotto::io::dns
