#include "core/locate/transport_mode.hpp"

#include <string>

#include "core/locate/dns_name.hpp"

namespace sotto::locate {

std::string_view to_string(Transport t) noexcept {
  switch (t) {
    case Transport::udp: return "udp";
    case Transport::tcp: return "tcp";
    case Transport::tls: return "tls";
  }
  return "?";
}

std::string_view srv_prefix(Transport t) noexcept {
  switch (t) {
    case Transport::udp: return "_sip._udp";
    case Transport::tcp: return "_sip._tcp";
    case Transport::tls: return "_sips._tcp";
  }
  return "?";
}

std::string_view naptr_service(Transport t) noexcept {
  switch (t) {
    case Transport::udp: return "SIP+D2U";
    case Transport::tcp: return "SIP+D2T";
    case Transport::tls: return "SIPS+D2T";
  }
  return "?";
}

std::string_view to_string(TransportMode m) noexcept {
  switch (m) {
    case TransportMode::udp: return "udp";
    case TransportMode::tcp: return "tcp";
    case TransportMode::tcp_preferred: return "tcp-preferred";
    case TransportMode::tls: return "tls";
    case TransportMode::dns: return "dns";
  }
  return "?";
}

Result<TransportMode> parse_transport_mode(std::string_view text) {
  for (auto m : {TransportMode::udp, TransportMode::tcp, TransportMode::tcp_preferred, TransportMode::tls,
                 TransportMode::dns}) {
    if (iequals(text, to_string(m))) return m;
  }
  return fail(Errc::invalid_argument, "transport mode \"" + std::string(text) +
                                          "\": expected udp, tcp, tcp-preferred, tls or dns");
}

}  // namespace sotto::locate
