#include "core/sip/transport.hpp"

#include "base/ascii.hpp"

namespace sotto::sip {

std::string_view transport_name(Transport t) noexcept {
  switch (t) {
    case Transport::udp: return "UDP";
    case Transport::tcp: return "TCP";
    case Transport::tls: return "TLS";
  }
  return "?";
}

std::optional<Transport> parse_transport(std::string_view text) noexcept {
  for (Transport t : {Transport::udp, Transport::tcp, Transport::tls}) {
    if (iequals(text, transport_name(t))) return t;
  }
  return std::nullopt;
}

}  // namespace sotto::sip
