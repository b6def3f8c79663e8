// Server: calls. The B2BUA (core/b2bua) over the runtime's SIP router and media relay; each call's record
// (store::CallRecord with the TLS facts of both legs and the relay's counters) written to the store before
// the final response or the 200 to the BYE leaves.
#include <fmt/format.h>

#include <chrono>

#include "server/server.hpp"
#include "server/server_trunks.hpp"
#include "store/verdict.hpp"

namespace sotto::server {
namespace {

std::int64_t unix_ms_now() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string host_of(const io::Endpoint& ep) {  // "127.0.0.1", "[::1]"
  const std::string s = ep.to_string();
  return s.substr(0, s.rfind(':'));
}

store::CallResult to_store(b2bua::CallResult r) noexcept {
  switch (r) {
    case b2bua::CallResult::answered: return store::CallResult::answered;
    case b2bua::CallResult::busy: return store::CallResult::busy;
    case b2bua::CallResult::no_answer: return store::CallResult::no_answer;
    case b2bua::CallResult::rejected: return store::CallResult::rejected;
    case b2bua::CallResult::cancelled: return store::CallResult::cancelled;
    case b2bua::CallResult::failed: return store::CallResult::failed;
  }
  return store::CallResult::failed;
}

}  // namespace

Status Server::start_calls(const std::vector<std::pair<io::ListenSpec, io::Endpoint>>& bound) {
  policies_ = std::make_unique<StorePolicies>(*store_);
  runtime::MediaRelayOptions mo;
  mo.media_ip = opts_.media_ip;
  mo.relay.dead_after = opts_.dead_media_timeout;
  mo.port_min = opts_.rtp_ports.lo;
  // --rtp-ports is inclusive; MediaRelay's port_max is not (RTCP = RTP + 1 < port_max).
  mo.port_max = static_cast<std::uint16_t>(opts_.rtp_ports.hi == 65535 ? 65535 : opts_.rtp_ports.hi + 1);
  auto relay = runtime::MediaRelay::create(io_, clock_, mo, [this](relay::RelayId r, const std::string& why) {
    for (const auto& [h, call] : calls_) {
      if (call.relay == r) {
        log_(fmt::format("call {}: {}; ending it", h, why));
        b2bua_->hang_up(clock_.now(), h, "media timeout");
        pump();
        return;
      }
    }
  });
  if (!relay) return fail(Errc::invalid_argument, "--media-ip/--rtp-ports: " + relay.error().context);
  relay_ = std::move(*relay);

  io::dns::DnsResolverOptions dns;
  dns.use_system_config = true;
  auto resolver = io::dns::DnsResolver::create(io_, dns);
  if (!resolver) {  // contacts are IP literals in practice; a resolver that can only say so is enough
    dns.use_system_config = false;
    dns.servers = {"127.0.0.1:53"};
    resolver = io::dns::DnsResolver::create(io_, dns);
    if (!resolver) return fail(Errc::io_error, "DNS: " + resolver.error().context);
  }
  dns_ = std::move(*resolver);
  router_ = std::make_unique<runtime::SipRouter>(*endpoint_, *dns_, locate::TransportMode::dns,
                                                 [this](std::string_view l) { log_(l); });
  // The B2BUA keeps its pending flows (one per contact it sends to without a flow); the router reports
  // the flow each was located to, which the records (TLS facts) and connection closures need.
  router_->on_located([this](Flow pending, const sip::Uri&, const runtime::SipRouter::Located& r) {
    if (pending.is_pending()) located_[pending.id] = r.flow;
  });
  router_->on_unreachable([this](Flow placeholder) {
    located_.erase(placeholder.id);
    b2bua_->handle_transport_error(clock_.now(), placeholder);
    pump();
  });
  endpoint_->on_flow_opened([this](Flow f) { router_->flow_opened(f); });

  b2bua::B2buaConfig cfg;
  cfg.domains = our_hosts_;
  for (const auto& [spec, ep] : bound) {
    cfg.bindings.push_back(ua::LocalBinding{std::string(sip::transport_name(spec.kind)), host_of(ep), ep.port});
  }
  auto trunks = make_trunks(opts_.trunks);
  if (!trunks) return Unexpected(trunks.error());
  for (const b2bua::Trunk& t : *trunks) {
    std::string from;
    for (const auto& ip : t.source_ips) from += (from.empty() ? "" : ", ") + ip;
    log_(fmt::format("trunk {}: {} (srtp {}), prefix '{}', {} number(s), inbound from {}", t.name, sip::serialize(t.uri),
                     negotiation::to_string(t.policy.media.mode), t.prefix, t.numbers.size(), from));
  }
  cfg.trunks = std::move(*trunks);
  b2bua_ = std::make_unique<b2bua::B2bua>(cfg, *registrar_, *registrar_, *relay_, *policies_);
  return {};
}

void Server::pump() {
  if (!b2bua_) return;
  for (bool busy = true; busy;) {
    busy = false;
    // Events first: a call's record is written before its final response or 200 to the BYE is sent.
    while (auto ev = b2bua_->poll_event()) {
      busy = true;
      on_call_event(*ev);
    }
    while (auto t = b2bua_->poll_transmit()) {
      busy = true;
      router_->send(*t);
    }
  }
  follow_deadlines();
}

Flow Server::real_flow(Flow f) const {
  if (f.is_pending()) {
    if (auto it = located_.find(f.id); it != located_.end()) return it->second;
  }
  return f;
}

void Server::remember_flows(b2bua::CallHandle h, const b2bua::CallRecord& r) {
  auto& call = calls_[h];
  if (r.relay) call.relay = *r.relay;
  for (const b2bua::LegRecord& leg : r.legs) {
    const Flow f = real_flow(leg.flow);
    if (const FlowInfo* info = endpoint_->info(f); info != nullptr && info->open) call.flows[f.id] = *info;
  }
}

void Server::on_call_event(const b2bua::B2buaEvent& ev) {
  using K = b2bua::B2buaEvent::Kind;
  const b2bua::CallRecord& r = ev.record;
  switch (ev.kind) {
    case K::call_started:
      remember_flows(ev.call, r);
      metrics_.calls_active.set(static_cast<std::int64_t>(calls_.size()));
      log_(fmt::format("call {}: {} -> {} ({})", ev.call, r.from, r.to, r.call_id));
      return;
    case K::call_answered: {
      remember_flows(ev.call, r);
      auto& call = calls_[ev.call];
      for (const b2bua::LegRecord& leg : r.legs) {
        const Flow f = real_flow(leg.flow);
        if (!f.reliable || f.kind() != sip::txn::FlowKind::connection) continue;
        call.pinned.push_back(f.id);
        if (flow_dialogs_[f.id]++ == 0) update_pin(f.id);
      }
      log_(fmt::format("call {}: answered", ev.call));
      return;
    }
    case K::call_transferred: {
      // The transfer target's leg (the last one): its flow is remembered and pinned like an answered leg's.
      remember_flows(ev.call, r);
      auto& call = calls_[ev.call];
      if (!r.legs.empty()) {
        const b2bua::LegRecord& leg = r.legs.back();
        const Flow f = real_flow(leg.flow);
        if (f.reliable && f.kind() == sip::txn::FlowKind::connection) {
          call.pinned.push_back(f.id);
          if (flow_dialogs_[f.id]++ == 0) update_pin(f.id);
        }
        log_(fmt::format("call {}: transferred to {} ({})", ev.call, leg.user, leg.uri));
      }
      return;
    }
    case K::call_ended: {
      remember_flows(ev.call, r);
      store::CallRecord rec = to_store_record(r, ev.call);
      store::apply_judgement(rec);
      if (Status st = store_->add_call(rec); !st) {
        log_(fmt::format("call {}: record NOT written: {}", ev.call, st.error().context));
      } else {
        ++calls_recorded_;
      }
      metrics_.call_ended(rec);
      std::string legs;
      for (const store::LegRecord& l : rec.legs) {
        legs += fmt::format("; {} {} {} {} {} in/out {}/{} auth failures {}", store::to_string(l.side), l.peer,
                            store::transport_label(l.transport), l.tls_version.empty() ? "-" : l.tls_version,
                            l.srtp_suite.value_or(l.media ? "RTP" : "no media"), l.packets_in, l.packets_out,
                            l.auth_failures);
      }
      log_(fmt::format("call {}: ended, {} {} ({}), verdict {}{}", ev.call, store::to_string(rec.result), rec.status,
                       r.reason, store::to_string(rec.verdict), legs));
      if (auto it = calls_.find(ev.call); it != calls_.end()) {
        for (std::uint64_t id : it->second.pinned) {
          auto d = flow_dialogs_.find(id);
          if (d != flow_dialogs_.end() && --d->second == 0) {
            flow_dialogs_.erase(d);
            update_pin(id);
          }
        }
        calls_.erase(it);
      }
      metrics_.calls_active.set(static_cast<std::int64_t>(calls_.size()));
      if (draining_ && calls_.empty() && !stop_at_) {
        log_("the last call has ended");
        finish_drain();
      }
      return;
    }
  }
}

store::CallRecord Server::to_store_record(const b2bua::CallRecord& r, b2bua::CallHandle h) const {
  const io::Timestamp now = clock_.now();
  const std::int64_t now_ms = unix_ms_now();
  auto wall = [&](io::Timestamp t) {
    return now_ms - std::chrono::duration_cast<std::chrono::milliseconds>(now - t).count();
  };
  store::CallRecord c;
  c.call_id = r.call_id;
  c.from = r.from;
  c.to = r.to;
  c.started_unix_ms = wall(r.started);
  if (r.answered) c.answered_unix_ms = wall(*r.answered);
  c.ended_unix_ms = wall(r.ended);
  c.result = to_store(r.result);
  c.status = r.status;
  c.end_reason = r.reason;
  const auto call = calls_.find(h);
  for (const b2bua::LegRecord& leg : r.legs) {
    store::LegRecord l;
    l.side = leg.transfer_target ? store::LegSide::transfer_target
             : leg.side == relay::Side::a ? store::LegSide::caller
                                          : store::LegSide::callee;
    l.peer = leg.user;
    if (auto t = sip::parse_transport(leg.transport)) l.transport = to_store(*t);
    const Flow f = real_flow(leg.flow);
    const FlowInfo* info = endpoint_->info(f);
    if ((info == nullptr || !info->open) && call != calls_.end()) {
      if (auto it = call->second.flows.find(f.id); it != call->second.flows.end()) info = &it->second;
    }
    if (info != nullptr) {
      l.address = info->remote.to_string();
      if (info->tls) {
        l.tls_version = info->tls->version;
        l.tls_cipher = info->tls->cipher;
        l.peer_certificate = info->tls->peer_subject;
        if (!l.peer_certificate.empty() && info->tls->verify_result != 0) {  // presented, does not chain to our CA
          l.peer_certificate += " (not verified: " + info->tls->verify_result_text + ")";
        }
      }
    }
    l.media = leg.media_negotiated;
    l.srtp_suite = leg.srtp_suite;
    l.packets_in = leg.stats.packets_in;
    l.packets_out = leg.stats.packets_out;
    l.auth_failures = leg.stats.auth_failures;
    l.packets_lost = leg.stats.packets_lost;
    c.legs.push_back(std::move(l));
  }
  return c;
}

void Server::end_calls(const std::string& why) {
  std::vector<b2bua::CallHandle> handles;
  for (const auto& [h, call] : calls_) handles.push_back(h);
  for (b2bua::CallHandle h : handles) b2bua_->hang_up(clock_.now(), h, why);
  pump();
}

}  // namespace sotto::server
