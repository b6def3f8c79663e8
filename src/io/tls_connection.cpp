#include "io/tls_connection.hpp"

#include <openssl/err.h>
#include <sys/socket.h>

#include <asio/post.hpp>
#include <asio/ssl/error.hpp>
#include <cerrno>
#include <climits>
#include <cstdint>

#include "io/tls_identity.hpp"

namespace sotto::io {
namespace {

std::string expected_name(bool inbound, const std::string& server_name, const Endpoint& remote) {
  if (inbound) return {};
  return server_name.empty() ? remote.address.to_string() : server_name;
}

// A socket BIO that never raises SIGPIPE (send with MSG_NOSIGNAL) and reports EAGAIN as "retry".
int fd_of(BIO* b) { return static_cast<int>(reinterpret_cast<std::intptr_t>(BIO_get_data(b))); }

bool would_block(int e) { return e == EAGAIN || e == EWOULDBLOCK || e == EINTR; }

int bio_write(BIO* b, const char* data, int len) {
  BIO_clear_retry_flags(b);
  const ssize_t n = ::send(fd_of(b), data, static_cast<std::size_t>(len), MSG_NOSIGNAL);
  if (n < 0) {
    if (would_block(errno)) BIO_set_retry_write(b);
    return -1;
  }
  return static_cast<int>(n);
}

int bio_read(BIO* b, char* data, int len) {
  BIO_clear_retry_flags(b);
  const ssize_t n = ::recv(fd_of(b), data, static_cast<std::size_t>(len), 0);
  if (n < 0) {
    if (would_block(errno)) BIO_set_retry_read(b);
    return -1;
  }
  return static_cast<int>(n);
}

long bio_ctrl(BIO* /*b*/, int cmd, long /*num*/, void* /*ptr*/) { return cmd == BIO_CTRL_FLUSH ? 1 : 0; }

int bio_create(BIO* b) {
  BIO_set_init(b, 1);
  return 1;
}

const BIO_METHOD* socket_method() {
  static BIO_METHOD* m = [] {
    BIO_METHOD* meth = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "sotto socket");
    if (meth == nullptr) return meth;
    BIO_meth_set_write(meth, bio_write);
    BIO_meth_set_read(meth, bio_read);
    BIO_meth_set_ctrl(meth, bio_ctrl);
    BIO_meth_set_create(meth, bio_create);
    return meth;
  }();
  return m;
}

int verify_cb(int preverified, X509_STORE_CTX* x) {
  auto* ssl = static_cast<SSL*>(X509_STORE_CTX_get_ex_data(x, SSL_get_ex_data_X509_STORE_CTX_idx()));
  TlsHandshakeState* st = ssl != nullptr ? TlsHandshakeState::from(ssl) : nullptr;
  return st != nullptr ? (st->on_verify(preverified != 0, x) ? 1 : 0) : preverified;
}

}  // namespace

TlsConnection::TlsConnection(asio::io_context& io, const Clock& clock, ConnectionId id, bool inbound, Endpoint remote,
                             std::string server_name, ConnectionLimits limits, ConnectionOwner* owner,
                             asio::ip::tcp::socket socket, std::shared_ptr<TlsContext> ctx)
    : Connection(io, clock, id, TransportKind::tls, inbound, remote, expected_name(inbound, server_name, remote), limits,
                 owner),
      ctx_(std::move(ctx)),
      socket_(std::move(socket)),
      ssl_(SSL_new(ctx_->native().native_handle())) {
  if (!ssl_) return;  // the handshake reports it
  const TlsConfig& cfg = ctx_->config();
  hs_.server = inbound;
  hs_.expected_name = this->server_name();
  hs_.check_name = !inbound && cfg.verify_peer;
  hs_.allow_wildcards = cfg.allow_wildcards;
  hs_.our_versions = cfg.min_version == cfg.max_version
                         ? std::string(to_string(cfg.min_version))
                         : std::string(to_string(cfg.min_version)) + " to " + std::string(to_string(cfg.max_version));
  SSL* s = ssl_.get();
  hs_.attach(s);
  SSL_set_mode(s, SSL_MODE_RELEASE_BUFFERS | SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  if (BIO* bio = BIO_new(socket_method())) {
    BIO_set_data(bio, reinterpret_cast<void*>(static_cast<std::intptr_t>(socket_.native_handle())));
    SSL_set_bio(s, bio, bio);
  }
  if (inbound) SSL_set_accept_state(s);
  else SSL_set_connect_state(s);
  verifying_ = inbound ? cfg.require_client_cert : cfg.verify_peer;
  if (verifying_) SSL_set_verify(s, SSL_get_verify_mode(s), verify_cb);
  // RFC 6066 3: SNI carries host names only, never IP literals.
  if (!inbound && !server_name.empty() && !is_ip_literal(server_name)) {
    SSL_set_tlsext_host_name(s, server_name.c_str());
  }
}

std::error_code TlsConnection::ssl_error(int ret, bool& want_write) {
  const int saved_errno = errno;
  want_write = false;
  switch (SSL_get_error(ssl_.get(), ret)) {
    case SSL_ERROR_WANT_READ: return asio::error::would_block;
    case SSL_ERROR_WANT_WRITE: want_write = true; return asio::error::would_block;
    case SSL_ERROR_ZERO_RETURN: return asio::error::eof;  // close_notify
    case SSL_ERROR_SYSCALL: {
      const unsigned long e = ERR_get_error();
      ERR_clear_error();
      if (e != 0) return {static_cast<int>(e), asio::error::get_ssl_category()};
      if (ret < 0 && saved_errno != 0) return {saved_errno, asio::error::get_system_category()};
      return asio::ssl::error::stream_truncated;  // EOF without close_notify
    }
    default: {
      const unsigned long e = ERR_get_error();
      ERR_clear_error();
      if (ERR_GET_REASON(e) == SSL_R_UNEXPECTED_EOF_WHILE_READING) return asio::ssl::error::stream_truncated;
      if (e == 0) return asio::error::fault;
      return {static_cast<int>(e), asio::error::get_ssl_category()};
    }
  }
}

void TlsConnection::wait(bool for_write, Handler h) {
  auto self = shared_from_this();
  socket_.async_wait(for_write ? asio::ip::tcp::socket::wait_write : asio::ip::tcp::socket::wait_read,
                     [self, h = std::move(h)](const std::error_code& ec) { h(ec); });
}

void TlsConnection::async_handshake(Handler h) {
  auto self = shared_from_this();
  asio::post(socket_.get_executor(), [this, self, h = std::move(h)]() mutable {
    if (!ssl_) {
      h(std::make_error_code(std::errc::not_enough_memory));
      return;
    }
    handshake_step(std::move(h));
  });
}

void TlsConnection::handshake_step(Handler h) {
  // Once the socket is closed its descriptor may belong to another connection: never touch it again.
  if (!socket_.is_open()) {
    h(asio::error::operation_aborted);
    return;
  }
  ERR_clear_error();
  const int r = SSL_do_handshake(ssl_.get());
  if (r == 1) {
    h({});
    return;
  }
  bool want_write = false;
  const std::error_code ec = ssl_error(r, want_write);
  if (ec != asio::error::would_block) {
    h(ec);
    return;
  }
  wait(want_write, [this, h](const std::error_code& wec) {
    if (wec) h(wec);
    else handshake_step(h);
  });
}

std::size_t TlsConnection::read_now(std::span<std::uint8_t> into, std::error_code& ec) {
  if (!socket_.is_open()) {
    ec = asio::error::operation_aborted;
    return 0;
  }
  ERR_clear_error();
  const int n = SSL_read(ssl_.get(), into.data(), static_cast<int>(std::min<std::size_t>(into.size(), INT_MAX)));
  read_wants_write_ = false;
  if (n > 0) {
    ec.clear();
    return static_cast<std::size_t>(n);
  }
  bool want_write = false;
  ec = ssl_error(n, want_write);
  if (ec == asio::error::would_block) read_wants_write_ = want_write;
  return 0;
}

void TlsConnection::async_write_all(asio::const_buffer b, IoHandler h) {
  auto self = shared_from_this();
  asio::post(socket_.get_executor(), [this, self, b, h = std::move(h)]() mutable { write_step(b, 0, std::move(h)); });
}

void TlsConnection::write_step(asio::const_buffer rest, std::size_t done, IoHandler h) {
  if (!socket_.is_open()) {
    h(asio::error::operation_aborted, done);
    return;
  }
  while (rest.size() > 0) {
    ERR_clear_error();
    const int n = SSL_write(ssl_.get(), rest.data(), static_cast<int>(std::min<std::size_t>(rest.size(), INT_MAX)));
    if (n > 0) {
      rest += static_cast<std::size_t>(n);
      done += static_cast<std::size_t>(n);
      continue;
    }
    bool want_write = false;
    const std::error_code ec = ssl_error(n, want_write);
    if (ec != asio::error::would_block) {
      h(ec, done);
      return;
    }
    wait(want_write, [this, rest, done, h](const std::error_code& wec) {
      if (wec) h(wec, done);
      else write_step(rest, done, h);
    });
    return;
  }
  h({}, done);
}

void TlsConnection::async_shutdown(Handler h) {
  // Stop the pending read so the shutdown owns the socket; it sends close_notify and waits (bounded by
  // ConnectionLimits::close_timeout) for the peer's.
  std::error_code ignored;
  socket_.cancel(ignored);
  auto self = shared_from_this();
  asio::post(socket_.get_executor(), [this, self, h = std::move(h)]() mutable { shutdown_step(std::move(h), false); });
}

void TlsConnection::shutdown_step(Handler h, bool sent) {
  if (!socket_.is_open()) {
    h(asio::error::operation_aborted);
    return;
  }
  if (!sent) {
    ERR_clear_error();
    const int r = SSL_shutdown(ssl_.get());
    if (r == 1) {
      h({});
      return;
    }
    if (r < 0) {
      bool want_write = false;
      const std::error_code ec = ssl_error(r, want_write);
      if (ec != asio::error::would_block) {
        h(ec);
        return;
      }
      wait(want_write, [this, h](const std::error_code& wec) {
        if (wec) h(wec);
        else shutdown_step(h, false);
      });
      return;
    }
  }
  // close_notify sent: read (and drop) until the peer's arrives.
  std::uint8_t scratch[256];
  while (true) {
    ERR_clear_error();
    const int n = SSL_read(ssl_.get(), scratch, sizeof scratch);
    if (n > 0) continue;
    bool want_write = false;
    const std::error_code ec = ssl_error(n, want_write);
    if (ec != asio::error::would_block) {
      h(ec == asio::error::eof ? std::error_code{} : ec);
      return;
    }
    wait(want_write, [this, h](const std::error_code& wec) {
      if (wec) h(wec);
      else shutdown_step(h, true);
    });
    return;
  }
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

void TlsConnection::handshake_done() {
  tls_info_ = std::make_shared<const TlsSessionInfo>(collect_session_info(ssl_.get(), verifying_));
}

}  // namespace sotto::io
