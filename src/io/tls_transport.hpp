#pragma once
// TlsTransport: SIP over TLS. Inbound connections use the server context, outbound the client context.
//
//   auto srv = io::TlsContext::create(io::TlsRole::server, server_cfg);
//   io::TlsTransport tls(io_context, on_event, *srv, *io::TlsContext::create(io::TlsRole::client, client_cfg));
//   tls.listen(*io::Endpoint::parse("127.0.0.1:5061")); tls.connect(peer, {.server_name = "sip.example.com"});

#include <memory>

#include "io/stream_transport.hpp"
#include "io/tls_context.hpp"

namespace sotto::io {

class TlsTransport final : public StreamTransport {
 public:
  // Either context may be null: without a server context inbound handshakes cannot succeed (listen()
  // refuses), without a client context connect() refuses.
  TlsTransport(asio::io_context& io, EventHandler on_event, std::shared_ptr<TlsContext> server,
               std::shared_ptr<TlsContext> client, StreamTransportOptions options = {});

  const std::shared_ptr<TlsContext>& server_context() const noexcept { return server_; }
  const std::shared_ptr<TlsContext>& client_context() const noexcept { return client_; }
  // New inbound handshakes use `server` from now on; connections made before keep the context they
  // were made with (each holds its own reference), so nothing is dropped. For certificate reloads.
  void set_server_context(std::shared_ptr<TlsContext> server) { server_ = std::move(server); }

 protected:
  Status can_listen() const override;
  Status can_connect() const override;
  std::shared_ptr<Connection> make_connection(ConnectionId id, bool inbound, const Endpoint& remote,
                                              const ConnectOptions& options, asio::ip::tcp::socket socket) override;

 private:
  std::shared_ptr<TlsContext> server_;
  std::shared_ptr<TlsContext> client_;
};

}  // namespace sotto::io
