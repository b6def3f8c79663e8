#include "runtime/sip_endpoint.hpp"

#include <cctype>

#include "core/sip/failure_status.hpp"
#include "core/sip/message_parser.hpp"
#include "core/sip/message_writer.hpp"

namespace sotto::runtime {
namespace {

std::span<const std::uint8_t> bytes_of(const std::string& s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// RFC 3261 18.3: a UDP request whose body is shorter than its Content-Length SHOULD get a 400. To build
// that response the headers must parse, so rewrite Content-Length (or "l") to the body actually there,
// and keep only the first of several (20.14: one Content-Length; a duplicate is refused the same way).
std::string with_actual_content_length(std::string_view bytes) {
  const auto end = bytes.find("\r\n\r\n");
  if (end == std::string_view::npos) return std::string(bytes);
  const std::size_t body = bytes.size() - (end + 4);
  std::string out;
  std::size_t pos = 0;
  bool have_length = false;
  while (pos < end + 2) {
    std::size_t eol = bytes.find("\r\n", pos);
    std::string_view line = bytes.substr(pos, eol - pos);
    std::string lower(line.substr(0, 15));
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if (lower.rfind("content-length", 0) == 0 || lower.rfind("l:", 0) == 0 || lower.rfind("l ", 0) == 0) {
      if (!have_length) out += "Content-Length: " + std::to_string(body) + "\r\n";
      have_length = true;
    } else {
      out += std::string(line) + "\r\n";
    }
    pos = eol + 2;
  }
  out += "\r\n";
  out += bytes.substr(end + 4);
  return out;
}

}  // namespace

SipEndpoint::SipEndpoint(io::TransportManager& transports, MessageHandler on_message, LogHandler log)
    : transports_(transports),
      on_message_(std::move(on_message)),
      log_(std::move(log)),
      malformed_log_("malformed SIP message dropped or refused", std::chrono::seconds(10), transports.clock(),
                     transports.io_context(), log_),
      inbound_failure_log_("inbound connection failed", std::chrono::seconds(10), transports.clock(),
                           transports.io_context(), log_) {}

void SipEndpoint::set_in_use(sip::txn::Flow flow, bool in_use) {
  if (!flow.reliable) return;
  (void)transports_.set_flow_pinned(flow.id, in_use);
}

sip::txn::Flow SipEndpoint::flow_for_udp(const io::Endpoint& local, const io::Endpoint& remote) {
  const std::string key = local.to_string() + "|" + remote.to_string();
  auto it = udp_flow_ids_.find(key);
  std::uint64_t id;
  if (it == udp_flow_ids_.end()) {
    id = sip::txn::Flow::udp(next_udp_flow_++).id;
    udp_flow_ids_[key] = id;
    flows_[id] = FlowInfo{io::TransportKind::udp, local, remote, false, nullptr, true};
  } else {
    id = it->second;
  }
  return sip::txn::Flow{id, false};  // id is already a FlowKind::udp key
}

void SipEndpoint::on_transport_event(io::TransportEvent&& ev) {
  if (auto* r = std::get_if<io::Received>(&ev)) {
    const std::string_view bytes(reinterpret_cast<const char*>(r->bytes.data()), r->bytes.size());
    if (r->kind == io::TransportKind::udp) {
      if (bytes.find_first_not_of("\r\n") == std::string_view::npos) return;  // keep-alive datagram
      deliver(flow_for_udp(r->local, r->remote), bytes, sip::Framing::datagram);
      return;
    }
    auto fit = framers_.find(r->connection);
    if (fit == framers_.end()) {
      sip::FramerOptions fo;
      fo.report_pong = outbound_.count(r->connection) != 0;  // a lone CRLF on our connection answers our ping
      fit = framers_.emplace(r->connection, sip::StreamFramer(fo)).first;
    }
    fit->second.feed(bytes);
    std::size_t completed = 0;
    while (true) {
      fit = framers_.find(r->connection);  // a handler below may have closed the connection
      if (fit == framers_.end()) break;
      auto item = fit->second.next();
      if (!item) {
        ++malformed_;
        malformed_log_.note("closing connection from " + r->remote.to_string() + ": " + item.error().message());
        framers_.erase(r->connection);
        (void)transports_.close(r->connection);
        return;
      }
      if (!*item) break;
      if ((*item)->kind == sip::StreamItem::Kind::ping) {
        static const std::string kPong = "\r\n";  // RFC 5626 4.4.1
        (void)transports_.send(r->connection, bytes_of(kPong));
      } else if ((*item)->kind == sip::StreamItem::Kind::pong) {
        if (on_pong_) on_pong_(sip::txn::Flow::connection(r->connection));
      } else if ((*item)->kind == sip::StreamItem::Kind::message) {
        ++completed;
        deliver(sip::txn::Flow::connection(r->connection), (*item)->bytes, sip::Framing::stream);
      }
    }
    // The handlers above may have closed the connection (and dropped its framer).
    fit = framers_.find(r->connection);
    const std::size_t pending = fit != framers_.end() ? fit->second.buffered() : 0;
    bool mid_message = pending > 0;
    if (mid_message && pending <= 3) {
      // A lone CRLF (or CRLF CR) waits to see whether it becomes a CRLFCRLF ping: no message has begun.
      const std::string_view tail = bytes.substr(bytes.size() - std::min(pending, bytes.size()));
      mid_message = tail.find_first_not_of("\r\n") != std::string_view::npos;
    }
    // An empty framer holds nothing worth keeping: drop it, so an idle connection costs no buffer.
    if (fit != framers_.end() && pending == 0) framers_.erase(fit);
    transports_.note_framing(r->connection, mid_message, completed);
  } else if (auto* o = std::get_if<io::ConnectionOpened>(&ev)) {
    flows_[o->connection] = FlowInfo{o->kind, o->local, o->remote, o->kind == io::TransportKind::tls, o->tls, true};
    if (on_opened_) on_opened_(sip::txn::Flow::connection(o->connection));
  } else if (auto* c = std::get_if<io::ConnectionClosed>(&ev)) {
    framers_.erase(c->connection);
    outbound_.erase(c->connection);
    const bool known = flows_.erase(c->connection) > 0;
    // Deadlines, evictions and refusals are summarised by the transport; failed inbound connections
    // (an attacker's handshakes) here, one line per interval.
    if (c->error && !c->by_limit) {
      if (c->inbound) inbound_failure_log_.note("from " + c->remote.to_string() + ": " + c->error->message());
      else if (log_) log_("connection to " + c->remote.to_string() + " closed: " + c->error->message());
    }
    // A peer that closes (a registrar killed or restarted: FIN without close_notify) ends the flow as
    // surely as an error does; only our own closes are not reported back.
    if (known && on_closed_ && (c->error || c->reason == io::CloseReason::peer_closed)) {
      on_closed_(sip::txn::Flow::connection(c->connection), c->error ? c->error->context : "closed by the peer");
    }
  } else if (auto* f = std::get_if<io::SendFailed>(&ev)) {
    if (log_) log_("send to " + f->remote.to_string() + " failed: " + f->error.message());
  }
}

void SipEndpoint::deliver(sip::txn::Flow flow, std::string_view bytes, sip::Framing framing) {
  sip::ParseOptions opts;
  opts.framing = framing;
  auto msg = sip::parse_message(bytes, opts);
  if (!msg) {
    ++malformed_;
    auto fi = flows_.find(flow.id);
    malformed_log_.note((fi != flows_.end() ? "from " + fi->second.remote.to_string() + ": " : std::string()) +
                        msg.error().message());
    // A request we can still read the headers of gets a 400 naming the fault (responses are dropped).
    auto raw = sip::parse_message_unchecked(bytes, opts);
    if (!raw && framing == sip::Framing::datagram) raw = sip::parse_message_unchecked(with_actual_content_length(bytes), opts);
    if (raw && raw->is_request() && raw->method() != sip::MethodId::ack) {
      if (auto resp = sip::make_error_response(*raw, msg.error(), "sotto")) (void)send(flow, *resp);
    }
    return;
  }
  auto it = flows_.find(flow.id);
  if (it == flows_.end()) return;
  on_message_(flow, it->second, std::move(*msg));
}

Status SipEndpoint::send(sip::txn::Flow flow, const sip::SipMessage& msg) {
  const std::string wire = sip::serialize(msg);
  auto it = flows_.find(flow.id);
  if (it == flows_.end()) return fail(Errc::not_found, "the connection for this message is gone");
  if (it->second.kind == io::TransportKind::udp) {
    // From the socket the flow's requests arrived on (RFC 3261 18.2.2): a server with several UDP
    // listeners answers each from its own address and port.
    if (auto* u = transports_.udp(); u != nullptr && it->second.local.port != 0) {
      return u->send_to(it->second.remote, bytes_of(wire), it->second.local);
    }
    auto r = transports_.send_to(io::TransportKind::udp, it->second.remote, bytes_of(wire));
    if (!r) return Unexpected(r.error());
    return {};
  }
  return transports_.send(flow.id, bytes_of(wire));
}

Status SipEndpoint::send_ping(sip::txn::Flow flow) {
  static const std::string kPing = "\r\n\r\n";
  auto it = flows_.find(flow.id);
  if (it == flows_.end() || it->second.kind == io::TransportKind::udp) return fail(Errc::not_found, "no connection to ping");
  return transports_.send(flow.id, bytes_of(kPing));
}

void SipEndpoint::close(sip::txn::Flow flow) {
  auto it = flows_.find(flow.id);
  if (it == flows_.end() || it->second.kind == io::TransportKind::udp) return;
  flows_.erase(it);
  framers_.erase(flow.id);
  outbound_.erase(flow.id);
  (void)transports_.close(flow.id);
}

Result<sip::txn::Flow> SipEndpoint::send_to(io::TransportKind kind, const io::Endpoint& remote,
                                            const sip::SipMessage& msg, const io::ConnectOptions& options) {
  const std::string wire = sip::serialize(msg);
  auto id = transports_.send_to(kind, remote, bytes_of(wire), options);
  if (!id) return Unexpected(id.error());
  if (kind == io::TransportKind::udp) {
    // The first UDP listener sends (UdpTransport picks it); responses come back to it.
    io::Endpoint local;
    if (auto* u = transports_.udp(); u && !u->local_endpoints().empty()) local = u->local_endpoints().front();
    return flow_for_udp(local, remote);
  }
  if (!flows_.count(*id)) flows_[*id] = FlowInfo{kind, {}, remote, kind == io::TransportKind::tls, nullptr, false};
  outbound_.insert(*id);
  return sip::txn::Flow::connection(*id);
}

Result<sip::txn::Flow> SipEndpoint::open_flow(io::TransportKind kind, const io::Endpoint& remote,
                                              const io::ConnectOptions& options) {
  if (kind == io::TransportKind::udp) {
    io::Endpoint local;
    if (auto* u = transports_.udp(); u && !u->local_endpoints().empty()) local = u->local_endpoints().front();
    else return fail(Errc::invalid_state, "no UDP listener to send from (add --listen udp://...)");
    return flow_for_udp(local, remote);
  }
  if (auto c = transports_.find_by_remote(kind, remote)) {
    if (flows_.count(c->id())) return sip::txn::Flow::connection(c->id());
  }
  auto st = transports_.client_transport(kind);
  if (!st) return Unexpected(st.error());
  auto id = (*st)->connect(remote, options);
  if (!id) return Unexpected(id.error());
  flows_[*id] = FlowInfo{kind, {}, remote, kind == io::TransportKind::tls, nullptr, false};
  outbound_.insert(*id);
  return sip::txn::Flow::connection(*id);
}

std::optional<sip::txn::Flow> SipEndpoint::find_open(io::TransportKind kind, const io::Endpoint& remote,
                                                     const std::string& server_name) {
  if (kind == io::TransportKind::udp) return std::nullopt;
  auto st = transports_.client_transport(kind);
  if (!st) return std::nullopt;
  const std::string want = server_name.empty() ? remote.address.to_string() : server_name;
  auto c = (*st)->find_by_remote(remote, kind == io::TransportKind::tls ? &want : nullptr);
  if (!c) return std::nullopt;
  auto it = flows_.find(c->id());
  if (it == flows_.end() || !it->second.open) return std::nullopt;
  return sip::txn::Flow::connection(c->id());
}

const FlowInfo* SipEndpoint::info(sip::txn::Flow flow) const {
  auto it = flows_.find(flow.id);
  return it == flows_.end() ? nullptr : &it->second;
}

}  // namespace sotto::runtime
