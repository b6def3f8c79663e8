#pragma once
// Connection: one TCP or TLS stream to a SIP peer, with a send queue, deadlines and close events.
//
//   std::shared_ptr<io::Connection> c = tls.find_by_remote(peer);   // RFC 5923-style reuse
//   if (c) c->send(bytes);            // queued; each message is written whole, never interleaved
//   c->close();                       // flushes the queue, then TLS close_notify / FIN
//
// Deadlines (ConnectionLimits) are read from an io::Clock, so tests drive them with a FakeClock and
// handle_timeout(). An idle connection holds no read buffer: it waits for readability and reads into
// one buffer shared by all connections of the thread.

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <chrono>
#include <cstdint>
#include <list>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "io/clock.hpp"
#include "io/connection_owner.hpp"
#include "io/timer.hpp"
#include "io/transport_event.hpp"

namespace sotto::io {

struct ConnectionLimits {
  std::size_t max_buffered_bytes = 1 << 20;  // queued, not yet written
  // Outbound: TCP connect.
  std::chrono::milliseconds connect_timeout{std::chrono::seconds(10)};
  // TLS handshake, from the first byte we wait for (inbound and outbound).
  std::chrono::milliseconds handshake_timeout{std::chrono::seconds(5)};
  // Inbound: from open (handshake done) to the first complete SIP message. 0 = never.
  std::chrono::milliseconds first_message_timeout{std::chrono::seconds(10)};
  // A message once its first byte arrived, until its last (a slowly dripped body). 0 = never.
  std::chrono::milliseconds message_timeout{std::chrono::seconds(30)};
  // No message either way on a connection that carries no dialog and no registration (not pinned).
  // Pinned connections have no idle deadline. 0 = never.
  std::chrono::milliseconds idle_timeout{std::chrono::seconds(60)};
  std::chrono::milliseconds close_timeout{std::chrono::seconds(2)};  // wait for the peer's close_notify
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
  const TlsSessionInfo* tls_info() const noexcept { return tls_info_.get(); }
  const std::shared_ptr<const TlsSessionInfo>& shared_tls_info() const noexcept { return tls_info_; }
  std::size_t buffered_bytes() const noexcept { return buffered_; }
  bool was_open() const noexcept;
  std::string describe() const;  // "tls connection 7 to 127.0.0.1:5061"

  // Queues one whole message. Before the connection opens, messages wait for it.
  Status send(std::span<const std::uint8_t> message);
  // Graceful: flush queued messages, then shut down. The ConnectionClosed event follows.
  void close();
  // Immediate: drop queued messages and close the socket.
  void abort();
  // Immediate, to make room for a new connection (CloseReason::evicted).
  void evict();

  // Pinned: the connection carries a dialog or a registration. It has no idle deadline, never counts
  // against the per-source limit and is never evicted.
  void set_pinned(bool pinned);
  bool pinned() const noexcept { return pinned_; }
  // From the SIP framing above: `completed` messages ended in the bytes just delivered, and whether a
  // message is now partly received. Drives the first-message, per-message and idle deadlines.
  void note_framing(bool mid_message, std::size_t completed);
  // When nothing was received or sent for the idle deadline (the last message either way, or open).
  Timestamp last_activity() const noexcept { return last_activity_; }
  // A deadline (connect, handshake, message, idle) closed it.
  bool closed_by_deadline() const noexcept { return deadline_hit_; }

  // The earliest deadline in force, and what to do when it has passed (the timer calls it; tests that
  // advance a FakeClock call it too).
  std::optional<Timestamp> next_deadline() const;
  void handle_timeout(Timestamp now);

  // For the owning transport.
  void start_accepted();
  void start_connect();
  void detach() noexcept { owner_ = nullptr; }
  // Test-only: the OS socket, e.g. to check TCP_NODELAY with getsockopt.
  int native_handle_ForTest() { return tcp_socket().native_handle(); }

 protected:
  using Handler = std::function<void(const std::error_code&)>;
  using IoHandler = std::function<void(const std::error_code&, std::size_t)>;

  Connection(asio::io_context& io, const Clock& clock, ConnectionId id, TransportKind kind, bool inbound,
             Endpoint remote, std::string server_name, ConnectionLimits limits, ConnectionOwner* owner);

  virtual asio::ip::tcp::socket& tcp_socket() = 0;
  virtual void async_handshake(Handler h) = 0;
  // Before waiting for the socket: bytes already decrypted and waiting (TLS), so read_now() at once.
  virtual bool has_pending_bytes() const { return false; }
  // The next read_now() needs the socket writable rather than readable (a TLS 1.3 KeyUpdate reply).
  virtual bool read_waits_for_write() const { return false; }
  // Non-blocking: bytes read, or an error; asio::error::would_block = wait again.
  virtual std::size_t read_now(std::span<std::uint8_t> into, std::error_code& ec) = 0;
  virtual void async_write_all(asio::const_buffer b, IoHandler h) = 0;
  virtual void async_shutdown(Handler h) = 0;
  virtual Error handshake_error(const std::error_code& ec) const = 0;
  virtual Error read_error(const std::error_code& ec) const;
  virtual bool is_orderly_end(const std::error_code& ec) const;
  virtual void handshake_done() {}

  std::shared_ptr<const TlsSessionInfo> tls_info_;

 private:
  void start_handshake();
  void close_with(CloseReason reason, std::optional<Error> why = std::nullopt);
  void read_next();
  void read_available();
  void write_next();
  void begin_shutdown();
  void arm_timer();
  void finish(CloseReason reason, std::optional<Error> error);
  std::string ms(std::chrono::milliseconds d) const { return std::to_string(d.count()) + " ms"; }

  const Clock& clock_;
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
  bool pinned_ = false;
  bool framing_reported_ = false;  // the SIP layer reports messages: raw reads no longer count as activity
  bool first_message_seen_ = false;
  bool deadline_hit_ = false;
  CloseReason close_reason_ = CloseReason::local_close;
  std::optional<Error> close_error_;
  std::list<std::vector<std::uint8_t>> queue_;  // not std::deque: its first block is allocated even when empty
  std::size_t buffered_ = 0;
  Timer timer_;
  Timestamp started_;
  Timestamp handshake_started_;
  Timestamp opened_;
  Timestamp last_activity_;
  std::optional<Timestamp> message_started_;
  Timestamp closing_since_;
};

}  // namespace sotto::io
