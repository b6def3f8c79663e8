#include "io/tls_transport.hpp"

#include "io/tls_connection.hpp"

namespace sotto::io {

TlsTransport::TlsTransport(asio::io_context& io, EventHandler on_event, std::shared_ptr<TlsContext> server,
                           std::shared_ptr<TlsContext> client, StreamTransportOptions options)
    : StreamTransport(io, TransportKind::tls, std::move(on_event), options),
      server_(std::move(server)),
      client_(std::move(client)) {}

Status TlsTransport::can_listen() const {
  if (!server_ || server_->role() != TlsRole::server) {
    return fail(Errc::invalid_state, "no TLS server context (certificate and key) configured");
  }
  return {};
}

Status TlsTransport::can_connect() const {
  if (!client_ || client_->role() != TlsRole::client) {
    return fail(Errc::invalid_state, "tls connect: no TLS client context configured");
  }
  return {};
}

std::shared_ptr<Connection> TlsTransport::make_connection(ConnectionId id, bool inbound, const Endpoint& remote,
                                                          const ConnectOptions& options,
                                                          asio::ip::tcp::socket socket) {
  return std::make_shared<TlsConnection>(io_, clock(), id, inbound, remote, options.server_name, options_.limits, owner(),
                                         std::move(socket), inbound ? server_ : client_);
}

}  // namespace sotto::io
