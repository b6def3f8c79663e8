#include "io/transport_manager.hpp"

#include "io/system_clock.hpp"

namespace sotto::io {

TransportManager::TransportManager(asio::io_context& io, EventHandler on_event, TransportManagerOptions options)
    : io_(io), on_event_(std::move(on_event)), options_(std::move(options)) {}

Status TransportManager::set_flow_pinned(ConnectionId id, bool pinned) {
  for (StreamTransport* t : {stream(TransportKind::tcp), stream(TransportKind::tls)}) {
    if (t != nullptr && t->find(id)) return t->set_pinned(id, pinned);
  }
  return fail(Errc::not_found, "connection " + std::to_string(id) + " is gone (or is not a connection)");
}

void TransportManager::note_framing(ConnectionId id, bool mid_message, std::size_t completed) {
  for (StreamTransport* t : {stream(TransportKind::tcp), stream(TransportKind::tls)}) {
    if (t != nullptr && t->find(id)) {
      t->note_framing(id, mid_message, completed);
      return;
    }
  }
}

void TransportManager::check_deadlines() {
  for (StreamTransport* t : {stream(TransportKind::tcp), stream(TransportKind::tls)}) {
    if (t != nullptr) t->check_deadlines();
  }
}

StreamCounters TransportManager::counters() const {
  StreamCounters sum;
  for (const StreamTransport* t : {static_cast<const StreamTransport*>(tcp_.get()), static_cast<const StreamTransport*>(tls_.get())}) {
    if (t == nullptr) continue;
    const StreamCounters& c = t->counters();
    sum.refused_per_source += c.refused_per_source;
    sum.refused_full += c.refused_full;
    sum.evicted += c.evicted;
    sum.handshake_timeouts += c.handshake_timeouts;
    sum.message_timeouts += c.message_timeouts;
    sum.idle_timeouts += c.idle_timeouts;
  }
  return sum;
}

const Clock& TransportManager::clock() const noexcept {
  return options_.stream.clock != nullptr ? *options_.stream.clock : system_clock();
}

Status TransportManager::ensure_tls() {
  if (tls_) return {};
  std::shared_ptr<TlsContext> server;
  std::shared_ptr<TlsContext> client;
  if (options_.tls_server) {
    auto s = TlsContext::create(TlsRole::server, *options_.tls_server);
    if (!s) return Unexpected(s.error());
    server = *s;
  }
  auto c = TlsContext::create(TlsRole::client, options_.tls_client.value_or(TlsConfig{}));
  if (!c) return Unexpected(c.error());
  client = *c;
  tls_ = std::make_unique<TlsTransport>(io_, on_event_, std::move(server), std::move(client), options_.stream);
  return {};
}

Status TransportManager::reload_tls_server(const TlsConfig& config) {
  auto s = TlsContext::create(TlsRole::server, config);
  if (!s) return Unexpected(s.error());
  options_.tls_server = config;
  if (tls_) tls_->set_server_context(*s);
  return {};
}

void TransportManager::stop_listening() {
  if (tcp_) tcp_->stop_listening();
  if (tls_) tls_->stop_listening();
}

Result<StreamTransport*> TransportManager::client_transport(TransportKind kind) {
  if (kind == TransportKind::udp) return fail(Errc::invalid_argument, "UDP has no connections");
  if (kind == TransportKind::tcp && !tcp_) tcp_ = std::make_unique<TcpTransport>(io_, on_event_, options_.stream);
  if (kind == TransportKind::tls) {
    if (Status s = ensure_tls(); !s) return Unexpected(s.error());
  }
  return stream(kind);
}

StreamTransport* TransportManager::stream(TransportKind kind) noexcept {
  switch (kind) {
    case TransportKind::tcp: return tcp_.get();
    case TransportKind::tls: return tls_.get();
    case TransportKind::udp: return nullptr;
  }
  return nullptr;
}

Result<Endpoint> TransportManager::listen(std::string_view spec) {
  auto parsed = parse_listen_spec(spec);
  if (!parsed) return Unexpected(parsed.error());
  return listen(*parsed);
}

Result<Endpoint> TransportManager::listen(const ListenSpec& spec) {
  switch (spec.kind) {
    case TransportKind::udp:
      if (!udp_) udp_ = std::make_unique<UdpTransport>(io_, on_event_, options_.udp);
      return udp_->listen(spec.local);
    case TransportKind::tcp:
      if (!tcp_) tcp_ = std::make_unique<TcpTransport>(io_, on_event_, options_.stream);
      return tcp_->listen(spec.local);
    case TransportKind::tls:
      if (!options_.tls_server) {
        return fail(Errc::invalid_argument, "listener " + spec.to_string() + ": no TLS server configuration "
                                                                              "(certificate and key)");
      }
      if (Status s = ensure_tls(); !s) return Unexpected(s.error());
      return tls_->listen(spec.local);
  }
  return fail(Errc::invalid_argument, "unknown transport");
}

std::vector<ListenSpec> TransportManager::listeners() const {
  std::vector<ListenSpec> out;
  if (udp_) for (const auto& e : udp_->local_endpoints()) out.push_back({TransportKind::udp, e});
  if (tcp_) for (const auto& e : tcp_->local_endpoints()) out.push_back({TransportKind::tcp, e});
  if (tls_) for (const auto& e : tls_->local_endpoints()) out.push_back({TransportKind::tls, e});
  return out;
}

Status TransportManager::send(ConnectionId id, std::span<const std::uint8_t> message) {
  for (StreamTransport* t : {static_cast<StreamTransport*>(tcp_.get()), static_cast<StreamTransport*>(tls_.get())}) {
    if (t != nullptr && t->find(id)) return t->send(id, message);
  }
  return fail(Errc::not_found, "connection " + std::to_string(id) + " is gone");
}

Result<ConnectionId> TransportManager::send_to(TransportKind kind, const Endpoint& remote,
                                               std::span<const std::uint8_t> message, const ConnectOptions& options) {
  if (kind == TransportKind::udp) {
    if (!udp_) return fail(Errc::invalid_state, "udp send to " + remote.to_string() + ": no UDP listener");
    if (Status s = udp_->send_to(remote, message); !s) return Unexpected(s.error());
    return ConnectionId{0};
  }
  if (kind == TransportKind::tcp && !tcp_) tcp_ = std::make_unique<TcpTransport>(io_, on_event_, options_.stream);
  if (kind == TransportKind::tls) {
    if (Status s = ensure_tls(); !s) return Unexpected(s.error());
  }
  StreamTransport* t = stream(kind);
  // TLS: reuse only a connection whose certificate was checked against the name wanted now; an
  // inbound connection (nothing checked) only serves sends that name no server.
  std::shared_ptr<Connection> c;
  if (kind == TransportKind::tls) {
    const std::string want = options.server_name.empty() ? remote.address.to_string() : options.server_name;
    c = t->find_by_remote(remote, &want);
    static const std::string kInbound;  // inbound TLS connections carry no checked name
    if (!c && options.server_name.empty()) c = t->find_by_remote(remote, &kInbound);
  } else {
    c = t->find_by_remote(remote);
  }
  ConnectionId id = 0;
  if (c) {
    id = c->id();
  } else {
    auto r = t->connect(remote, options);
    if (!r) return Unexpected(r.error());
    id = *r;
  }
  if (Status s = t->send(id, message); !s) return Unexpected(s.error());
  return id;
}

Status TransportManager::close(ConnectionId id) {
  for (StreamTransport* t : {static_cast<StreamTransport*>(tcp_.get()), static_cast<StreamTransport*>(tls_.get())}) {
    if (t != nullptr && t->find(id)) return t->close(id);
  }
  return fail(Errc::not_found, "connection " + std::to_string(id) + " is gone");
}

std::shared_ptr<Connection> TransportManager::find(ConnectionId id) const {
  if (tcp_) {
    if (auto c = tcp_->find(id)) return c;
  }
  if (tls_) return tls_->find(id);
  return nullptr;
}

std::shared_ptr<Connection> TransportManager::find_by_remote(TransportKind kind, const Endpoint& remote) const {
  if (kind == TransportKind::tcp && tcp_) return tcp_->find_by_remote(remote);
  if (kind == TransportKind::tls && tls_) return tls_->find_by_remote(remote);
  return nullptr;
}

}  // namespace sotto::io
