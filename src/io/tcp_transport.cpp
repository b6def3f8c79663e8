#include "io/tcp_transport.hpp"

#include "io/tcp_connection.hpp"

namespace sotto::io {

TcpTransport::TcpTransport(asio::io_context& io, EventHandler on_event, StreamTransportOptions options)
    : StreamTransport(io, TransportKind::tcp, std::move(on_event), options) {}

std::shared_ptr<Connection> TcpTransport::make_connection(ConnectionId id, bool inbound, const Endpoint& remote,
                                                          const ConnectOptions& /*options*/,
                                                          asio::ip::tcp::socket socket) {
  return std::make_shared<TcpConnection>(io_, clock(), id, inbound, remote, options_.limits, owner(), std::move(socket));
}

}  // namespace sotto::io
