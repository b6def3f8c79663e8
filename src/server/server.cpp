// Server: setup, the request dispatch, signals (drain, certificate reload) and the one timer.
#include "server/server.hpp"

#include <fmt/format.h>

#include <cctype>

#include "base/hex.hpp"
#include "core/sip/response_builder.hpp"
#include "crypto/random.hpp"
#include "io/tls_context.hpp"
#include "store/data_dir.hpp"

namespace sotto::server {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string uri_host(const io::Endpoint& ep) {  // "127.0.0.1", "[::1]"
  const std::string s = ep.to_string();
  return s.substr(0, s.rfind(':'));
}

std::string new_tag() {
  std::uint8_t b[8];
  crypto::random_bytes(b);
  return to_hex(std::span<const std::uint8_t>(b, sizeof b));
}

}  // namespace

Server::Server(asio::io_context& io, ServerOptions options, std::unique_ptr<store::Store> store, Log log)
    : io_(io), opts_(std::move(options)), store_(std::move(store)), log_(std::move(log)), timer_(io, clock_),
      signals_(io, SIGINT, SIGTERM, SIGHUP) {}

Server::~Server() = default;

io::TlsConfig Server::tls_server_config() {
  io::TlsConfig server;
  server.cert_chain_file = opts_.cert_file;
  server.key_file = opts_.key_file;
  // Mutual TLS when the phone wants it: a client certificate is asked for (not required) and, when one is
  // presented, it must chain to --ca-file or the data directory's CA (`sotto ca issue`); its subject goes
  // into the call record (legs[].peer_certificate).
  server.ca_file = opts_.ca_file.empty() ? opts_.ca_path : opts_.ca_file;
  server.request_client_cert = !server.ca_file.empty();
  server.on_warning = [this](std::string_view w) { log_(fmt::format("warning: {}", w)); };
  return server;
}

Status Server::start() {
  io::TlsConfig server = tls_server_config();
  // The certificate and key are checked before anything listens.
  if (auto ctx = io::TlsContext::create(io::TlsRole::server, server); !ctx) {
    return fail(Errc::invalid_argument, ctx.error().context);
  }
  io::TlsConfig client;
  client.ca_file = opts_.ca_file.empty() ? opts_.ca_path : opts_.ca_file;
  client.on_warning = server.on_warning;

  io::TransportManagerOptions tm;
  tm.tls_server = server;
  tm.tls_client = client;
  tm.stream.max_connections = opts_.max_connections;
  tm.stream.max_connections_per_source = opts_.max_connections_per_source;
  tm.stream.log = [this](std::string_view line) { log_(line); };
  transports_ = std::make_unique<io::TransportManager>(
      io_, [this](io::TransportEvent&& ev) { on_transport_event(std::move(ev)); }, tm);
  endpoint_ = std::make_unique<SipEndpoint>(
      *transports_, [this](Flow f, const FlowInfo& i, sip::SipMessage m) { on_message(f, i, std::move(m)); },
      [this](std::string_view line) { log_(line); });

  for (const std::string& d : opts_.domains) our_hosts_.push_back(lower(d));
  std::vector<std::pair<io::ListenSpec, io::Endpoint>> bound;
  for (const io::ListenSpec& spec : opts_.listen) {
    auto b = transports_->listen(spec);
    if (!b) return fail(Errc::io_error, "--listen " + spec.to_string() + ": " + b.error().context);
    bound.emplace_back(spec, *b);
    bound_.push_back(fmt::format("{}://{}", io::to_string(spec.kind), b->to_string()));
    our_hosts_.push_back(lower(uri_host(*b)));
    listener_hosts_.push_back(b->address.to_string());
  }

  const Duration every = std::chrono::seconds(10);
  auto summary = [&](std::string what) {
    return std::make_unique<io::LogSummary>(std::move(what), every, clock_, io_, [this](std::string_view l) { log_(l); });
  };
  auth_failures_log_ = summary("failed digest");
  blocked_log_ = summary("request from a blocked source dropped");
  refused_log_ = summary("REGISTER over a transport the account does not allow");
  refresh_log_ = summary("registration refreshed");

  accounts_ = std::make_unique<StoreAccounts>(*store_);
  {
    store::OpenOptions oo;
    oo.realm = opts_.realm;
    auto writer = store::open_data_dir(opts_.data_dir, oo);
    if (!writer) return fail(Errc::io_error, "database: " + writer.error().context);
    commits_ = std::make_unique<store::CommitQueue>(std::move(*writer));
  }
  registrar::RegistrarConfig rc;
  rc.realm = opts_.realm;
  rc.domains = opts_.domains;
  rc.addresses = listener_hosts_;
  registrar_ = std::make_unique<registrar::Registrar>(rc, *accounts_, crypto::system_random());
  if (Status st = restore_bindings(); !st) return st;
  if (Status st = start_calls(bound); !st) return st;
  start_retention();
  wait_for_signal();
  return {};
}

std::vector<std::string> Server::listeners() const { return bound_; }

int Server::run() {
  io_.run();
  return exit_status_;
}

// --- messages -------------------------------------------------------------------------------------------

void Server::on_transport_event(io::TransportEvent&& ev) {
  std::optional<io::ConnectionId> closed;
  if (auto* c = std::get_if<io::ConnectionClosed>(&ev)) {
    closed = c->connection;
    if (c->was_open) (c->kind == io::TransportKind::tls ? metrics_.connections_tls : metrics_.connections_tcp).dec();
  } else if (auto* o = std::get_if<io::ConnectionOpened>(&ev)) {
    (o->kind == io::TransportKind::tls ? metrics_.connections_tls : metrics_.connections_tcp).inc();
  }
  endpoint_->on_transport_event(std::move(ev));
  if (closed) {
    metrics_.connection_counters(transports_->counters());
    on_flow_closed(*closed);
  }
  follow_deadlines();
}

void Server::on_flow_closed(io::ConnectionId id) {
  const Flow flow = Flow::connection(id);
  if (registrar_) {
    auto marked = registrar_->flow_closed(flow);
    if (!marked.empty()) {
      log_(fmt::format("connection of {} binding(s) closed ({}...): reachable again when the phone re-registers",
                       marked.size(), marked.front().user));
    }
  }
  flow_bindings_.erase(flow.id);
  flow_dialogs_.erase(flow.id);
  std::erase_if(binding_flow_, [&](const auto& kv) { return kv.second == flow.id; });
  if (b2bua_) {
    const auto now = clock_.now();
    router_->flow_closed(flow, "connection closed");
    b2bua_->handle_transport_error(now, flow);
    // Pending flows of the B2BUA that were located to this connection fail with it.
    std::vector<Flow> pending;
    for (const auto& [pending_id, real] : located_) {
      if (real.id == flow.id) pending.push_back(Flow{pending_id, real.reliable});
    }
    for (Flow p : pending) {
      located_.erase(p.id);
      b2bua_->handle_transport_error(now, p);
    }
    pump();
  }
}

registrar::RequestContext Server::context_of(Flow flow, const FlowInfo& info) const {
  registrar::RequestContext c;
  c.flow = flow;
  c.transport = info.kind;
  c.source_ip = info.remote.address.to_string();
  c.source_port = info.remote.port;
  c.secure = info.secure;
  return c;
}

void Server::on_message(Flow flow, const FlowInfo& info, sip::SipMessage msg) {
  if (msg.is_request()) {
    on_request(flow, info, msg);
  } else {
    b2bua_->handle_message(clock_.now(), flow, context_of(flow, info), std::move(msg));
    pump();
  }
  follow_deadlines();
}

void Server::on_request(Flow flow, const FlowInfo& info, const sip::SipMessage& req) {
  const sip::MethodId m = req.method().id();
  if (m == sip::MethodId::register_) {
    if (draining_) {
      respond(flow, req, 503, "Service Unavailable", [](sip::SipMessage& r) { (void)r.add_raw("Retry-After", "30"); });
      return;
    }
    on_register(flow, info, req);
    return;
  }
  const bool in_dialog = [&] {
    auto to = req.header(sip::hdr::to);
    return to && to->params.has("tag");
  }();
  if (draining_ && m == sip::MethodId::invite && !in_dialog) {
    respond(flow, req, 503, "Service Unavailable", [](sip::SipMessage& r) { (void)r.add_raw("Retry-After", "30"); });
    return;
  }
  b2bua_->handle_message(clock_.now(), flow, context_of(flow, info), req);
  pump();
}

void Server::respond(Flow flow, const sip::SipMessage& req, int status, std::string_view reason,
                     const std::function<void(sip::SipMessage&)>& extra) {
  auto r = sip::make_response(req, status, reason, status >= 101 ? new_tag() : std::string());
  if (!r) return;
  (void)r->add_raw("Server", "sotto");  // no version (PEERS.md: sipvicious fingerprints versions)
  if (extra) extra(*r);
  if (Status st = endpoint_->send(flow, *r); !st) log_("response not sent: " + st.error().message());
}

// --- signals, drain, the timer --------------------------------------------------------------------------

void Server::wait_for_signal() {
  signals_.async_wait([this](std::error_code ec, int sig) {
    if (ec) return;
    if (sig == SIGHUP) reload_certificate();
    else drain();
    if (!stop_at_) wait_for_signal();
  });
}

void Server::reload_certificate() {
  const io::TlsConfig server = tls_server_config();
  if (Status st = transports_->reload_tls_server(server); !st) {
    log_("SIGHUP: certificate not reloaded, keeping the previous one: " + st.error().context);
    return;
  }
  log_(fmt::format("SIGHUP: reloaded certificate {} and key {} for new TLS connections", opts_.cert_file,
                   opts_.key_file));
}

void Server::drain() {
  const auto now = clock_.now();
  if (draining_) {  // a second SIGTERM: do not wait for the calls
    log_("second stop signal: ending calls now");
    finish_drain();
    return;
  }
  draining_ = true;
  draining_flag_ = true;
  transports_->stop_listening();
  const std::size_t calls = calls_.size();
  if (calls == 0) {
    log_("stopping: no new connections or calls; no call in progress");
    finish_drain();
    return;
  }
  log_(fmt::format("stopping: no new connections or calls; {} call(s) may run for {} s more", calls,
                   static_cast<double>(opts_.drain_timeout.count()) / 1000.0));
  drain_deadline_ = now + opts_.drain_timeout;
  follow_deadlines();
}

void Server::finish_drain() {
  if (stop_at_) return;
  drain_deadline_.reset();
  const bool had_calls = !calls_.empty();
  // Let the last messages (BYE, final responses) leave, and their answers come, before the io_context stops.
  stop_at_ = clock_.now() + std::chrono::milliseconds(had_calls ? 1000 : 300);
  std::error_code ec;
  signals_.cancel(ec);
  if (had_calls) end_calls("server shutting down");
  follow_deadlines();
}

void Server::follow_deadlines() {
  std::optional<io::Timestamp> next;
  auto take = [&](std::optional<io::Timestamp> t) {
    if (t && (!next || *t < *next)) next = t;
  };
  if (registrar_) take(registrar_->next_timeout());
  if (b2bua_) take(b2bua_->next_timeout());
  take(drain_deadline_);
  take(stop_at_);
  take(prune_at_);
  if (!next) {
    if (timer_.armed()) timer_.cancel();
    return;
  }
  if (timer_.deadline() != next) timer_.arm(*next, [this](io::Timestamp now) { on_timer(now); });
}

void Server::on_timer(io::Timestamp now) {
  metrics_.connection_counters(transports_->counters());
  if (stop_at_ && now >= *stop_at_) {
    log_("stopped");
    io_.stop();
    return;
  }
  if (registrar_) {
    if (auto t = registrar_->next_timeout(); t && now >= *t) registrar_timeout(now);
  }
  if (b2bua_) {
    if (auto t = b2bua_->next_timeout(); t && now >= *t) {
      b2bua_->handle_timeout(now);
      pump();
    }
  }
  if (prune_at_ && now >= *prune_at_) {
    prune_at_.reset();
    prune_step();
  }
  if (drain_deadline_ && now >= *drain_deadline_) {
    log_("drain timeout: ending the remaining calls");
    finish_drain();
    return;
  }
  follow_deadlines();
}

}  // namespace sotto::server
