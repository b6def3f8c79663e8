// UserAgent plumbing: flows and hops, the transaction layer, client response dispatch, timers.
#include "core/ua/user_agent.hpp"

#include <algorithm>

#include "core/sip/header_fields.hpp"
#include "core/sip/response_builder.hpp"
#include "core/ua/request_parts.hpp"

namespace sotto::ua {

using sip::SipMessage;
using sip::txn::TxnId;
namespace hdr = sip::hdr;

UserAgent::UserAgent(UaConfig config, RandomSource& rng)
    : config_(std::move(config)), layer_(config_.timers), rng_(&rng), digest_(config_.credentials, rng) {}

const Call* UserAgent::find_call(CallHandle h) const {
  auto it = calls_.find(h);
  return it == calls_.end() ? nullptr : &it->second;
}

Call* UserAgent::call_ptr(CallHandle h) {
  auto it = calls_.find(h);
  return it == calls_.end() ? nullptr : &it->second;
}

Call* UserAgent::call_by_dialog(const dialog::DialogId& id) {
  for (auto& [h, c] : calls_) {
    if (c.dialog && c.dialog->id() == id) return &c;
  }
  return nullptr;
}

sip::Uri UserAgent::dialog_next_hop(const Call& c) const {
  if (!c.dialog) return c.next_hop;
  // 12.2.1.1 / 8.1.2: the first Route when there is a route set, else the remote target.
  if (!c.dialog->route_set().empty()) return c.dialog->route_set().front().uri;
  return c.dialog->remote_target();
}

const LocalBinding* UserAgent::binding_for(std::string_view transport) const {
  for (const auto& b : config_.bindings) {
    if (b.transport == transport) return &b;
  }
  return nullptr;
}

std::string UserAgent::flow_transport(Flow f, const sip::Uri& fallback) const {
  if (auto it = flows_.find(f.id); it != flows_.end()) {
    if (it->second.secure) return "TLS";
    return f.reliable ? "TCP" : "UDP";
  }
  return transport_for(fallback);
}

std::string UserAgent::hop_transport(const sip::Uri& next_hop) const {
  if (auto it = hop_flows_.find(hop_key(next_hop)); it != hop_flows_.end() && !dead_flows_.count(it->second.id)) {
    return flow_transport(it->second, next_hop);
  }
  return transport_for(next_hop);
}

void UserAgent::use_flow(const sip::Uri& next_hop, Flow flow, FlowInfo info) {
  flows_[flow.id] = info;
  dead_flows_.erase(flow.id);
  const std::string key = hop_key(next_hop);
  hop_flows_[key] = flow;
  auto p = std::find_if(pending_.begin(), pending_.end(), [&](const auto& kv) { return kv.second.key == key; });
  if (p != pending_.end()) end_pending(p->first, flow);  // one pending flow per hop (hop_for)
}

void UserAgent::end_pending(std::uint64_t from, std::optional<Flow> to) {
  auto it = pending_.find(from);
  if (it == pending_.end()) return;
  const Flow pending = Flow{from, it->second.reliable};
  pending_.erase(it);
  if (to) {
    layer_.rebind_flow(pending, *to);
    for (auto& [id, owner] : client_) {
      if (owner.flow.id == from) owner.flow = *to;
    }
  }
  flush_layer();
  for (auto t = out_.begin(); t != out_.end();) {
    if (t->flow.id != from) {
      ++t;
    } else if (to) {
      t->flow = *to;
      t->target.reset();
      ++t;
    } else {
      t = out_.erase(t);  // to a destination that cannot be reached
    }
  }
}

void UserAgent::set_binding(LocalBinding b) {
  for (auto& existing : config_.bindings) {
    if (existing.transport == b.transport) {
      existing = std::move(b);
      return;
    }
  }
  config_.bindings.push_back(std::move(b));
}

UserAgent::Hop UserAgent::hop_for(std::optional<Flow> preferred, const sip::Uri& next_hop) {
  const auto usable = [&](Flow f) { return !f.is_pending() && !dead_flows_.count(f.id); };
  if (preferred && usable(*preferred)) return Hop{*preferred, std::nullopt, flow_transport(*preferred, next_hop)};
  const std::string key = hop_key(next_hop);
  if (auto it = hop_flows_.find(key); it != hop_flows_.end() && usable(it->second)) {
    return Hop{it->second, std::nullopt, flow_transport(it->second, next_hop)};
  }
  const std::string transport = transport_for(next_hop);
  // Requests to one hop share its pending flow until the io layer locates or fails it.
  for (const auto& [id, p] : pending_) {
    if (p.key == key) return Hop{Flow{id, p.reliable}, p.target, transport};
  }
  const Flow pending = Flow::pending(next_pending_++, is_reliable(transport));
  pending_.emplace(pending.id, PendingHop{key, next_hop, pending.reliable});
  return Hop{pending, next_hop, transport};
}

Result<TxnId> UserAgent::start_request(Timestamp now, SipMessage req, std::optional<Flow> preferred,
                                       const sip::Uri& next_hop, Purpose purpose, CallHandle call, AuthAttempt auth) {
  const Hop hop = hop_for(preferred, next_hop);
  const LocalBinding* b = binding_for(hop.transport);
  if (!b) return fail(Errc::invalid_state, "no local " + hop.transport + " binding to reach " + sip::serialize(next_hop));
  req.remove(sip::HeaderId::via);
  req.push_front(hdr::via, make_via(*b, new_branch(*rng_)));
  auto id = layer_.send_request(now, req, hop.flow);
  if (!id) return Unexpected(id.error());
  client_[*id] = ClientRequest{purpose, call, std::move(req), hop.flow, next_hop, auth, hop.target.has_value()};
  flush_layer();
  return *id;
}

void UserAgent::send_direct(SipMessage msg, std::optional<Flow> preferred, const sip::Uri& next_hop) {
  const Hop hop = hop_for(preferred, next_hop);
  const LocalBinding* b = binding_for(hop.transport);
  if (!b) return;
  msg.remove(sip::HeaderId::via);
  msg.push_front(hdr::via, make_via(*b, new_branch(*rng_)));
  flush_layer();  // keep the order in which messages were produced
  out_.push_back(Transmit{hop.flow, hop.target, std::move(msg), false});
}

Status UserAgent::send_response(Timestamp now, TxnId id, SipMessage resp) {
  if (!config_.user_agent.empty()) resp.add(hdr::server, config_.user_agent);
  auto st = layer_.send_response(now, id, resp);
  flush_layer();
  return st;
}

void UserAgent::respond(Timestamp now, TxnId id, const SipMessage& req, int status, std::string_view reason,
                        std::string_view to_tag, std::string_view warning) {
  // 8.2.6.2: a final response to a request without To tag gets one.
  std::string tag(to_tag);
  if (tag.empty() && status >= 200) {
    auto to = req.header(hdr::to);
    if (to && !to->tag()) tag = random_token(*rng_, 6);
  }
  auto resp = sip::make_response(req, status, reason, tag);
  if (!resp) return;
  if (!warning.empty()) (void)resp->add_raw("Warning", warning);
  if (status == 405 || (status == 200 && req.method() == sip::MethodId::options)) add_allow_accept(*resp);  // 11.2
  (void)send_response(now, id, std::move(*resp));
}

void UserAgent::flush_layer() {
  while (auto t = layer_.poll_transmit()) {
    Transmit out{t->flow, std::nullopt, std::move(t->message), t->retransmission};
    if (t->flow.is_pending()) {
      if (auto it = pending_.find(t->flow.id); it != pending_.end()) out.target = it->second.target;
    }
    out_.push_back(std::move(out));
  }
}

void UserAgent::pump(Timestamp now) {
  while (auto ev = layer_.poll_event()) {
    using K = sip::txn::LayerEvent::Kind;
    switch (ev->kind) {
      case K::request:
        if (ev->message) {
          if (ev->id != 0) server_flows_[ev->id] = ev->flow;
          on_request(now, ev->id, ev->flow, *ev->message);
        }
        break;
      case K::response:
        if (ev->message) on_layer_response(now, ev->id, ev->flow, *ev->message);
        break;
      case K::stray_response:
        if (ev->message) on_stray_response(now, ev->flow, *ev->message);
        break;
      case K::timeout:
        on_client_failure(now, ev->id, 408, "Request Timeout");
        break;
      case K::transport_error:
        on_client_failure(now, ev->id, 503, "Service Unavailable (transport error)");
        break;
      case K::terminated:
        client_.erase(ev->id);
        server_flows_.erase(ev->id);
        server_calls_.erase(ev->id);
        break;
    }
    flush_layer();
  }
  flush_layer();
}

void UserAgent::on_layer_response(Timestamp now, TxnId id, Flow flow, const SipMessage& resp) {
  auto it = client_.find(id);
  if (it == client_.end()) return;
  const ClientRequest owner = it->second;  // handlers may start new requests
  if (!flow.is_pending()) hop_flows_[hop_key(owner.next_hop)] = flow;  // connection reuse
  const int status = resp.status();
  if ((status == 401 || status == 407) && owner.purpose != Purpose::cancel) {
    std::string error;
    if (retry_with_auth(now, owner, flow, resp, error)) return;
    if (owner.purpose == Purpose::register_) {
      on_register_failure(status, error);
      return;
    }
    if (Call* c = call_ptr(owner.call); c && owner.purpose == Purpose::invite) {
      emit_state(*c, CallState::failed, status, error, warning_text(resp));
      end_call(now, *c);
      return;
    }
  }
  switch (owner.purpose) {
    case Purpose::register_: on_register_response(now, owner, flow, resp); break;
    case Purpose::invite:
    case Purpose::reinvite: on_invite_response(now, owner, flow, resp); break;
    case Purpose::bye:
      if (status >= 200) {
        if (Call* c = call_ptr(owner.call)) {
          if (!c->reported_end) emit_state(*c, CallState::terminated, status, resp.reason());
          end_call(now, *c);
        }
      }
      break;
    case Purpose::refer: on_refer_response(now, owner, resp); break;
    case Purpose::cancel:
    case Purpose::info: break;  // the INVITE's 487 ends a cancelled call; INFO failures are not fatal
  }
}

void UserAgent::on_client_failure(Timestamp now, TxnId id, int status, std::string reason) {
  auto it = client_.find(id);
  if (it == client_.end()) return;
  const ClientRequest owner = it->second;
  if (owner.purpose == Purpose::register_) {
    on_register_failure(status, reason);
    return;
  }
  if (owner.purpose == Purpose::refer) {
    on_refer_failure(owner.call, status, reason);  // the call goes on
    return;
  }
  Call* c = call_ptr(owner.call);
  if (!c) return;
  switch (owner.purpose) {
    case Purpose::invite:
      emit_state(*c, c->cancel_wanted ? CallState::terminated : CallState::failed, status, reason);
      end_call(now, *c);
      break;
    case Purpose::reinvite:
      // 14.1: a re-INVITE timing out ends the dialog.
      c->reinvite_out = false;
      c->pending_offer.reset();
      emit_state(*c, CallState::failed, status, "re-INVITE: " + reason);
      send_bye(now, *c);
      break;
    case Purpose::bye:
      if (!c->reported_end) emit_state(*c, CallState::terminated, status, reason);
      end_call(now, *c);
      break;
    default: break;
  }
}

bool UserAgent::retry_with_auth(Timestamp now, const ClientRequest& owner, Flow flow, const SipMessage& resp,
                                std::string& error) {
  AuthAttempt attempt = owner.auth;
  auto header = digest_.authorize(owner.request, resp, attempt);
  if (!header) {
    error = header.error().context;
    return false;
  }
  SipMessage req = owner.request;
  req.remove(header->id);
  req.headers().push_back(*header);
  auto cseq = req.header(hdr::cseq);
  if (!cseq) return false;
  // 22.2 / 8.1.3.5: the retry is a new request: CSeq + 1 (in a dialog: the dialog's next), new branch.
  Call* c = call_ptr(owner.call);
  std::uint32_t next = cseq->number + 1;
  if (owner.purpose == Purpose::register_) next = ++reg_.cseq;
  else if (c && c->dialog && owner.purpose != Purpose::invite) next = c->dialog->make_request(cseq->method).header(hdr::cseq)->number;
  req.set(hdr::cseq, sip::CSeq{next, cseq->method});
  auto id = start_request(now, req, flow, owner.next_hop, owner.purpose, owner.call, attempt);
  if (!id) {
    error = id.error().context;
    return false;
  }
  if (c && (owner.purpose == Purpose::invite || owner.purpose == Purpose::reinvite)) {
    c->invite = client_[*id].request;
    c->invite_txn = *id;
  }
  return true;
}

void UserAgent::emit_state(Call& c, CallState s, int status, std::string reason, std::string warning) {
  if (s == CallState::terminated || s == CallState::failed) {
    if (c.reported_end) return;
    c.reported_end = true;
  }
  UaEvent ev;
  ev.kind = UaEvent::Kind::call_state;
  ev.call = c.handle;
  ev.state = s;
  ev.status = status;
  ev.reason = std::move(reason);
  ev.warning = std::move(warning);
  emit(std::move(ev));
}

void UserAgent::end_call(Timestamp now, Call& c) {
  c.phase = Call::Phase::ended;
  c.ok.reset();
  c.glare_retry_at.reset();
  if (c.dialog) c.dialog->terminate();
  // Kept for 64*T1 to ACK retransmitted 2xx and absorb late requests, then purged.
  c.purge_at = now + 64 * config_.timers.t1;
}

void UserAgent::handle_message(Timestamp now, Flow flow, SipMessage msg, FlowInfo info) {
  flows_[flow.id] = info;
  dead_flows_.erase(flow.id);
  layer_.handle_message(now, flow, std::move(msg));
  pump(now);
}

void UserAgent::handle_transport_error(Timestamp now, Flow flow) {
  if (!flow.is_pending()) dead_flows_.insert(flow.id);
  for (auto it = hop_flows_.begin(); it != hop_flows_.end();) {
    it = it->second.id == flow.id ? hop_flows_.erase(it) : std::next(it);
  }
  std::vector<TxnId> affected;
  for (const auto& [id, owner] : client_) {
    if (owner.flow.id == flow.id) affected.push_back(id);
  }
  for (const auto& [id, f] : server_flows_) {
    if (f.id == flow.id) affected.push_back(id);
  }
  for (TxnId id : affected) layer_.handle_transport_error(now, id);
  for (auto& [h, c] : calls_) {
    if (c.flow && c.flow->id == flow.id) c.flow.reset();
  }
  if (flow.is_pending()) end_pending(flow.id, std::nullopt);
  pump(now);
}

void UserAgent::handle_timeout(Timestamp now) {
  layer_.handle_timeout(now);
  pump(now);
  if (reg_.refresh_at && *reg_.refresh_at <= now) {
    reg_.refresh_at.reset();
    if (auto st = send_register(now, std::max(config_.register_expires, reg_.min_expires)); !st) on_register_failure(0, st.error().context);
  }
  std::vector<CallHandle> purge;
  for (auto& [h, c] : calls_) {
    if (c.ok && c.ack_deadline <= now) {
      // 13.3.1.4: no ACK within 64*T1: the dialog is confirmed and then ended with BYE.
      c.ok.reset();
      if (!c.ok_answers_reinvite) emit_state(c, CallState::failed, 408, "no ACK for our 200 OK");
      send_bye(now, c);
    } else if (c.ok && c.ok_next <= now) {
      (void)send_response(now, c.server_txn, *c.ok);
      c.ok_interval = std::min<sip::txn::Duration>(2 * c.ok_interval, config_.timers.t2);
      c.ok_next = now + c.ok_interval;
    }
    if (c.glare_retry_at && *c.glare_retry_at <= now) {
      c.glare_retry_at.reset();
      if (c.phase == Call::Phase::confirmed && !c.reinvite_out) (void)send_reinvite(now, c);
    }
    if (c.purge_at && *c.purge_at <= now) purge.push_back(h);
  }
  check_transfer_deadlines(now);
  for (CallHandle h : purge) calls_.erase(h);
  pump(now);
}

std::optional<Transmit> UserAgent::poll_transmit() {
  flush_layer();
  if (out_.empty()) return std::nullopt;
  Transmit t = std::move(out_.front());
  out_.pop_front();
  return t;
}

std::optional<UaEvent> UserAgent::poll_event() {
  if (events_.empty()) return std::nullopt;
  UaEvent e = std::move(events_.front());
  events_.pop_front();
  return e;
}

std::optional<Timestamp> UserAgent::next_timeout() const {
  std::optional<Timestamp> best = layer_.next_timeout();
  const auto consider = [&](std::optional<Timestamp> t) {
    if (t && (!best || *t < *best)) best = t;
  };
  consider(reg_.refresh_at);
  for (const auto& [h, c] : calls_) {
    if (c.ok) {
      consider(c.ok_next);
      consider(c.ack_deadline);
    }
    consider(c.glare_retry_at);
    consider(c.purge_at);
    if (c.transfer && !c.transfer->done) consider(c.transfer->deadline);
  }
  return best;
}

}  // namespace sotto::ua
