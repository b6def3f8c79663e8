#pragma once
// StreamTransport: listeners, outbound connects and the connection table shared by TCP and TLS.
//
//   io::TcpTransport tcp(io_context, on_event);
//   auto bound = tcp.listen(*io::Endpoint::parse("127.0.0.1:0"));       // ephemeral port, read back
//   auto id = tcp.connect(peer); tcp.send(*id, bytes);                   // queued until connected

#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/result.hpp"
#include "io/connection.hpp"
#include "io/connection_owner.hpp"
#include "io/transport_event.hpp"

namespace sotto::io {

struct StreamTransportOptions {
  std::size_t max_connections = 1024;  // inbound beyond this are closed at once; outbound refused
  ConnectionLimits limits;
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
  std::size_t rejected_count() const noexcept { return rejected_; }

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
  void adopt(const std::shared_ptr<Connection>& c);

  TransportKind kind_;
  EventHandler on_event_;
  std::vector<std::unique_ptr<Listener>> listeners_;
  std::unordered_map<ConnectionId, std::shared_ptr<Connection>> connections_;
  std::unordered_multimap<Endpoint, ConnectionId, EndpointHash> by_remote_;
  std::size_t rejected_ = 0;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);  // handlers check it before touching `this`
};

// Process-wide, never reused.
ConnectionId next_connection_id() noexcept;

}  // namespace sotto::io
