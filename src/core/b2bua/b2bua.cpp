// B2bua plumbing: hops and flows, the transaction layer, output queues with the record barrier,
// records, timers.
#include "core/b2bua/b2bua.hpp"

#include <algorithm>

#include "core/sip/header_fields.hpp"
#include "core/sip/response_builder.hpp"
#include "core/ua/request_parts.hpp"

namespace sotto::b2bua {

using sip::SipMessage;
namespace hdr = sip::hdr;

B2bua::B2bua(B2buaConfig config, registrar::Locations& locations, registrar::Authenticator& authenticator,
             relay::MediaAnchor& anchor, Policies& policies, RandomSource& rng)
    : config_(std::move(config)),
      locations_(&locations),
      auth_(&authenticator),
      anchor_(&anchor),
      policies_(&policies),
      rng_(&rng),
      layer_(config_.timers) {}

B2bCall* B2bua::call_ptr(CallHandle h) {
  auto it = calls_.find(h);
  return it == calls_.end() ? nullptr : &it->second;
}

B2bCall* B2bua::call_by_dialog(const dialog::DialogId& id, relay::Side& side) {
  for (auto& [h, c] : calls_) {
    if (c.a.dialog && c.a.dialog->id() == id) {
      side = relay::Side::a;
      return &c;
    }
    if (c.winner && c.b().dialog && c.b().dialog->id() == id) {
      side = relay::Side::b;
      return &c;
    }
  }
  return nullptr;
}

sip::Uri B2bua::dialog_next_hop(const Leg& leg) const {
  if (!leg.dialog) return leg.next_hop;
  // 12.2.1.1 / 8.1.2: the first Route when there is a route set, else the remote target.
  if (!leg.dialog->route_set().empty()) return leg.dialog->route_set().front().uri;
  return leg.dialog->remote_target();
}

const ua::LocalBinding* B2bua::binding_for(sip::Transport t) const {
  const std::string_view name = sip::transport_name(t);
  for (const auto& b : config_.bindings) {
    if (b.transport == name) return &b;
  }
  return config_.bindings.empty() ? nullptr : &config_.bindings.front();
}

sip::NameAddr B2bua::local_contact(sip::Transport t, bool sips) const {
  const ua::LocalBinding* b = binding_for(t);
  sip::Uri aor;
  aor.host = b ? b->host : "127.0.0.1";
  return b ? ua::make_contact(aor, *b, sips) : sip::NameAddr{"", aor, {}};
}

B2bua::Hop B2bua::hop_for(std::optional<Flow> preferred, const sip::Uri& next_hop,
                          std::optional<sip::Transport> transport) {
  if (preferred && !preferred->is_pending() && !dead_flows_.count(preferred->id)) {
    sip::Transport t = transport.value_or(ua::transport_of(next_hop));
    if (auto it = flows_.find(preferred->id); it != flows_.end()) t = it->second.transport;
    return Hop{*preferred, std::nullopt, t};
  }
  const sip::Transport t = ua::transport_of(next_hop);
  const std::string key = ua::hop_key(next_hop);
  const Flow pending = Flow::pending(placeholders_.size() + 1, sip::is_reliable(t));
  auto [it, inserted] = placeholders_.try_emplace(key, pending.id);
  placeholder_targets_[it->second] = next_hop;
  return Hop{Flow{it->second, sip::is_reliable(t)}, next_hop, t};
}

Result<TxnId> B2bua::start_request(Timestamp now, SipMessage& req, const Hop& hop, ClientRequest owner) {
  const ua::LocalBinding* b = binding_for(hop.transport);
  if (!b) return fail(Errc::invalid_state, "no local binding to send a request on");
  ua::LocalBinding via_binding = *b;
  via_binding.transport = std::string(sip::transport_name(hop.transport));
  req.remove(sip::HeaderId::via);
  req.push_front(hdr::via, ua::make_via(via_binding, ua::new_branch(*rng_)));
  if (!config_.server.empty() && !req.find(sip::HeaderId::user_agent)) req.add(hdr::user_agent, config_.server);
  auto id = layer_.send_request(now, req, hop.flow);
  if (!id) return Unexpected(id.error());
  client_[*id] = owner;
  flush_layer();
  return *id;
}

void B2bua::send_direct(SipMessage msg, const Hop& hop) {
  const ua::LocalBinding* b = binding_for(hop.transport);
  if (!b) return;
  ua::LocalBinding via_binding = *b;
  via_binding.transport = std::string(sip::transport_name(hop.transport));
  msg.remove(sip::HeaderId::via);
  msg.push_front(hdr::via, ua::make_via(via_binding, ua::new_branch(*rng_)));
  flush_layer();  // keep the order in which messages were produced
  out_.emplace_back(out_seq_++, ua::Transmit{hop.flow, hop.target, std::move(msg), false});
}

Status B2bua::send_response(Timestamp now, TxnId id, SipMessage resp) {
  if (!config_.server.empty() && !resp.find(sip::HeaderId::server)) resp.add(hdr::server, config_.server);
  auto st = layer_.send_response(now, id, resp);
  flush_layer();
  return st;
}

void B2bua::respond(Timestamp now, TxnId id, const SipMessage& req, int status, std::string_view reason,
                    std::string_view to_tag, std::vector<std::pair<std::string, std::string>> extra) {
  std::string tag(to_tag);
  if (tag.empty() && status >= 200) {
    auto to = req.header(hdr::to);
    if (to && !to->tag()) tag = ua::random_token(*rng_, 6);  // 8.2.6.2
  }
  auto resp = sip::make_response(req, status, reason, tag);
  if (!resp) return;
  for (const auto& [name, value] : extra) (void)resp->add_raw(name, value);
  (void)send_response(now, id, std::move(*resp));
}

void B2bua::flush_layer() {
  while (auto t = layer_.poll_transmit()) {
    ua::Transmit out{t->flow, std::nullopt, std::move(t->message), t->retransmission};
    if (t->flow.is_pending()) {
      if (auto it = placeholder_targets_.find(t->flow.id); it != placeholder_targets_.end()) out.target = it->second;
    }
    out_.emplace_back(out_seq_++, std::move(out));
  }
}

void B2bua::emit(B2buaEvent ev) {
  // A call_ended event holds back everything queued from now on until it is polled.
  const std::uint64_t barrier = ev.kind == B2buaEvent::Kind::call_ended ? out_seq_ : UINT64_MAX;
  events_.emplace_back(barrier, std::move(ev));
}

LegRecord B2bua::leg_record(const B2bCall& c, relay::Side side) const {
  LegRecord r;
  r.side = side;
  const Fork* fork = nullptr;
  if (side == relay::Side::b && !c.forks.empty()) {
    // The fork whose media leg A had: the winner, else one whose 183 carried early media (a call
    // cancelled or failed during early media was still relayed), else the first one tried.
    std::size_t index = 0;
    if (c.winner) {
      index = *c.winner;
    } else if (auto it = std::find_if(c.forks.begin(), c.forks.end(), [](const Fork& fk) { return fk.early_media; });
               it != c.forks.end()) {
      index = static_cast<std::size_t>(it - c.forks.begin());
    }
    fork = &c.forks.at(index);
  }
  if (const auto& joined = c.joined[static_cast<std::size_t>(side)]) {
    r = *joined;  // a transfer target: who it is was noted when it joined
    r.side = side;
  } else if (side == relay::Side::a) {
    r.user = c.caller;
    if (auto from = c.a_invite.header(hdr::from)) r.uri = sip::serialize(from->uri);
    r.transport = std::string(sip::transport_name(c.caller_ctx.transport));
    r.flow = c.caller_ctx.flow;
    r.signalling_tls = c.caller_ctx.secure;
  } else if (fork) {
    const Fork& f = *fork;
    r.user = c.callee;
    r.uri = sip::serialize(f.binding.contact);
    r.transport = std::string(sip::transport_name(f.transport));
    r.flow = f.leg.flow.value_or(f.sent_flow);
    r.signalling_tls = f.transport == sip::Transport::tls;
  }
  const Leg* leg = side == relay::Side::a                     ? &c.a
                   : fork && (c.winner || fork->early_media) ? &fork->leg
                                                             : nullptr;
  if (leg && leg->media) {
    r.media_negotiated = !leg->media->rejected;
    if (leg->media->srtp) r.srtp_suite = leg->media->suite;
  }
  if (c.relay && r.media_negotiated) r.stats = anchor_->stats(*c.relay, side);
  return r;
}

void B2bua::finish(Timestamp now, B2bCall& c, CallResult result, int status, std::string reason) {
  if (c.ended_reported) return;
  c.ended_reported = true;
  c.record.result = result;
  c.record.status = status;
  c.record.reason = std::move(reason);
  c.record.ended = now;
  c.record.legs.clear();
  if (c.record_legs.empty()) {
    c.record.legs.push_back(leg_record(c, relay::Side::a));
    if (!c.forks.empty()) c.record.legs.push_back(leg_record(c, relay::Side::b));
  } else {
    // After a transfer: the legs that left keep their counters from the moment they left.
    for (relay::Side s : {relay::Side::a, relay::Side::b}) {
      c.record_legs[c.live_slot[static_cast<std::size_t>(s)]] = leg_record(c, s);
    }
    c.record.legs = c.record_legs;
  }
  emit(B2buaEvent{B2buaEvent::Kind::call_ended, c.handle, c.record});
  if (c.relay) anchor_->close(*c.relay);  // keys wiped; the stats are in the record
}

void B2bua::pump(Timestamp now) {
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
        if (ev->message) {
          auto it = client_.find(ev->id);
          if (it == client_.end()) break;
          const ClientRequest owner = it->second;
          using P = ClientRequest::Purpose;
          if (owner.purpose == P::invite) on_fork_response(now, owner, ev->flow, *ev->message);
          else if (owner.purpose == P::reinvite) on_reinvite_response(now, owner, *ev->message);
          else if (owner.purpose == P::xfer_invite) on_transfer_response(now, owner, ev->flow, *ev->message);
          else if (owner.purpose == P::xfer_reinvite) on_attended_response(now, owner, *ev->message);
          else if (owner.purpose == P::notify) on_notify_response(owner, ev->message->status());
          // CANCEL: the INVITE's 487 ends the fork; BYE: nothing left to do with its answer.
        }
        break;
      case K::stray_response:
        if (ev->message) on_stray_response(now, *ev->message);
        break;
      case K::timeout:
      case K::transport_error: {
        auto it = client_.find(ev->id);
        if (it == client_.end()) break;
        const ClientRequest owner = it->second;
        const bool timeout = ev->kind == K::timeout;
        const int status = timeout ? 408 : 503;
        const std::string reason = timeout ? "Request Timeout" : "Service Unavailable (transport error)";
        if (owner.purpose == ClientRequest::Purpose::invite) {
          if (B2bCall* c = call_ptr(owner.call); c && owner.fork < c->forks.size()) {
            on_fork_failure(now, *c, c->forks[owner.fork], status, reason);
          }
        } else if (owner.purpose == ClientRequest::Purpose::reinvite) {
          on_reinvite_response(now, owner, SipMessage::response(status, reason));
        } else if (owner.purpose == ClientRequest::Purpose::xfer_invite) {
          if (B2bCall* c = call_ptr(owner.call); c && owner.xfer < c->transfers.size() &&
                                                 owner.fork < c->transfers[owner.xfer].forks.size()) {
            Transfer& x = c->transfers[owner.xfer];
            on_transfer_fork_failure(now, *c, x, x.forks[owner.fork], status, reason);
          }
        } else if (owner.purpose == ClientRequest::Purpose::xfer_reinvite) {
          on_attended_response(now, owner, SipMessage::response(status, reason));
        } else if (owner.purpose == ClientRequest::Purpose::notify) {
          on_notify_response(owner, status);
        }
        break;
      }
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

void B2bua::handle_message(Timestamp now, Flow flow, const registrar::RequestContext& ctx, SipMessage msg) {
  registrar::RequestContext stored = ctx;
  stored.flow = flow;
  flows_[flow.id] = stored;
  dead_flows_.erase(flow.id);
  layer_.handle_message(now, flow, std::move(msg));
  pump(now);
}

void B2bua::handle_transport_error(Timestamp now, Flow flow) {
  if (!flow.is_pending()) {
    dead_flows_.insert(flow.id);
    flows_.erase(flow.id);
  }
  std::vector<TxnId> affected;
  for (const auto& [id, f] : server_flows_) {
    if (f.id == flow.id) affected.push_back(id);
  }
  for (auto& [h, c] : calls_) {
    for (auto& f : c.forks) {
      if (f.leg.flow && f.leg.flow->id == flow.id) f.leg.flow.reset();
      if (f.sent_flow.id == flow.id && f.state != Fork::State::done && f.leg.invite_txn) affected.push_back(f.leg.invite_txn);
    }
    for (auto& x : c.transfers) {
      for (auto& f : x.forks) {
        if (f.leg.flow && f.leg.flow->id == flow.id) f.leg.flow.reset();
        if (f.sent_flow.id == flow.id && f.state != Fork::State::done && f.leg.invite_txn) affected.push_back(f.leg.invite_txn);
      }
    }
    for (auto& d : c.departed) {
      if (d.flow && d.flow->id == flow.id) d.flow.reset();
    }
    if (c.a.flow && c.a.flow->id == flow.id) c.a.flow.reset();
  }
  for (TxnId id : affected) layer_.handle_transport_error(now, id);
  pump(now);
}

void B2bua::handle_timeout(Timestamp now) {
  layer_.handle_timeout(now);
  pump(now);
  const std::vector<CallHandle> scan(scan_.begin(), scan_.end());
  for (CallHandle h : scan) {
    auto found = calls_.find(h);
    if (found == calls_.end()) {
      scan_.erase(h);
      continue;
    }
    B2bCall& c = found->second;
    if (c.phase == B2bCall::Phase::calling && c.no_answer_at && *c.no_answer_at <= now) {
      c.no_answer_at.reset();
      cancel_forks(now, c, std::nullopt);
      const int status = config_.no_answer_status;
      fail_call(now, c, status, status == 408 ? "Request Timeout" : "Temporarily Unavailable", CallResult::no_answer);
    }
    if (Transfer* x = c.active_transfer(); x && x->no_answer_at && *x->no_answer_at <= now) {
      // The transfer target did not answer in time: the same rule as a call's no-answer timer.
      x->no_answer_at.reset();
      const int status = config_.no_answer_status;
      transfer_failed(now, c, *x, status, status == 408 ? "Request Timeout" : "Temporarily Unavailable");
    }
    for (Leg* leg : {&c.a, c.winner ? &c.b() : nullptr}) {
      if (!leg || !leg->ok) continue;
      if (leg->ack_deadline <= now) {
        // 13.3.1.4: no ACK within 64*T1: end the call.
        leg->ok.reset();
        finish(now, c, c.record.answered ? CallResult::answered : CallResult::failed, 408, "no ACK for our 200 OK");
        send_bye(now, c, c.a);
        if (c.winner) send_bye(now, c, c.b());
        end_call(now, c);
        break;
      } else if (leg->ok_next <= now) {
        (void)send_response(now, leg->server_txn, *leg->ok);
        leg->ok_interval = std::min<Duration>(2 * leg->ok_interval, config_.timers.t2);
        leg->ok_next = now + leg->ok_interval;
      }
    }
    if (c.purge_at && !c.a.ok && !(c.winner && c.b().ok)) scan_.erase(h);  // ended, only the purge left
  }
  std::vector<CallHandle> purge;
  while (!purge_q_.empty() && purge_q_.begin()->first <= now) {
    purge.push_back(purge_q_.begin()->second);
    purge_q_.erase(purge_q_.begin());
  }
  for (CallHandle h : purge) {
    calls_.erase(h);
    scan_.erase(h);
  }
  if (!purge.empty()) {
    // Forget dead flows no remaining call refers to (flow numbers are not reused by the io layer).
    std::set<std::uint64_t> referenced;
    for (const auto& [h, c] : calls_) {
      if (c.a.flow) referenced.insert(c.a.flow->id);
      referenced.insert(c.caller_ctx.flow.id);
      for (const auto& f : c.forks) {
        referenced.insert(f.sent_flow.id);
        referenced.insert(f.binding.flow.id);
      }
      for (const auto& x : c.transfers) {
        for (const auto& f : x.forks) {
          referenced.insert(f.sent_flow.id);
          referenced.insert(f.binding.flow.id);
        }
      }
      for (const auto& d : c.departed) {
        if (d.flow) referenced.insert(d.flow->id);
      }
    }
    std::erase_if(dead_flows_, [&](std::uint64_t id) { return !referenced.count(id); });
  }
  pump(now);
}

std::optional<ua::Transmit> B2bua::poll_transmit() {
  flush_layer();
  if (out_.empty()) return std::nullopt;
  for (const auto& [barrier, ev] : events_) {
    if (out_.front().first >= barrier) return std::nullopt;  // the record first
  }
  ua::Transmit t = std::move(out_.front().second);
  out_.pop_front();
  return t;
}

std::optional<B2buaEvent> B2bua::poll_event() {
  if (events_.empty()) return std::nullopt;
  B2buaEvent e = std::move(events_.front().second);
  events_.pop_front();
  return e;
}

std::optional<Timestamp> B2bua::next_timeout() const {
  std::optional<Timestamp> best = layer_.next_timeout();
  const auto consider = [&](std::optional<Timestamp> t) {
    if (t && (!best || *t < *best)) best = t;
  };
  for (CallHandle h : scan_) {
    auto found = calls_.find(h);
    if (found == calls_.end()) continue;
    const B2bCall& c = found->second;
    if (c.phase == B2bCall::Phase::calling) consider(c.no_answer_at);
    if (!c.transfers.empty() && !c.transfers.back().done) consider(c.transfers.back().no_answer_at);
    if (c.a.ok) {
      consider(c.a.ok_next);
      consider(c.a.ack_deadline);
    }
    if (c.winner && c.forks[*c.winner].leg.ok) {
      consider(c.forks[*c.winner].leg.ok_next);
      consider(c.forks[*c.winner].leg.ack_deadline);
    }
  }
  if (!purge_q_.empty()) consider(purge_q_.begin()->first);
  return best;
}

}  // namespace sotto::b2bua
