#include "io/listen_spec.hpp"

namespace sotto::io {
namespace {

Unexpected<Error> bad(std::string_view spec, std::string_view why) {
  return fail(Errc::malformed_input, "listen spec '" + std::string(spec) + "': " + std::string(why));
}

}  // namespace

std::string ListenSpec::to_string() const {
  return std::string(io::to_string(kind)) + "://" + local.to_string();
}

Result<ListenSpec> parse_listen_spec(std::string_view spec) {
  constexpr std::string_view kForm = "expected <udp|tcp|tls>://<ip>[:<port>], e.g. tls://127.0.0.1:5061";
  if (spec.empty()) return bad(spec, kForm);
  const auto sep = spec.find("://");
  if (sep == std::string_view::npos) return bad(spec, kForm);
  const std::string_view scheme = spec.substr(0, sep);
  auto kind = parse_transport_kind(scheme);
  if (!kind) {
    return bad(spec, "unknown transport '" + std::string(scheme) + "' (expected udp, tcp or tls)");
  }
  std::string_view rest = spec.substr(sep + 3);
  if (rest.empty()) return bad(spec, "missing address after '://'");
  if (const auto slash = rest.find_first_of("/;?"); slash != std::string_view::npos) {
    return bad(spec, "unexpected '" + std::string(rest.substr(slash)) + "' after the address");
  }

  std::string_view host = rest;
  std::string_view port;
  bool has_port = false;
  if (rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) return bad(spec, "missing ']' after the IPv6 address");
    host = rest.substr(1, close - 1);
    const std::string_view after = rest.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') return bad(spec, "expected ':<port>' after ']'");
      port = after.substr(1);
      has_port = true;
    }
  } else {
    const auto first = rest.find(':');
    if (first != std::string_view::npos && rest.find(':', first + 1) != std::string_view::npos) {
      return bad(spec, "an IPv6 address needs brackets, e.g. " + std::string(scheme) + "://[::1]:5060");
    }
    if (first != std::string_view::npos) {
      host = rest.substr(0, first);
      port = rest.substr(first + 1);
      has_port = true;
    }
  }
  if (host.empty()) return bad(spec, "missing address");

  std::error_code ec;
  const auto addr = asio::ip::make_address(std::string(host), ec);
  if (ec) {
    return bad(spec, "'" + std::string(host) + "' is not an IP address (host names are not resolved for listeners)");
  }
  if (rest.front() == '[' && !addr.is_v6()) return bad(spec, "brackets are only for IPv6 addresses");

  std::uint32_t value = *kind == TransportKind::tls ? 5061 : 5060;
  if (has_port) {
    if (port.empty()) return bad(spec, "missing port number after ':'");
    value = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || value > 65535) {
        return bad(spec, "port '" + std::string(port) + "' is not a number in 0-65535");
      }
      value = value * 10 + static_cast<std::uint32_t>(c - '0');
    }
    if (value > 65535) return bad(spec, "port '" + std::string(port) + "' is not a number in 0-65535");
  }
  return ListenSpec{*kind, Endpoint{addr, static_cast<std::uint16_t>(value)}};
}

}  // namespace sotto::io
