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

std::string_view via_token(TransportKind k) noexcept {
  switch (k) {
    case TransportKind::udp: return "UDP";
    case TransportKind::tcp: return "TCP";
    case TransportKind::tls: return "TLS";
  }
  return "?";
}

std::optional<TransportKind> parse_transport_kind(std::string_view s) noexcept {
  auto eq = [s](std::string_view w) {
    return s.size() == w.size() && std::equal(s.begin(), s.end(), w.begin(), [](char a, char b) {
             return std::tolower(static_cast<unsigned char>(a)) == b;
           });
  };
  if (eq("udp")) return TransportKind::udp;
  if (eq("tcp")) return TransportKind::tcp;
  if (eq("tls")) return TransportKind::tls;
  return std::nullopt;
}

}  // namespace sotto::io
