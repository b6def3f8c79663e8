#include "io/tls_connection.hpp"

#include <asio/ssl/error.hpp>
#include <asio/write.hpp>

#include "io/tls_identity.hpp"

namespace sotto::io {
namespace {

std::string expected_name(bool inbound, const std::string& server_name, const Endpoint& remote) {
  if (inbound) return {};
  return server_name.empty() ? remote.address.to_string() : server_name;
}

}  // namespace

TlsConnection::TlsConnection(asio::io_context& io, ConnectionId id, bool inbound, Endpoint remote,
                             std::string server_name, ConnectionLimits limits, ConnectionOwner* owner,
                             asio::ip::tcp::socket socket, std::shared_ptr<TlsContext> ctx)
    : Connection(io, id, TransportKind::tls, inbound, remote, expected_name(inbound, server_name, remote), limits,
                 owner),
      ctx_(std::move(ctx)),
      stream_(std::move(socket), ctx_->native()) {
  const TlsConfig& cfg = ctx_->config();
  hs_.server = inbound;
  hs_.expected_name = this->server_name();
  hs_.check_name = !inbound && cfg.verify_peer;
  hs_.allow_wildcards = cfg.allow_wildcards;
  hs_.our_versions = cfg.min_version == cfg.max_version
                         ? std::string(to_string(cfg.min_version))
                         : std::string(to_string(cfg.min_version)) + " to " + std::string(to_string(cfg.max_version));
  hs_.attach(stream_.native_handle());
  verifying_ = inbound ? cfg.require_client_cert : cfg.verify_peer;
  if (verifying_) {
    stream_.set_verify_callback([this](bool preverified, asio::ssl::verify_context& v) {
      return hs_.on_verify(preverified, v.native_handle());
    });
  }
  // RFC 6066 3: SNI carries host names only, never IP literals.
  if (!inbound && !server_name.empty() && !is_ip_literal(server_name)) {
    SSL_set_tlsext_host_name(stream_.native_handle(), server_name.c_str());
  }
}

void TlsConnection::async_handshake(Handler h) {
  stream_.async_handshake(inbound() ? asio::ssl::stream_base::server : asio::ssl::stream_base::client,
                          std::move(h));
}

void TlsConnection::async_read_some(asio::mutable_buffer b, IoHandler h) {
  stream_.async_read_some(b, std::move(h));
}

void TlsConnection::async_write_all(asio::const_buffer b, IoHandler h) { asio::async_write(stream_, b, std::move(h)); }

void TlsConnection::async_shutdown(Handler h) {
  // Stop the pending read so the shutdown owns the stream; it sends close_notify and waits (bounded by
  // ConnectionLimits::close_timeout) for the peer's.
  std::error_code ignored;
  stream_.next_layer().cancel(ignored);
  stream_.async_shutdown(std::move(h));
}

Error TlsConnection::handshake_error(const std::error_code& ec) const { return hs_.describe_failure(ec); }

Error TlsConnection::read_error(const std::error_code& ec) const {
  if (ec.category() == asio::error::get_ssl_category()) {
    Error e = hs_.describe_failure(ec);
    e.context = describe() + ": " + e.context;
    return e;
  }
  return Connection::read_error(ec);
}

bool TlsConnection::is_orderly_end(const std::error_code& ec) const {
  // Many SIP peers close the socket without close_notify; that is not worth an error event.
  return Connection::is_orderly_end(ec) || ec == asio::ssl::error::stream_truncated;
}

void TlsConnection::handshake_done() { tls_info_ = collect_session_info(stream_.native_handle(), verifying_); }

}  // namespace sotto::io
