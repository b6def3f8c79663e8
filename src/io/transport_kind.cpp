#include "io/transport_kind.hpp"

#include <algorithm>
#include <cctype>

namespace sotto::io {

std::string_view to_string(TransportKind k) noexcept {
  switch (k) {
    case TransportKind::udp: return "udp";
    case TransportKind::tcp: return "tcp";
    case TransportKind::tls: return "tls";
  }
  return "?";
}

std::string_view via_token(TransportKind k) noexcept { return sip::transport_name(k); }

std::optional<TransportKind> parse_transport_kind(std::string_view s) noexcept { return sip::parse_transport(s); }

}  // namespace sotto::io
