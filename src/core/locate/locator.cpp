#include "core/locate/locator.hpp"

#include <algorithm>
#include <utility>

#include "core/locate/dns_name.hpp"
#include "core/sip/host.hpp"

namespace sotto::locate {
namespace {

RecordType type_of(const DnsRecord& r) {
  if (std::holds_alternative<NaptrRecord>(r)) return RecordType::naptr;
  if (std::holds_alternative<SrvRecord>(r)) return RecordType::srv;
  return std::get<AddressRecord>(r).address.find(':') == std::string::npos ? RecordType::a : RecordType::aaaa;
}

const std::string& name_of(const DnsRecord& r) {
  return std::visit([](const auto& rec) -> const std::string& { return rec.name; }, r);
}

bool is_ip(std::string_view host) { return sip::is_ipv4_address(host) || sip::is_ipv6_address(host); }

std::vector<RecordType> family_order(AddressFamilies f) {
  switch (f) {
    case AddressFamilies::ipv4: return {RecordType::a};
    case AddressFamilies::ipv6: return {RecordType::aaaa};
    case AddressFamilies::ipv4_then_ipv6: return {RecordType::a, RecordType::aaaa};
    case AddressFamilies::ipv6_then_ipv4: return {RecordType::aaaa, RecordType::a};
  }
  return {RecordType::a};
}

template <class T>
std::vector<T> only(const std::vector<DnsRecord>& records) {
  std::vector<T> out;
  for (const DnsRecord& r : records) {
    if (auto* p = std::get_if<T>(&r)) out.push_back(*p);
  }
  return out;
}

}  // namespace

Locator::Locator(UniformRandom random, LocatorOptions options)
    : random_(std::move(random)), options_(options) {}

Result<LocateStep> Locator::start(const sip::Uri& uri, TransportMode mode) {
  auto plan = make_plan(uri, mode);
  if (!plan) return Unexpected(plan.error());
  *this = Locator(std::move(random_), options_);
  plan_ = std::move(*plan);
  if (plan_.query_naptr) {
    stage_ = Stage::naptr;
  } else {
    for (Transport t : plan_.transports) srv_lookups_.push_back({t, join_dns_name(srv_prefix(t), plan_.target)});
    stage_ = Stage::srv;
  }
  return advance();
}

Result<LocateStep> Locator::on_answer(std::span<const DnsRecord> records) {
  if (!pending_) return fail(Errc::invalid_state, "locator: on_answer() without a pending query");
  Answer answer{*std::exchange(pending_, std::nullopt), {}};
  for (const DnsRecord& r : records) {
    if (type_of(r) == answer.query.type) {
      answer.records.push_back(r);
    } else {
      additional_.push_back(r);
    }
  }
  answers_.push_back(std::move(answer));
  return advance();
}

Result<LocateStep> Locator::on_failure(DnsFailure failure) {
  if (!pending_) return fail(Errc::invalid_state, "locator: on_failure() without a pending query");
  DnsQuery q = *std::exchange(pending_, std::nullopt);
  if (failure == DnsFailure::timeout && options_.timeout_is_fatal &&
      (stage_ == Stage::naptr || stage_ == Stage::srv)) {
    return fail_with(Errc::io_error, "no answer from the DNS server for " + to_string(q) +
                                         " (timeout); not falling back to other records for " + plan_.target);
  }
  if (failure != DnsFailure::nxdomain && failure != DnsFailure::no_data) {
    notes_.push_back(to_string(q) + ": " + std::string(to_string(failure)));
  }
  answers_.push_back({std::move(q), {}});
  return advance();
}

std::optional<std::vector<DnsRecord>> Locator::known(const DnsQuery& q) const {
  for (const Answer& a : answers_) {
    if (a.query.type == q.type && same_dns_name(a.query.name, q.name)) return a.records;
  }
  std::vector<DnsRecord> extra;
  for (const DnsRecord& r : additional_) {
    if (type_of(r) == q.type && same_dns_name(name_of(r), q.name)) extra.push_back(r);
  }
  if (extra.empty()) return std::nullopt;
  return extra;
}

Result<LocateStep> Locator::advance() {
  // The records for `q` if known; otherwise asks for it (pending_ set, nullopt returned).
  auto lookup = [this](const DnsQuery& q) -> std::optional<std::vector<DnsRecord>> {
    if (auto r = known(q)) return r;
    if (queries_made_ >= options_.max_queries) {
      notes_.push_back(to_string(q) + ": not asked, over " + std::to_string(options_.max_queries) + " queries");
      answers_.push_back({q, {}});
      return std::vector<DnsRecord>{};
    }
    pending_ = q;
    ++queries_made_;
    return std::nullopt;
  };

  for (;;) {
    switch (stage_) {
      case Stage::idle:
      case Stage::done:
        return fail(Errc::invalid_state, "locator: no location in progress (call start())");
      case Stage::naptr: {
        auto records = lookup({RecordType::naptr, plan_.target});
        if (!records) return LocateStep{*pending_};
        use_naptr(*records);
        stage_ = Stage::srv;
        break;
      }
      case Stage::srv: {
        if (srv_index_ < srv_lookups_.size()) {
          const SrvLookup lookup_of = srv_lookups_[srv_index_];
          auto records = lookup({RecordType::srv, lookup_of.name});
          if (!records) return LocateStep{*pending_};
          use_srv(lookup_of, *records);
          ++srv_index_;
          break;
        }
        plan_addresses();
        stage_ = Stage::address;
        break;
      }
      case Stage::address: {
        while (address_index_ < address_queries_.size()) {
          if (!lookup(address_queries_[address_index_])) return LocateStep{*pending_};
          ++address_index_;
        }
        return finish();
      }
    }
  }
}

// RFC 3263 4.1: NAPTR records for supported services give the SRV names to query, in order. Without
// usable NAPTR records, "the client constructs SRV queries for those transport protocols it supports".
void Locator::use_naptr(const std::vector<DnsRecord>& records) {
  const auto naptr = only<NaptrRecord>(records);
  srv_lookups_ = select_naptr(naptr, plan_.transports);
  if (!naptr.empty() && srv_lookups_.empty()) {
    notes_.push_back("NAPTR " + plan_.target + ": no record for a transport we may use");
  }
  if (srv_lookups_.empty()) {
    for (Transport t : plan_.transports) srv_lookups_.push_back({t, join_dns_name(srv_prefix(t), plan_.target)});
  }
}

// RFC 3263 4.2 / RFC 2782: the SRV RRset in priority and weighted-random order.
void Locator::use_srv(const SrvLookup& lookup, const std::vector<DnsRecord>& records) {
  const auto srv = only<SrvRecord>(records);
  const auto ordered = order_srv(srv, random_);
  if (!srv.empty() && ordered.empty()) notes_.push_back("SRV " + lookup.name + ": service not available (\".\")");
  for (const SrvRecord& r : ordered) {
    if (r.port == 0) continue;   // nothing can be reached there
    Hop hop{lookup.transport, normalize_dns_name(r.target), r.port};
    const bool dup = std::any_of(hops_.begin(), hops_.end(), [&](const Hop& h) {
      return h.transport == hop.transport && h.host == hop.host && h.port == hop.port;
    });
    if (!dup) hops_.push_back(std::move(hop));
  }
  hops_from_srv_ = !hops_.empty();
}

// RFC 3263 4.2: no SRV records -> the target itself, at the URI's port or the transport's default.
void Locator::plan_addresses() {
  if (hops_.empty()) {
    for (Transport t : plan_.fallback) hops_.push_back({t, plan_.target, plan_.port.value_or(default_port(t))});
  }
  for (const Hop& hop : hops_) {
    if (is_ip(hop.host)) continue;
    for (RecordType type : family_order(options_.families)) {
      DnsQuery q{type, hop.host};
      if (std::find(address_queries_.begin(), address_queries_.end(), q) == address_queries_.end()) {
        address_queries_.push_back(std::move(q));
      }
    }
  }
}

Result<LocateStep> Locator::finish() {
  std::vector<Target> targets;
  auto add = [&](const Hop& hop, const std::string& address) {
    Target t{hop.transport, hop.host, address, hop.port, plan_.server_name};
    if (std::find(targets.begin(), targets.end(), t) == targets.end()) targets.push_back(std::move(t));
  };
  for (const Hop& hop : hops_) {
    if (is_ip(hop.host)) {
      add(hop, hop.host);
      continue;
    }
    for (RecordType type : family_order(options_.families)) {
      const auto records = known({type, hop.host}).value_or(std::vector<DnsRecord>{});
      for (const AddressRecord& r : only<AddressRecord>(records)) {
        const bool valid = type == RecordType::a ? sip::is_ipv4_address(r.address) : sip::is_ipv6_address(r.address);
        if (valid) add(hop, r.address);
      }
    }
  }
  if (!targets.empty()) {
    stage_ = Stage::done;
    return LocateStep{std::move(targets)};
  }

  std::string what;
  if (hops_from_srv_) {
    what = "no A/AAAA record for";
    for (std::size_t i = 0; i < hops_.size(); ++i) what += (i ? ", " : " ") + hops_[i].host;
    what += " (the SRV targets for " + plan_.target + ")";
  } else if (!srv_lookups_.empty()) {
    what = "no SRV or A/AAAA record for " + plan_.target;
  } else {
    what = "no A/AAAA record for " + plan_.target;
  }
  return fail_with(Errc::not_found, std::move(what));
}

Result<LocateStep> Locator::fail_with(Errc code, std::string context) {
  stage_ = Stage::done;
  if (!notes_.empty()) {
    context += " (";
    for (std::size_t i = 0; i < notes_.size(); ++i) context += (i ? "; " : "") + notes_[i];
    context += ")";
  }
  return fail(code, std::move(context));
}

}  // namespace sotto::locate
