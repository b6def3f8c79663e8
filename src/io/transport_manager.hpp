#pragma once
// TransportManager: the UDP, TCP and TLS transports of one SIP endpoint, behind one event handler.
//
//   io::TransportManager tm(io_context, on_event, {.tls_server = srv_cfg, .tls_client = cli_cfg});
//   for (auto spec : {"udp://127.0.0.1:5060", "tcp://127.0.0.1:5060", "tls://127.0.0.1:5061"}) tm.listen(spec);
//   tm.send_to(io::TransportKind::tls, peer, bytes);   // reuses a live connection to `peer`, else connects

#include <memory>
#include <optional>
#include <string_view>

#include "base/result.hpp"
#include "io/listen_spec.hpp"
#include "io/stream_transport.hpp"
#include "io/tcp_transport.hpp"
#include "io/tls_config.hpp"
#include "io/tls_transport.hpp"
#include "io/udp_transport.hpp"

namespace sotto::io {

struct TransportManagerOptions {
  std::optional<TlsConfig> tls_server;  // needed for tls:// listeners
  std::optional<TlsConfig> tls_client;  // needed for outbound TLS; default-constructed = system CAs
  StreamTransportOptions stream;
  UdpOptions udp;
};

class TransportManager {
 public:
  TransportManager(asio::io_context& io, EventHandler on_event, TransportManagerOptions options = {});
  TransportManager(const TransportManager&) = delete;
  TransportManager& operator=(const TransportManager&) = delete;

  // Opens a listener; returns the bound endpoint (port 0 = ephemeral). TLS contexts are created on
  // first use, so certificate problems surface here with the file names in the message.
  Result<Endpoint> listen(const ListenSpec& spec);
  Result<Endpoint> listen(std::string_view spec);

  // Sends on a known connection (a response goes back on the connection its request came in on).
  Status send(ConnectionId id, std::span<const std::uint8_t> message);
  // Sends to `remote`: UDP directly; TCP/TLS on a live connection to exactly that endpoint (RFC 5923
  // style reuse, TLS only when its verified name equals options.server_name), else on a new one.
  // Returns the connection used (0 for UDP).
  Result<ConnectionId> send_to(TransportKind kind, const Endpoint& remote, std::span<const std::uint8_t> message,
                               const ConnectOptions& options = {});
  Status close(ConnectionId id);

  // Builds a new TLS server context from `config` (certificate and key read again from disk) and uses it
  // for handshakes from now on; live connections keep theirs. On error nothing changes.
  Status reload_tls_server(const TlsConfig& config);
  // Closes the TCP and TLS listeners (live connections stay; UDP keeps receiving). For draining.
  void stop_listening();

  // A dialog or registration uses the connection `id` (true) or no longer does (false). Pinned
  // connections have no idle deadline, do not count against max_connections_per_source and are never
  // evicted. UDP flows and unknown ids: not_found.
  Status set_flow_pinned(ConnectionId id, bool pinned);
  // From the SIP framing of the bytes just received on `id`: messages completed in them and whether a
  // message is now partly received (first-message, per-message and idle deadlines).
  void note_framing(ConnectionId id, bool mid_message, std::size_t completed);
  // Every connection's deadlines against the clock now (tests with a FakeClock).
  void check_deadlines();
  // TCP and TLS counters added up.
  StreamCounters counters() const;
  asio::io_context& io_context() noexcept { return io_; }
  const Clock& clock() const noexcept;

  std::shared_ptr<Connection> find(ConnectionId id) const;
  std::shared_ptr<Connection> find_by_remote(TransportKind kind, const Endpoint& remote) const;

  UdpTransport* udp() noexcept { return udp_.get(); }
  // The TCP or TLS transport to connect out with, created on first use when nothing listens on it (a
  // phone without a certificate still connects to TLS servers).
  Result<StreamTransport*> client_transport(TransportKind kind);
  TcpTransport* tcp() noexcept { return tcp_.get(); }
  TlsTransport* tls() noexcept { return tls_.get(); }
  std::vector<ListenSpec> listeners() const;

 private:
  Status ensure_tls();
  StreamTransport* stream(TransportKind kind) noexcept;

  asio::io_context& io_;
  EventHandler on_event_;
  TransportManagerOptions options_;
  std::unique_ptr<UdpTransport> udp_;
  std::unique_ptr<TcpTransport> tcp_;
  std::unique_ptr<TlsTransport> tls_;
};

}  // namespace sotto::io
