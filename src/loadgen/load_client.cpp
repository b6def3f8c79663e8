// LoadClient (see load_client.hpp): the same wiring as src/phone/phone.cpp, without listeners, media or
// registration keeping; the runner decides when to register, call and hang up.
#include "loadgen/load_client.hpp"

namespace sotto::loadgen {
namespace {

std::string host_of(const io::Endpoint& ep) {  // "127.0.0.1", "[::1]"
  const std::string s = ep.to_string();
  return s.substr(0, s.rfind(':'));
}

}  // namespace

LoadClient::LoadClient(asio::io_context& io, const io::Clock& clock, io::dns::DnsResolver& dns, LoadClientConfig config,
                       EventHandler on_event)
    : io_(io), clock_(clock), config_(std::move(config)), on_event_(std::move(on_event)), timer_(io, clock) {
  io::TransportManagerOptions tm;
  tm.tls_client = config_.tls;
  // A load run is the one place where many connections to one server are expected from one address:
  // nothing listens here, the limits concern accepted connections only.
  transports_ = std::make_unique<io::TransportManager>(
      io_, [this](io::TransportEvent&& ev) { endpoint_->on_transport_event(std::move(ev)); pump(); }, tm);
  endpoint_ = std::make_unique<runtime::SipEndpoint>(
      *transports_, [this](sip::txn::Flow f, const runtime::FlowInfo& i, sip::SipMessage m) { on_message(f, i, std::move(m)); });
  endpoint_->on_flow_closed([this](sip::txn::Flow f, const std::string& why) { on_flow_closed(f, why); });
  endpoint_->on_flow_opened([this](sip::txn::Flow f) { router_->flow_opened(f); });
  router_ = std::make_unique<runtime::SipRouter>(*endpoint_, dns, locate::TransportMode::tls, [](std::string_view) {});
  // Pending flows are the UserAgent's: the router reports each one located or unreachable, once.
  router_->on_located([this](sip::txn::Flow, const sip::Uri& target, const runtime::SipRouter::Located& r) {
    ua_->use_flow(target, r.flow, ua::FlowInfo{r.secure});
  });
  router_->on_unreachable([this](sip::txn::Flow placeholder) {
    ua_->handle_transport_error(clock_.now(), placeholder);
    pump();
  });
  ua_ = std::make_unique<ua::UserAgent>(config_.ua);
}

LoadClient::~LoadClient() = default;

void LoadClient::connect(ConnectHandler done) {
  router_->connect(config_.server, [this, done = std::move(done)](Result<runtime::SipRouter::Located> r) {
    if (closed_) return;
    if (!r) {
      done(Unexpected(r.error()));
      return;
    }
    // No listener: Via and Contact name the local end of this connection, and the server reaches the
    // account back down it (RFC 5923 spirit, as `sotto phone` without a certificate).
    if (const runtime::FlowInfo* info = endpoint_->info(r->flow)) {
      ua_->set_binding(ua::LocalBinding{"TLS", host_of(info->local), info->local.port});
      if (info->tls) tls_summary_ = info->tls->version + " " + info->tls->cipher;
    }
    ua_->use_flow(config_.server, r->flow, ua::FlowInfo{r->secure});
    flow_ = r->flow;
    endpoint_->set_in_use(r->flow, true);  // a registration lives on it: no idle deadline
    done(Status{});
  });
}

void LoadClient::close() {
  if (closed_) return;
  closed_ = true;
  timer_.cancel();
  if (flow_) endpoint_->close(*flow_);
  flow_.reset();
}

void LoadClient::on_message(sip::txn::Flow flow, const runtime::FlowInfo& info, sip::SipMessage msg) {
  if (closed_) return;
  ua_->handle_message(clock_.now(), flow, std::move(msg), ua::FlowInfo{info.secure});
  pump();
}

void LoadClient::on_flow_closed(sip::txn::Flow flow, const std::string& why) {
  if (closed_) return;
  const auto now = clock_.now();
  router_->flow_closed(flow, why);
  ua_->handle_transport_error(now, flow);
  const bool ours = flow_ && flow_->id == flow.id;
  if (ours) flow_.reset();
  pump();
  if (ours && on_lost_) on_lost_(*this, why);
}

void LoadClient::pump() {
  if (pumping_ || closed_) return;  // a handler that commands the UA inside pump(): the loop below sends it
  pumping_ = true;
  for (bool busy = true; busy && !closed_;) {
    busy = false;
    while (auto t = ua_->poll_transmit()) {
      busy = true;
      router_->send(*t);
    }
    while (auto e = ua_->poll_event()) {
      busy = true;
      on_event_(*this, *e);
      if (closed_) break;
    }
  }
  pumping_ = false;
  if (closed_) return;
  if (auto t = ua_->next_timeout()) {
    if (timer_.deadline() != t) {
      timer_.arm(*t, [this](io::Timestamp now) {
        ua_->handle_timeout(now);
        pump();
      });
    }
  } else if (timer_.armed()) {
    timer_.cancel();
  }
}

}  // namespace sotto::loadgen
