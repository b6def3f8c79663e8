#pragma once
// TlsConnection: a Connection over TLS (SIP over TLS, RFC 3261 26.2.1; certificates per RFC 5922).
//
//   auto c = std::make_shared<io::TlsConnection>(io, id, /*inbound=*/false, remote, "sip.example.com",
//                                                 limits, owner, asio::ip::tcp::socket(io), client_ctx);
//   c->start_connect();   // the handshake verifies the chain and that the cert names sip.example.com

#include <asio/ssl/stream.hpp>
#include <memory>

#include "io/connection.hpp"
#include "io/tls_context.hpp"
#include "io/tls_handshake_state.hpp"

namespace sotto::io {

class TlsConnection final : public Connection {
 public:
  // Outbound: `server_name` is what the server certificate must name, and the SNI when it is a host
  // name; empty means the remote IP address (no SNI then). Inbound: ignored.
  TlsConnection(asio::io_context& io, ConnectionId id, bool inbound, Endpoint remote, std::string server_name,
                ConnectionLimits limits, ConnectionOwner* owner, asio::ip::tcp::socket socket,
                std::shared_ptr<TlsContext> ctx);

 protected:
  asio::ip::tcp::socket& tcp_socket() override { return stream_.next_layer(); }
  void async_handshake(Handler h) override;
  void async_read_some(asio::mutable_buffer b, IoHandler h) override;
  void async_write_all(asio::const_buffer b, IoHandler h) override;
  void async_shutdown(Handler h) override;
  Error handshake_error(const std::error_code& ec) const override;
  Error read_error(const std::error_code& ec) const override;
  bool is_orderly_end(const std::error_code& ec) const override;
  void handshake_done() override;

 private:
  std::shared_ptr<TlsContext> ctx_;  // declared first: outlives stream_
  TlsHandshakeState hs_;             // referenced from the SSL object's ex_data
  asio::ssl::stream<asio::ip::tcp::socket> stream_;
  bool verifying_ = false;
};

}  // namespace sotto::io
