#pragma once
// DNS data as the Locator sees it: the queries it asks for, the records fed back, and why a query failed.
//
//   DnsQuery q{RecordType::srv, "_sips._tcp.example.com"};
//   std::vector<DnsRecord> answer{SrvRecord{"_sips._tcp.example.com", 10, 60, 5061, "sip1.example.com"}};
//   auto next = locator.on_answer(answer);   // or locator.on_failure(DnsFailure::nxdomain)

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

namespace sotto::locate {

enum class RecordType : std::uint16_t { a = 1, naptr = 35, srv = 33, aaaa = 28 };
std::string_view to_string(RecordType t) noexcept;   // "A", "AAAA", "SRV", "NAPTR"

struct DnsQuery {
  RecordType type = RecordType::a;
  std::string name;   // no trailing dot
  friend bool operator==(const DnsQuery&, const DnsQuery&) = default;
};
std::string to_string(const DnsQuery& q);   // "SRV _sip._udp.example.com"

// RFC 3403 4.1: ORDER PREFERENCE FLAGS SERVICES REGEXP REPLACEMENT
struct NaptrRecord {
  std::string name;          // owner name
  std::uint16_t order = 0;
  std::uint16_t preference = 0;
  std::string flags;         // "s": the replacement is an SRV name (RFC 3263 4.1)
  std::string services;      // "SIP+D2U", "SIP+D2T", "SIPS+D2T"
  std::string regexp;        // must be empty for "s" records
  std::string replacement;   // e.g. "_sip._udp.example.com"
  friend bool operator==(const NaptrRecord&, const NaptrRecord&) = default;
};

// RFC 2782: _Service._Proto.Name TTL Class SRV Priority Weight Port Target
struct SrvRecord {
  std::string name;          // owner name, "_sip._udp.example.com"
  std::uint16_t priority = 0;
  std::uint16_t weight = 0;
  std::uint16_t port = 0;
  std::string target;        // "." means "service decidedly not available"
  friend bool operator==(const SrvRecord&, const SrvRecord&) = default;
};

// An A (RFC 1035) or AAAA (RFC 3596) record; the family follows from the address text.
struct AddressRecord {
  std::string name;          // owner name (or the name that was queried, when reached through a CNAME)
  std::string address;       // "192.0.2.1" or "2001:db8::1", no brackets
  friend bool operator==(const AddressRecord&, const AddressRecord&) = default;
};

using DnsRecord = std::variant<NaptrRecord, SrvRecord, AddressRecord>;

// Why a query produced no records; the io layer maps resolver status codes onto these.
enum class DnsFailure : std::uint8_t {
  nxdomain,        // RCODE 3: the name does not exist
  no_data,         // the name exists but has no record of that type
  server_failure,  // no usable response: SERVFAIL / REFUSED from every server, port closed, malformed reply
  timeout,         // no response after all tries
};
std::string_view to_string(DnsFailure f) noexcept;   // "NXDOMAIN", "no data", "server failure", "timeout"

}  // namespace sotto::locate
