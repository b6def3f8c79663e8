#pragma once
// FakeZone (tests only): canned DNS records that answer a Locator's queries, recording what was asked.
//
//   FakeZone zone{{SrvRecord{"_sip._udp.example.com", 10, 0, 5060, "sip.example.com"},
//                  AddressRecord{"sip.example.com", "192.0.2.1"}}};
//   auto targets = zone.run(locator, uri("sip:bob@example.com"), TransportMode::dns);   // zone.asked lists queries

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "core/locate/dns_name.hpp"
#include "core/locate/locator.hpp"

namespace sotto::locate::testing {

inline sip::Uri uri(std::string_view text) { return sip::parse_uri(text).value(); }

struct FakeZone {
  FakeZone() = default;
  explicit FakeZone(std::vector<DnsRecord> rrs) : records(std::move(rrs)) {}

  std::vector<DnsRecord> records;
  std::map<std::string, DnsFailure> failures;   // to_string(query) -> failure, e.g. "NAPTR example.com"
  std::map<std::string, std::vector<DnsRecord>> extra;   // additional records sent along with an answer
  std::vector<std::string> asked;

  Result<std::vector<Target>> run(Locator& locator, const sip::Uri& u, TransportMode mode) {
    auto step = locator.start(u, mode);
    while (step && std::holds_alternative<DnsQuery>(*step)) {
      const DnsQuery q = std::get<DnsQuery>(*step);
      asked.push_back(to_string(q));
      if (auto f = failures.find(to_string(q)); f != failures.end()) {
        step = locator.on_failure(f->second);
        continue;
      }
      std::vector<DnsRecord> answer;
      for (const DnsRecord& r : records) {
        if (matches(r, q)) answer.push_back(r);
      }
      if (answer.empty()) {
        step = locator.on_failure(DnsFailure::nxdomain);
        continue;
      }
      if (auto e = extra.find(to_string(q)); e != extra.end()) {
        answer.insert(answer.end(), e->second.begin(), e->second.end());
      }
      step = locator.on_answer(answer);
    }
    if (!step) return Unexpected(step.error());
    return std::get<std::vector<Target>>(std::move(*step));
  }

  static bool matches(const DnsRecord& r, const DnsQuery& q) {
    if (auto* n = std::get_if<NaptrRecord>(&r)) return q.type == RecordType::naptr && same_dns_name(n->name, q.name);
    if (auto* s = std::get_if<SrvRecord>(&r)) return q.type == RecordType::srv && same_dns_name(s->name, q.name);
    const auto& a = std::get<AddressRecord>(r);
    const bool v6 = a.address.find(':') != std::string::npos;
    return q.type == (v6 ? RecordType::aaaa : RecordType::a) && same_dns_name(a.name, q.name);
  }
};

inline std::vector<std::string> strings(const std::vector<Target>& targets) {
  std::vector<std::string> out;
  for (const Target& t : targets) out.push_back(to_string(t));
  return out;
}

}  // namespace sotto::locate::testing
