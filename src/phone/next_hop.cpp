#include "phone/next_hop.hpp"

#include <algorithm>

namespace sotto::phone {

Result<NextHop> next_hop(const sip::Uri& uri) {
  if (!uri.is_sip()) return fail(Errc::invalid_argument, "not a sip: or sips: URI");
  const bool sips = uri.scheme == sip::UriScheme::sips;
  NextHop hop;
  hop.kind = sips ? io::TransportKind::tls : io::TransportKind::udp;
  if (auto t = uri.transport()) {
    std::string tr(*t);
    std::transform(tr.begin(), tr.end(), tr.begin(), [](unsigned char c) { return std::tolower(c); });
    if (tr == "udp") hop.kind = io::TransportKind::udp;
    else if (tr == "tcp") hop.kind = sips ? io::TransportKind::tls : io::TransportKind::tcp;  // sips over TCP = TLS
    else if (tr == "tls") hop.kind = io::TransportKind::tls;
    else return fail(Errc::unsupported, "transport=" + tr + " is not supported (udp, tcp, tls)");
    if (sips && tr == "udp") return fail(Errc::invalid_argument, "a sips: URI cannot use transport=udp (RFC 3261 26.2.2)");
  }
  std::string host = uri.host;
  if (host == "localhost") host = "127.0.0.1";
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::uint16_t port = uri.port.value_or(hop.kind == io::TransportKind::tls ? 5061 : 5060);
  std::string spec = host.find(':') != std::string::npos ? "[" + host + "]:" + std::to_string(port)
                                                         : host + ":" + std::to_string(port);
  auto ep = io::Endpoint::parse(spec);
  if (!ep) {
    return fail(Errc::unsupported, "'" + uri.host + "' is a host name: DNS resolution (RFC 3263) is not wired into "
                                   "sotto phone yet; use an IP address");
  }
  hop.endpoint = *ep;
  hop.server_name = uri.host;
  return hop;
}

}  // namespace sotto::phone
