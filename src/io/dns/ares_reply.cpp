#include "io/dns/ares_reply.hpp"

#include <ares.h>
#include <arpa/inet.h>

#include <array>

namespace sotto::io::dns {
namespace {

using locate::AddressRecord;
using locate::DnsFailure;
using locate::DnsRecord;
using locate::NaptrRecord;
using locate::RecordType;
using locate::SrvRecord;

std::string text(const unsigned char* s) { return s ? std::string(reinterpret_cast<const char*>(s)) : std::string(); }
std::string text(const char* s) { return s ? std::string(s) : std::string(); }

template <class T>
struct AresData {
  T* p = nullptr;
  ~AresData() {
    if (p) ares_free_data(p);
  }
};

DnsOutcome parse_naptr(const locate::DnsQuery& q, const unsigned char* buf, int len) {
  AresData<ares_naptr_reply> data;
  if (int st = ares_parse_naptr_reply(buf, len, &data.p); st != ARES_SUCCESS) {
    return Unexpected(failure_from_ares(st));
  }
  std::vector<DnsRecord> out;
  for (auto* r = data.p; r; r = r->next) {
    out.push_back(NaptrRecord{q.name, r->order, r->preference, text(r->flags), text(r->service), text(r->regexp),
                              text(r->replacement)});
  }
  return out;
}

DnsOutcome parse_srv(const locate::DnsQuery& q, const unsigned char* buf, int len) {
  AresData<ares_srv_reply> data;
  if (int st = ares_parse_srv_reply(buf, len, &data.p); st != ARES_SUCCESS) return Unexpected(failure_from_ares(st));
  std::vector<DnsRecord> out;
  for (auto* r = data.p; r; r = r->next) {
    // RFC 2782: a target of "." means "decidedly not available"; c-ares hands it over as "".
    const bool none = r->host == nullptr || r->host[0] == '\0';
    out.push_back(SrvRecord{q.name, r->priority, r->weight, r->port, none ? std::string(".") : text(r->host)});
  }
  return out;
}

DnsOutcome parse_address(const locate::DnsQuery& q, const unsigned char* buf, int len) {
  constexpr int kMax = 64;
  std::vector<DnsRecord> out;
  std::array<char, INET6_ADDRSTRLEN> str{};
  if (q.type == RecordType::a) {
    std::array<ares_addrttl, kMax> addrs{};
    int n = kMax;
    if (int st = ares_parse_a_reply(buf, len, nullptr, addrs.data(), &n); st != ARES_SUCCESS) {
      return Unexpected(failure_from_ares(st));
    }
    for (int i = 0; i < n; ++i) {
      if (inet_ntop(AF_INET, &addrs[i].ipaddr, str.data(), str.size())) out.push_back(AddressRecord{q.name, str.data()});
    }
  } else {
    std::array<ares_addr6ttl, kMax> addrs{};
    int n = kMax;
    if (int st = ares_parse_aaaa_reply(buf, len, nullptr, addrs.data(), &n); st != ARES_SUCCESS) {
      return Unexpected(failure_from_ares(st));
    }
    for (int i = 0; i < n; ++i) {
      if (inet_ntop(AF_INET6, &addrs[i].ip6addr, str.data(), str.size())) {
        out.push_back(AddressRecord{q.name, str.data()});
      }
    }
  }
  if (out.empty()) return Unexpected(DnsFailure::no_data);
  return out;
}

}  // namespace

DnsOutcome parse_reply(const locate::DnsQuery& query, std::span<const unsigned char> response) {
  const auto* buf = response.data();
  const int len = static_cast<int>(response.size());
  switch (query.type) {
    case RecordType::naptr: return parse_naptr(query, buf, len);
    case RecordType::srv: return parse_srv(query, buf, len);
    case RecordType::a:
    case RecordType::aaaa: return parse_address(query, buf, len);
  }
  return Unexpected(DnsFailure::server_failure);
}

DnsFailure failure_from_ares(int status) noexcept {
  switch (status) {
    case ARES_ENOTFOUND: return DnsFailure::nxdomain;
    case ARES_ENODATA: return DnsFailure::no_data;
    case ARES_ETIMEOUT: return DnsFailure::timeout;
    // c-ares moves on to the next server after SERVFAIL, REFUSED or NOTIMP, and when every server has
    // failed reports ECONNREFUSED, the same as for a closed port: they cannot be told apart.
    default: return DnsFailure::server_failure;   // ECONNREFUSED, ESERVFAIL, EREFUSED, EBADRESP, ...
  }
}

}  // namespace sotto::io::dns
