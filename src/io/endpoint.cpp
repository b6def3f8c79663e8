#include "io/endpoint.hpp"

namespace sotto::io {

Result<Endpoint> Endpoint::parse(std::string_view s) {
  std::string_view host;
  std::string_view port;
  if (!s.empty() && s.front() == '[') {
    const auto close = s.find(']');
    if (close == std::string_view::npos) return fail(Errc::malformed_input, "endpoint '" + std::string(s) + "': missing ']'");
    host = s.substr(1, close - 1);
    if (close + 1 >= s.size() || s[close + 1] != ':') {
      return fail(Errc::malformed_input, "endpoint '" + std::string(s) + "': expected ':<port>' after ']'");
    }
    port = s.substr(close + 2);
  } else {
    const auto colon = s.rfind(':');
    if (colon == std::string_view::npos) {
      return fail(Errc::malformed_input, "endpoint '" + std::string(s) + "': expected <address>:<port>");
    }
    host = s.substr(0, colon);
    port = s.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) {
      return fail(Errc::malformed_input, "endpoint '" + std::string(s) + "': IPv6 addresses need brackets, e.g. [::1]:5060");
    }
  }
  std::error_code ec;
  auto addr = asio::ip::make_address(std::string(host), ec);
  if (ec) return fail(Errc::malformed_input, "endpoint '" + std::string(s) + "': '" + std::string(host) + "' is not an IP address");
  unsigned value = 0;
  if (port.empty() || port.size() > 5) return fail(Errc::malformed_input, "endpoint '" + std::string(s) + "': bad port");
  for (char c : port) {
    if (c < '0' || c > '9') return fail(Errc::malformed_input, "endpoint '" + std::string(s) + "': bad port");
    value = value * 10 + static_cast<unsigned>(c - '0');
  }
  if (value > 65535) return fail(Errc::malformed_input, "endpoint '" + std::string(s) + "': port above 65535");
  return Endpoint{addr, static_cast<std::uint16_t>(value)};
}

std::string Endpoint::to_string() const {
  if (address.is_v6()) return "[" + address.to_string() + "]:" + std::to_string(port);
  return address.to_string() + ":" + std::to_string(port);
}

std::size_t EndpointHash::operator()(const Endpoint& e) const noexcept {
  std::size_t h = std::hash<std::uint16_t>{}(e.port);
  if (e.address.is_v4()) {
    h ^= std::hash<std::uint32_t>{}(e.address.to_v4().to_uint()) * 31;
  } else {
    for (auto b : e.address.to_v6().to_bytes()) h = h * 131 + b;
  }
  return h;
}

}  // namespace sotto::io
