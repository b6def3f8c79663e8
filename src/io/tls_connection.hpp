#pragma once
// TlsConnection: a Connection over TLS (SIP over TLS, RFC 3261 26.2.1; certificates per RFC 5922).
//
//   auto c = std::make_shared<io::TlsConnection>(io, clock, id, /*inbound=*/false, remote, "sip.example.com",
//                                                 limits, owner, asio::ip::tcp::socket(io), client_ctx);
//   c->start_connect();   // the handshake verifies the chain and that the cert names sip.example.com
//
// OpenSSL works on the socket itself (a small BIO over send/recv), not through asio::ssl::stream, whose
// two 17 KiB record buffers and 34 KiB BIO pair per connection would stay allocated while it is idle.
// With SSL_MODE_RELEASE_BUFFERS an idle connection keeps only OpenSSL's per-session state.

#include <openssl/ssl.h>

#include <memory>

#include "io/connection.hpp"
#include "io/tls_context.hpp"
#include "io/tls_handshake_state.hpp"

namespace sotto::io {

class TlsConnection final : public Connection {
 public:
  // Outbound: `server_name` is what the server certificate must name, and the SNI when it is a host
  // name; empty means the remote IP address (no SNI then). Inbound: ignored.
  TlsConnection(asio::io_context& io, const Clock& clock, ConnectionId id, bool inbound, Endpoint remote,
                std::string server_name, ConnectionLimits limits, ConnectionOwner* owner,
                asio::ip::tcp::socket socket, std::shared_ptr<TlsContext> ctx);

 protected:
  asio::ip::tcp::socket& tcp_socket() override { return socket_; }
  void async_handshake(Handler h) override;
  bool has_pending_bytes() const override { return ssl_ && SSL_pending(ssl_.get()) > 0; }
  bool read_waits_for_write() const override { return read_wants_write_; }
  std::size_t read_now(std::span<std::uint8_t> into, std::error_code& ec) override;
  void async_write_all(asio::const_buffer b, IoHandler h) override;
  void async_shutdown(Handler h) override;
  Error handshake_error(const std::error_code& ec) const override;
  Error read_error(const std::error_code& ec) const override;
  bool is_orderly_end(const std::error_code& ec) const override;
  void handshake_done() override;

 private:
  struct SslFree {
    void operator()(SSL* s) const noexcept { SSL_free(s); }
  };
  // After an SSL call returned `ret`: the error to report, would_block (wait for `want_write` or read).
  std::error_code ssl_error(int ret, bool& want_write);
  void handshake_step(Handler h);
  void write_step(asio::const_buffer rest, std::size_t done, IoHandler h);
  void shutdown_step(Handler h, bool drained_once);
  void wait(bool for_write, Handler h);

  std::shared_ptr<TlsContext> ctx_;  // declared first: outlives ssl_
  TlsHandshakeState hs_;             // referenced from the SSL object's ex_data
  asio::ip::tcp::socket socket_;
  std::unique_ptr<SSL, SslFree> ssl_;
  bool verifying_ = false;
  bool read_wants_write_ = false;  // SSL_read asked for writability (TLS 1.3 KeyUpdate reply)
};

}  // namespace sotto::io
