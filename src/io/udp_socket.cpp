#include "io/udp_socket.hpp"

#include <asio/buffer.hpp>
#include <asio/ip/v6_only.hpp>
#include <asio/socket_base.hpp>

namespace sotto::io {

Result<UdpSocket> UdpSocket::bind(asio::io_context& io, const Endpoint& local, std::string_view role) {
  UdpSocket s(io);
  const std::string what = std::string(role) + " on " + local.to_string();
  std::error_code ec;
  const auto ep = local.udp();
  s.sock_.open(ep.protocol(), ec);
  if (!ec && local.address.is_v6()) s.sock_.set_option(asio::ip::v6_only(true), ec);
  if (!ec) s.sock_.bind(ep, ec);
  if (!ec) s.sock_.non_blocking(true, ec);
  if (ec) return fail(Errc::io_error, what + ": " + ec.message());
  const auto bound = s.sock_.local_endpoint(ec);
  if (ec) return fail(Errc::io_error, what + ": " + ec.message());
  s.local_ = Endpoint::from(bound);
  return s;
}

bool UdpSocket::send_to(const Endpoint& to, std::span<const std::uint8_t> bytes) noexcept {
  std::error_code ec;
  sock_.send_to(asio::buffer(bytes.data(), bytes.size()), to.udp(), 0, ec);
  return !ec;
}

void UdpSocket::close() noexcept {
  std::error_code ignored;
  sock_.close(ignored);
}

}  // namespace sotto::io
