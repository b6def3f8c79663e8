#pragma once
// Connection: one TCP or TLS stream to a SIP peer, with a send queue, idle timeout and close events.
//
//   std::shared_ptr<io::Connection> c = tls.find_by_remote(peer);   // RFC 5923-style reuse
//   if (c) c->send(bytes);            // queued; each message is written whole, never interleaved
//   c->close();                       // flushes the queue, then TLS close_notify / FIN

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "io/connection_owner.hpp"
#include "io/transport_event.hpp"

namespace sotto::io {

struct ConnectionLimits {
  std::size_t max_buffered_bytes = 1 << 20;                     // queued, not yet written
  std::chrono::milliseconds idle_timeout{std::chrono::minutes(10)};  // 0 = never
  std::chrono::milliseconds handshake_timeout{std::chrono::seconds(10)};  // connect + TLS handshake
  std::chrono::milliseconds close_timeout{std::chrono::seconds(2)};  // wait for the peer's close_notify
  std::size_t read_chunk = 16 * 1024;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  enum class State : std::uint8_t { connecting, handshaking, open, closing, closed };

  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  virtual ~Connection();

  ConnectionId id() const noexcept { return id_; }
  TransportKind kind() const noexcept { return kind_; }
  bool inbound() const noexcept { return inbound_; }
  State state() const noexcept { return state_; }
  const Endpoint& remote() const noexcept { return remote_; }
  const Endpoint& local() const noexcept { return local_; }
  // TLS outbound: the name the certificate was checked against (host name or IP literal).
  const std::string& server_name() const noexcept { return server_name_; }
  const TlsSessionInfo* tls_info() const noexcept { return tls_info_ ? &*tls_info_ : nullptr; }
  std::size_t buffered_bytes() const noexcept { return buffered_; }
  bool was_open() const noexcept;
  std::string describe() const;  // "tls connection 7 to 127.0.0.1:5061"

  // Queues one whole message. Before the connection opens, messages wait for it.
  Status send(std::span<const std::uint8_t> message);
  // Graceful: flush queued messages, then shut down. The ConnectionClosed event follows.
  void close();
  // Immediate: drop queued messages and close the socket.
  void abort();

  // For the owning transport.
  void start_accepted();
  void start_connect();
  void detach() noexcept { owner_ = nullptr; }
  // Test-only: the OS socket, e.g. to check TCP_NODELAY with getsockopt.
  int native_handle_ForTest() { return tcp_socket().native_handle(); }

 protected:
  using Handler = std::function<void(const std::error_code&)>;
  using IoHandler = std::function<void(const std::error_code&, std::size_t)>;

  Connection(asio::io_context& io, ConnectionId id, TransportKind kind, bool inbound, Endpoint remote,
             std::string server_name, ConnectionLimits limits, ConnectionOwner* owner);

  virtual asio::ip::tcp::socket& tcp_socket() = 0;
  virtual void async_handshake(Handler h) = 0;
  virtual void async_read_some(asio::mutable_buffer b, IoHandler h) = 0;
  virtual void async_write_all(asio::const_buffer b, IoHandler h) = 0;
  virtual void async_shutdown(Handler h) = 0;
  virtual Error handshake_error(const std::error_code& ec) const = 0;
  virtual Error read_error(const std::error_code& ec) const;
  virtual bool is_orderly_end(const std::error_code& ec) const;
  virtual void handshake_done() {}

  std::optional<TlsSessionInfo> tls_info_;

 private:
  void start_handshake();
  void close_with(CloseReason reason);
  void read_next();
  void write_next();
  void begin_shutdown();
  void arm_timer();
  void on_timer();
  void finish(CloseReason reason, std::optional<Error> error);
  void touch() { last_activity_ = std::chrono::steady_clock::now(); }

  ConnectionId id_;
  TransportKind kind_;
  bool inbound_;
  Endpoint remote_;
  Endpoint local_;
  std::string server_name_;
  ConnectionLimits limits_;
  ConnectionOwner* owner_;
  State state_ = State::connecting;
  bool was_open_ = false;
  bool writing_ = false;
  bool shutting_down_ = false;
  CloseReason close_reason_ = CloseReason::local_close;
  std::deque<std::vector<std::uint8_t>> queue_;
  std::size_t buffered_ = 0;
  std::vector<std::uint8_t> read_buf_;
  asio::steady_timer timer_;
  std::chrono::steady_clock::time_point started_;
  std::chrono::steady_clock::time_point last_activity_;
  std::chrono::steady_clock::time_point closing_since_;
};

}  // namespace sotto::io
