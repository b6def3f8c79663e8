#include "io/stream_transport.hpp"

#include <algorithm>
#include <asio/ip/v6_only.hpp>
#include <atomic>

#include "io/system_clock.hpp"

namespace sotto::io {

ConnectionId next_connection_id() noexcept {
  static std::atomic<ConnectionId> next{1};
  return next.fetch_add(1, std::memory_order_relaxed);
}

StreamTransport::StreamTransport(asio::io_context& io, TransportKind kind, EventHandler on_event,
                                 StreamTransportOptions options)
    : io_(io),
      options_(options),
      kind_(kind),
      on_event_(std::move(on_event)),
      clock_(options.clock != nullptr ? options.clock : &system_clock()),
      log_refused_(std::string(to_string(kind)) + " connection refused", options.log_interval, *clock_, io, options.log),
      log_evicted_(std::string(to_string(kind)) + " connection evicted", options.log_interval, *clock_, io, options.log),
      log_deadline_(std::string(to_string(kind)) + " connection closed on a deadline", options.log_interval, *clock_, io,
                    options.log) {}

StreamTransport::~StreamTransport() {
  alive_.reset();
  for (auto& l : listeners_) {
    std::error_code ignored;
    l->acceptor.close(ignored);
  }
  auto conns = std::move(connections_);
  for (auto& [id, c] : conns) {
    c->detach();
    c->abort();
  }
}

Result<Endpoint> StreamTransport::listen(const Endpoint& local) {
  if (Status s = can_listen(); !s) {
    return fail(s.error().code, std::string(to_string(kind_)) + " listener on " + local.to_string() + ": " +
                                    s.error().context);
  }
  auto l = std::make_unique<Listener>(Listener{asio::ip::tcp::acceptor(io_), local});
  const std::string what = std::string(to_string(kind_)) + " listener on " + local.to_string();
  std::error_code ec;
  const auto ep = local.tcp();
  l->acceptor.open(ep.protocol(), ec);
  if (!ec) l->acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
  if (!ec && local.address.is_v6()) l->acceptor.set_option(asio::ip::v6_only(true), ec);
  if (!ec) l->acceptor.bind(ep, ec);
  if (!ec) l->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) return fail(Errc::io_error, what + ": " + ec.message());
  const auto bound = l->acceptor.local_endpoint(ec);
  if (ec) return fail(Errc::io_error, what + ": " + ec.message());
  l->local = Endpoint::from(bound);
  listeners_.push_back(std::move(l));
  accept_next(*listeners_.back());
  return listeners_.back()->local;
}

std::vector<Endpoint> StreamTransport::local_endpoints() const {
  std::vector<Endpoint> out;
  for (const auto& l : listeners_) out.push_back(l->local);
  return out;
}

void StreamTransport::stop_listening() {
  for (auto& l : listeners_) {
    std::error_code ignored;
    l->acceptor.close(ignored);
  }
}

void StreamTransport::accept_next(Listener& l) {
  std::weak_ptr<int> alive = alive_;
  l.acceptor.async_accept([this, alive, &l](const std::error_code& ec, asio::ip::tcp::socket socket) {
    if (alive.expired() || ec == asio::error::operation_aborted || !l.acceptor.is_open()) return;
    if (!ec) on_accepted(std::move(socket));
    // On accept errors (EMFILE, ...) keep listening; the next connection may succeed.
    if (!alive.expired()) accept_next(l);
  });
}

void StreamTransport::on_accepted(asio::ip::tcp::socket socket) {
  std::error_code rec;
  const auto remote = socket.remote_endpoint(rec);
  if (rec) return;  // reset before we looked at it; nothing to report
  const Endpoint from = Endpoint::from(remote);
  auto refuse = [&](const std::string& why) {
    std::error_code ignored;
    socket.close(ignored);
    log_refused_.note("from " + from.address.to_string() + ": " + why);
  };
  if (options_.max_connections_per_source > 0 &&
      unpinned_from(from.address) >= options_.max_connections_per_source) {
    ++counters_.refused_per_source;
    refuse(std::to_string(options_.max_connections_per_source) +
           " connections without a dialog or registration already (max_connections_per_source)");
    return;
  }
  if (connections_.size() >= options_.max_connections && !make_room("a connection from " + from.to_string())) {
    ++counters_.refused_full;
    refuse(std::to_string(connections_.size()) + " connections, all in use (max_connections)");
    return;
  }
  auto c = make_connection(next_connection_id(), true, from, {}, std::move(socket));
  adopt(c);
  c->start_accepted();
}

std::size_t StreamTransport::unpinned_from(const asio::ip::address& a) const {
  std::size_t n = 0;
  for (const auto& [id, c] : connections_) {
    if (c->inbound() && !c->pinned() && c->remote().address == a) ++n;
  }
  return n;
}

bool StreamTransport::make_room(const std::string& for_whom) {
  std::shared_ptr<Connection> victim;
  for (const auto& [id, c] : connections_) {
    if (c->pinned() || c->state() == Connection::State::closed) continue;
    if (!victim || c->last_activity() < victim->last_activity()) victim = c;
  }
  if (!victim) return false;
  ++counters_.evicted;
  const auto idle = std::chrono::duration_cast<std::chrono::milliseconds>(clock_->now() - victim->last_activity());
  log_evicted_.note(victim->describe() + " (idle " + std::to_string(idle.count()) + " ms) for " + for_whom +
                    " (max_connections " + std::to_string(options_.max_connections) + ")");
  victim->evict();  // its ConnectionClosed event removes it from the table
  return true;
}

Status StreamTransport::set_pinned(ConnectionId id, bool pinned) {
  auto it = connections_.find(id);
  if (it == connections_.end()) {
    return fail(Errc::not_found, std::string(to_string(kind_)) + " connection " + std::to_string(id) + " is gone");
  }
  it->second->set_pinned(pinned);
  return {};
}

void StreamTransport::note_framing(ConnectionId id, bool mid_message, std::size_t completed) {
  if (auto it = connections_.find(id); it != connections_.end()) it->second->note_framing(mid_message, completed);
}

void StreamTransport::check_deadlines() {
  std::vector<std::shared_ptr<Connection>> all;
  for (auto& [id, c] : connections_) all.push_back(c);
  const Timestamp now = clock_->now();
  for (auto& c : all) c->handle_timeout(now);
}

void StreamTransport::adopt(const std::shared_ptr<Connection>& c) {
  connections_.emplace(c->id(), c);
  by_remote_.emplace(c->remote(), c->id());
}

Result<ConnectionId> StreamTransport::connect(const Endpoint& remote, const ConnectOptions& options) {
  if (Status s = can_connect(); !s) return Unexpected(s.error());
  if (connections_.size() >= options_.max_connections && !make_room("a connection to " + remote.to_string())) {
    ++counters_.refused_full;
    return fail(Errc::limit_exceeded, std::string(to_string(kind_)) + " connect to " + remote.to_string() +
                                          ": already " + std::to_string(connections_.size()) +
                                          " connections, all carrying a dialog or registration (max_connections)");
  }
  if (remote.port == 0 || remote.address.is_unspecified()) {
    return fail(Errc::invalid_argument, "cannot connect to " + remote.to_string());
  }
  asio::ip::tcp::socket socket(io_);
  std::error_code ec;
  socket.open(remote.tcp().protocol(), ec);
  if (ec) return fail(Errc::io_error, "connect to " + remote.to_string() + ": " + ec.message());
  auto c = make_connection(next_connection_id(), false, remote, options, std::move(socket));
  adopt(c);
  c->start_connect();
  return c->id();
}

Status StreamTransport::send(ConnectionId id, std::span<const std::uint8_t> message) {
  auto it = connections_.find(id);
  if (it == connections_.end()) {
    return fail(Errc::not_found, std::string(to_string(kind_)) + " connection " + std::to_string(id) + " is gone");
  }
  return it->second->send(message);
}

Status StreamTransport::close(ConnectionId id) {
  auto it = connections_.find(id);
  if (it == connections_.end()) {
    return fail(Errc::not_found, std::string(to_string(kind_)) + " connection " + std::to_string(id) + " is gone");
  }
  it->second->close();
  return {};
}

void StreamTransport::close_all() {
  std::vector<std::shared_ptr<Connection>> all;
  for (auto& [id, c] : connections_) all.push_back(c);
  for (auto& c : all) c->close();
}

std::shared_ptr<Connection> StreamTransport::find(ConnectionId id) const {
  auto it = connections_.find(id);
  return it == connections_.end() ? nullptr : it->second;
}

std::shared_ptr<Connection> StreamTransport::find_by_remote(const Endpoint& remote,
                                                            const std::string* server_name) const {
  std::shared_ptr<Connection> best;
  auto [b, e] = by_remote_.equal_range(remote);
  for (auto it = b; it != e; ++it) {
    auto c = find(it->second);
    if (!c) continue;
    const auto st = c->state();
    if (st == Connection::State::closing || st == Connection::State::closed) continue;
    if (server_name != nullptr && c->server_name() != *server_name) continue;
    // Prefer open over still-connecting, then the newest.
    auto rank = [](const Connection& x) { return x.state() == Connection::State::open ? 1 : 0; };
    if (!best || rank(*c) > rank(*best) || (rank(*c) == rank(*best) && c->id() > best->id())) best = c;
  }
  return best;
}

void StreamTransport::on_connection_open(Connection& c) {
  ConnectionOpened ev{c.id(), kind_, c.inbound(), c.local(), c.remote(), c.shared_tls_info()};
  on_event_(std::move(ev));
}

void StreamTransport::on_connection_data(Connection& c, std::span<const std::uint8_t> bytes) {
  on_event_(Received{kind_, c.id(), c.local(), c.remote(), std::vector<std::uint8_t>(bytes.begin(), bytes.end())});
}

void StreamTransport::on_connection_closed(Connection& c, CloseReason reason, std::optional<Error> error,
                                           std::size_t unsent_bytes) {
  auto [b, e] = by_remote_.equal_range(c.remote());
  for (auto it = b; it != e; ++it) {
    if (it->second == c.id()) {
      by_remote_.erase(it);
      break;
    }
  }
  auto keep = find(c.id());  // the Connection object survives until its pending handlers finish
  connections_.erase(c.id());
  // Inbound connections closed by a deadline, and evictions, are logged here (summarised); the event
  // says so, so that the layer above does not log them once more.
  bool logged = reason == CloseReason::evicted;  // make_room() logged it
  auto note = [&](std::string_view fallback) {
    if (!c.inbound()) return;
    log_deadline_.note(error ? error->context : c.describe() + ": " + std::string(fallback));
    logged = true;
  };
  switch (reason) {
    case CloseReason::handshake_failed:
      if (c.closed_by_deadline()) {
        ++counters_.handshake_timeouts;
        note("handshake timeout");
      }
      break;
    case CloseReason::message_timeout:
      ++counters_.message_timeouts;
      note("message timeout");
      break;
    case CloseReason::idle_timeout:
      ++counters_.idle_timeouts;
      note("idle");
      break;
    default: break;
  }
  on_event_(ConnectionClosed{c.id(), kind_, c.inbound(), c.was_open(), c.remote(), reason, std::move(error),
                             unsent_bytes, logged});
}

}  // namespace sotto::io
