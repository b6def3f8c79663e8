#include "io/dns/dns_resolver_options.hpp"

#include <charconv>

#include "core/sip/host.hpp"

namespace sotto::io::dns {
namespace {

Unexpected<Error> bad_server(std::string_view text, std::string_view why) {
  return fail(Errc::invalid_argument,
              "DNS server \"" + std::string(text) + "\": " + std::string(why) + " (expected ip[:port] or [ipv6]:port)");
}

}  // namespace

Result<DnsServer> parse_dns_server(std::string_view text) {
  DnsServer out;
  std::string_view host = text;
  std::string_view port;
  if (sip::is_ipv6_address(text)) {
    host = text;   // bare IPv6, default port
  } else if (!text.empty() && text.front() == '[') {
    const auto close = text.find(']');
    if (close == std::string_view::npos) return bad_server(text, "missing ']'");
    host = text.substr(1, close - 1);
    std::string_view rest = text.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') return bad_server(text, "junk after ']'");
      port = rest.substr(1);
      if (port.empty()) return bad_server(text, "empty port");
    }
    if (!sip::is_ipv6_address(host)) return bad_server(text, "not an IPv6 address");
  } else {
    if (const auto colon = text.rfind(':'); colon != std::string_view::npos) {
      host = text.substr(0, colon);
      port = text.substr(colon + 1);
      if (port.empty()) return bad_server(text, "empty port");
    }
    if (!sip::is_ipv4_address(host)) return bad_server(text, "not an IP address (DNS servers are never names)");
  }
  out.address = std::string(host);
  if (!port.empty()) {
    unsigned value = 0;
    auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (ec != std::errc{} || end != port.data() + port.size() || value == 0 || value > 65535) {
      return bad_server(text, "port must be 1-65535");
    }
    out.port = static_cast<std::uint16_t>(value);
  }
  return out;
}

Result<std::string> server_list_csv(const DnsResolverOptions& options) {
  if (options.timeout.count() <= 0) return fail(Errc::invalid_argument, "DNS timeout must be positive");
  if (options.tries < 1) return fail(Errc::invalid_argument, "DNS tries must be at least 1");
  if (options.servers.empty()) {
    if (options.use_system_config) return std::string();
    return fail(Errc::invalid_argument,
                "no DNS servers configured: list some (e.g. 127.0.0.1:53) or ask for the system configuration");
  }
  std::string csv;
  for (const std::string& entry : options.servers) {
    auto s = parse_dns_server(entry);
    if (!s) return Unexpected(s.error());
    if (!csv.empty()) csv += ',';
    const bool v6 = s->address.find(':') != std::string::npos;
    csv += v6 ? "[" + s->address + "]" : s->address;
    csv += ':' + std::to_string(s->port);
  }
  return csv;
}

}  // namespace sotto::io::dns
