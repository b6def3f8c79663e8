#pragma once
// StreamTransport: listeners, outbound connects and the connection table shared by TCP and TLS.
//
//   io::TcpTransport tcp(io_context, on_event);
//   auto bound = tcp.listen(*io::Endpoint::parse("127.0.0.1:0"));       // ephemeral port, read back
//   auto id = tcp.connect(peer); tcp.send(*id, bytes);                   // queued until connected

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/result.hpp"
#include "io/connection.hpp"
#include "io/connection_owner.hpp"
#include "io/log_summary.hpp"
#include "io/transport_event.hpp"

namespace sotto::io {

struct StreamTransportOptions {
  // At this many connections a new one (inbound or outbound) evicts the connection without a dialog
  // or registration that has been idle longest; when every one is pinned, the new one is refused.
  std::size_t max_connections = 1024;
  // Inbound connections from one IP address that carry no dialog and no registration (not pinned);
  // beyond this a new one from that address is refused at accept. 0 = no limit.
  std::size_t max_connections_per_source = 32;
  ConnectionLimits limits = {};
  // Where deadlines read the time; null = the system clock.
  const Clock* clock = nullptr;
  // Refusals, evictions and deadline closes, summarised: one line per `log_interval` and kind.
  std::function<void(std::string_view)> log = {};
  Duration log_interval = std::chrono::seconds(10);
};

// Counts since the transport was created.
struct StreamCounters {
  std::uint64_t refused_per_source = 0;  // over max_connections_per_source
  std::uint64_t refused_full = 0;        // at max_connections with nothing to evict
  std::uint64_t evicted = 0;             // made room at max_connections
  std::uint64_t handshake_timeouts = 0;
  std::uint64_t message_timeouts = 0;    // no first message in time, or a message too slow
  std::uint64_t idle_timeouts = 0;
};

struct ConnectOptions {
  // TLS: the SIP domain the server certificate must name (RFC 5922 7.3) and the SNI. Empty: the IP.
  std::string server_name;
};

class StreamTransport : protected ConnectionOwner {
 public:
  StreamTransport(const StreamTransport&) = delete;
  StreamTransport& operator=(const StreamTransport&) = delete;
  // Aborts every connection without events and closes the listeners.
  virtual ~StreamTransport();

  TransportKind kind() const noexcept { return kind_; }

  // Binds and listens; may be called for several addresses (IPv4 and IPv6). Returns the bound
  // endpoint, so port 0 yields the ephemeral port chosen.
  Result<Endpoint> listen(const Endpoint& local);
  std::vector<Endpoint> local_endpoints() const;
  // Closes every listener (no new inbound connections); live connections stay. For a draining server.
  void stop_listening();

  // Starts a connection; ConnectionOpened or ConnectionClosed (connect_failed/handshake_failed) follows.
  Result<ConnectionId> connect(const Endpoint& remote, const ConnectOptions& options = {});
  Status send(ConnectionId id, std::span<const std::uint8_t> message);
  Status close(ConnectionId id);
  void close_all();

  std::shared_ptr<Connection> find(ConnectionId id) const;
  // Reuse (RFC 5923 spirit): a live connection whose remote is exactly `remote` (inbound or outbound),
  // and, when `server_name` is given, whose certificate was checked against that name. Newest first.
  std::shared_ptr<Connection> find_by_remote(const Endpoint& remote, const std::string* server_name = nullptr) const;
  std::size_t connection_count() const noexcept { return connections_.size(); }
  // Connections refused at accept (per-source limit or full), in all.
  std::size_t rejected_count() const noexcept { return counters_.refused_per_source + counters_.refused_full; }
  const StreamCounters& counters() const noexcept { return counters_; }

  // A dialog or registration uses this connection (see Connection::set_pinned).
  Status set_pinned(ConnectionId id, bool pinned);
  // The SIP framing of a connection's received bytes (see Connection::note_framing).
  void note_framing(ConnectionId id, bool mid_message, std::size_t completed);
  // Runs every connection's deadline check against the clock now. The connections' timers do this on
  // their own; tests that advance a FakeClock call it.
  void check_deadlines();
  const Clock& clock() const noexcept { return *clock_; }

 protected:
  StreamTransport(asio::io_context& io, TransportKind kind, EventHandler on_event, StreamTransportOptions options);

  ConnectionOwner* owner() noexcept { return this; }
  virtual Status can_listen() const { return {}; }
  virtual Status can_connect() const { return {}; }
  virtual std::shared_ptr<Connection> make_connection(ConnectionId id, bool inbound, const Endpoint& remote,
                                                      const ConnectOptions& options,
                                                      asio::ip::tcp::socket socket) = 0;

  void on_connection_open(Connection& c) override;
  void on_connection_data(Connection& c, std::span<const std::uint8_t> bytes) override;
  void on_connection_closed(Connection& c, CloseReason reason, std::optional<Error> error,
                            std::size_t unsent_bytes) override;

  asio::io_context& io_;
  const StreamTransportOptions options_;

 private:
  struct Listener {
    asio::ip::tcp::acceptor acceptor;
    Endpoint local;
  };
  void accept_next(Listener& l);
  void on_accepted(asio::ip::tcp::socket socket);
  void adopt(const std::shared_ptr<Connection>& c);
  // At max_connections: evicts the unpinned connection idle longest. False when none can go.
  bool make_room(const std::string& for_whom);
  std::size_t unpinned_from(const asio::ip::address& a) const;

  TransportKind kind_;
  EventHandler on_event_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::unordered_map<ConnectionId, std::shared_ptr<Connection>> connections_;
  std::unordered_multimap<Endpoint, ConnectionId, EndpointHash> by_remote_;
  StreamCounters counters_;
  const Clock* clock_;
  LogSummary log_refused_;
  LogSummary log_evicted_;
  LogSummary log_deadline_;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // handlers check it before touching `this`
};

// Process-wide, never reused.
ConnectionId next_connection_id() noexcept;

}  // namespace sotto::io
