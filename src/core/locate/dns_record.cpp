#include "core/locate/dns_record.hpp"

namespace sotto::locate {

std::string_view to_string(RecordType t) noexcept {
  switch (t) {
    case RecordType::a: return "A";
    case RecordType::aaaa: return "AAAA";
    case RecordType::srv: return "SRV";
    case RecordType::naptr: return "NAPTR";
  }
  return "?";
}

std::string to_string(const DnsQuery& q) {
  std::string out(to_string(q.type));
  out += ' ';
  out += q.name;
  return out;
}

std::string_view to_string(DnsFailure f) noexcept {
  switch (f) {
    case DnsFailure::nxdomain: return "NXDOMAIN";
    case DnsFailure::no_data: return "no data";
    case DnsFailure::server_failure: return "server failure";
    case DnsFailure::timeout: return "timeout";
  }
  return "?";
}

}  // namespace sotto::locate
