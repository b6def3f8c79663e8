#include "core/locate/locate_plan.hpp"

#include <algorithm>
#include <string_view>

#include "core/locate/dns_name.hpp"
#include "core/sip/host.hpp"

namespace sotto::locate {
namespace {

std::vector<Transport> allowed_by(TransportMode mode) {
  switch (mode) {
    case TransportMode::udp: return {Transport::udp};
    case TransportMode::tcp: return {Transport::tcp};
    case TransportMode::tcp_preferred: return {Transport::tcp, Transport::udp};
    case TransportMode::tls: return {Transport::tls};
    case TransportMode::dns: return {Transport::tls, Transport::tcp, Transport::udp};
  }
  return {};
}

bool contains(const std::vector<Transport>& v, Transport t) { return std::find(v.begin(), v.end(), t) != v.end(); }

std::string strip_brackets(std::string_view host) {
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  return std::string(host);
}

// RFC 3261 19.1.1: transport-param = "transport=" ( "udp" / "tcp" / "sctp" / "tls" / other-transport ).
Result<Transport> transport_param(std::string_view value, bool secure) {
  if (iequals(value, "udp")) {
    if (secure) return fail(Errc::invalid_argument, "sips: URI cannot use UDP (it has ;transport=udp)");
    return Transport::udp;
  }
  if (iequals(value, "tcp")) return secure ? Transport::tls : Transport::tcp;  // RFC 3261 26.2.2
  if (iequals(value, "tls")) return Transport::tls;
  return fail(Errc::unsupported, "URI ;transport=" + std::string(value) + " is not supported (udp, tcp or tls)");
}

Status check_secure_mode(TransportMode mode) {
  switch (mode) {
    case TransportMode::udp:
      return fail(Errc::invalid_argument, "sips: URI cannot use UDP (transport mode udp)");
    case TransportMode::tcp:
    case TransportMode::tcp_preferred:
      return fail(Errc::invalid_argument, "sips: URI needs TLS, transport mode " + std::string(to_string(mode)) +
                                              " allows only " +
                                              (mode == TransportMode::tcp ? "TCP" : "TCP and UDP"));
    case TransportMode::tls:
    case TransportMode::dns:
      return {};
  }
  return {};
}

}  // namespace

Result<LocatePlan> make_plan(const sip::Uri& uri, TransportMode mode) {
  if (!uri.is_sip()) {
    return fail(Errc::invalid_argument, "cannot locate a server for a " + std::string(sip::scheme_name(uri)) +
                                            ": URI, only sip: and sips:");
  }
  LocatePlan plan;
  plan.secure = uri.scheme == sip::UriScheme::sips;
  plan.server_name = strip_brackets(uri.host);
  plan.port = uri.port;

  // RFC 3263 4: "If the URI contains an maddr parameter, the maddr is the target."
  std::string_view target = uri.host;
  if (auto maddr = uri.maddr(); maddr && !maddr->empty()) target = *maddr;
  auto kind = sip::classify_host(target);
  if (kind == sip::HostKind::invalid && sip::is_ipv6_address(target)) kind = sip::HostKind::ipv6;
  if (kind == sip::HostKind::invalid || target.empty()) {
    return fail(Errc::invalid_argument, "URI host \"" + std::string(target) + "\" is not a host name or IP address");
  }
  plan.target = kind == sip::HostKind::hostname ? normalize_dns_name(target) : strip_brackets(target);
  plan.numeric = kind != sip::HostKind::hostname;

  std::vector<Transport> allowed = allowed_by(mode);
  if (plan.secure) {
    if (auto ok = check_secure_mode(mode); !ok) return Unexpected(ok.error());
    allowed = {Transport::tls};
  }

  if (auto param = uri.transport()) {
    // RFC 3263 4.1: "If the URI specifies a transport protocol in the transport parameter, that transport
    // protocol SHOULD be used." 4.2: without a port, SRV for that transport, then A/AAAA.
    auto t = transport_param(*param, plan.secure);
    if (!t) return Unexpected(t.error());
    if (!contains(allowed, *t)) {
      return fail(Errc::invalid_argument, "URI asks for ;transport=" + std::string(*param) +
                                              " but transport mode " + std::string(to_string(mode)) +
                                              " does not allow " + std::string(to_string(*t)));
    }
    plan.fallback = {*t};
    if (!plan.numeric && !plan.port) plan.transports = {*t};
    return plan;
  }

  // The fixed modes keep their transports whatever the URI looks like; mode dns follows RFC 3263 4.1:
  // numeric IP or explicit port -> UDP for sip:, TLS for sips:; otherwise NAPTR, then SRV for each.
  if (mode == TransportMode::dns) {
    plan.fallback = {plan.secure ? Transport::tls : Transport::udp};
  } else {
    plan.fallback = allowed;
  }
  if (plan.numeric || plan.port) return plan;
  plan.transports = allowed;
  plan.query_naptr = mode == TransportMode::dns;
  return plan;
}

}  // namespace sotto::locate
