#include "io/tcp_connection.hpp"

#include <asio/post.hpp>
#include <asio/write.hpp>

namespace sotto::io {

TcpConnection::TcpConnection(asio::io_context& io, const Clock& clock, ConnectionId id, bool inbound, Endpoint remote,
                             ConnectionLimits limits, ConnectionOwner* owner, asio::ip::tcp::socket socket)
    : Connection(io, clock, id, TransportKind::tcp, inbound, std::move(remote), {}, limits, owner),
      socket_(std::move(socket)) {}

void TcpConnection::async_handshake(Handler h) {
  // Nothing to negotiate; complete asynchronously so events never fire inside connect()/accept.
  asio::post(socket_.get_executor(), [h = std::move(h)] { h(std::error_code{}); });
}

std::size_t TcpConnection::read_now(std::span<std::uint8_t> into, std::error_code& ec) {
  return socket_.read_some(asio::buffer(into.data(), into.size()), ec);
}

void TcpConnection::async_write_all(asio::const_buffer b, IoHandler h) { asio::async_write(socket_, b, std::move(h)); }

void TcpConnection::async_shutdown(Handler h) {
  std::error_code ec;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_send, ec);  // FIN after everything queued was written
  asio::post(socket_.get_executor(), [h = std::move(h), ec] { h(ec); });
}

Error TcpConnection::handshake_error(const std::error_code& ec) const {
  return Error{Errc::io_error, describe() + ": " + ec.message()};
}

}  // namespace sotto::io
