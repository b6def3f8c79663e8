// Server: `register = true` trunks. Each registers at its carrier (runtime::TrunkRegistration: REGISTER with
// digest over a TLS connection we open and keep, refresh, back-off, CRLF keep-alives, unregister on drain);
// while registered, the B2BUA takes INVITEs down that connection as the trunk's and sends the trunk's calls
// down it (b2bua::B2bua::set_trunk_flow).
#include <fmt/format.h>

#include <algorithm>

#include "crypto/random.hpp"
#include "server/server.hpp"
#include "server/server_trunks.hpp"

namespace sotto::server {

using State = runtime::TrunkRegistration::State;

Status Server::start_trunk_registrations(const std::vector<ua::LocalBinding>& bindings) {
  const bool tls = std::any_of(bindings.begin(), bindings.end(), [](const ua::LocalBinding& b) { return b.transport == "TLS"; });
  for (std::size_t i = 0; i < opts_.trunks.size(); ++i) {
    const config::TrunkConfig& tc = opts_.trunks[i];
    if (!tc.register_) continue;
    if (!tls) {
      return fail(Errc::invalid_argument, "trunk '" + tc.name + "': register = true needs a tls:// listener (the Contact "
                                          "registered at the carrier names it)");
    }
    auto registrar = trunk_registrar(tc);
    if (!registrar) {  // the config parser checked it; a URI it let through that we cannot use
      log_(fmt::format("trunk {}: not registering: {}", tc.name, registrar.error().context));
      continue;
    }
    runtime::TrunkRegistrationOptions o;
    o.name = tc.name;
    o.registrar = *registrar;
    o.aor.scheme = sip::UriScheme::sips;
    o.aor.user = tc.username;
    o.aor.host = registrar->host;
    o.contact_user = tc.contact_user.empty() ? tc.username : tc.contact_user;
    o.credentials = auth::DigestCredentials{tc.username, tc.password};
    o.expires = tc.register_expires;
    o.bindings = bindings;
    o.keeper.keepalive_interval = std::chrono::seconds(90);  // RFC 5626 4.4.1; the carrier's Flow-Timer wins
    o.keeper.backoff_base = std::chrono::seconds(2);
    o.keeper.backoff_cap = std::chrono::seconds(120);
    o.keeper.unregister_timeout = std::chrono::seconds(4);
    o.keeper.fraction = [] { return static_cast<double>(crypto::random_u32()) / 4294967296.0; };
    TrunkReg t;
    t.trunk = i;
    t.reg = std::make_unique<runtime::TrunkRegistration>(std::move(o), crypto::system_random());
    t.registered = &metrics_registry_.gauge("sotto_trunk_registered",
                                            "1 while the trunk's registration at its carrier is in force, else 0",
                                            {{"trunk", tc.name}});
    log_(fmt::format("trunk {}: registering at {} as {} (contact user {}, expires {} s)", tc.name,
                     sip::serialize(*registrar), tc.username, t.reg->options().contact_user, tc.register_expires));
    trunk_regs_.push_back(std::move(t));
  }
  endpoint_->on_pong([this](Flow f) {
    const auto now = clock_.now();
    for (auto& t : trunk_regs_) t.reg->pong(now, f);
  });
  for (std::size_t i = 0; i < trunk_regs_.size(); ++i) {
    trunk_regs_[i].reg->start(clock_.now());
    drive_trunk(i);
  }
  return {};
}

void Server::drive_trunk(std::size_t i) {
  TrunkReg& t = trunk_regs_.at(i);
  runtime::TrunkRegistration& r = *t.reg;
  using AK = runtime::TrunkRegistration::Action::Kind;
  while (auto a = r.poll_action()) {
    switch (a->kind) {
      case AK::connect:
        router_->connect(
            a->uri,
            [this, i](Result<runtime::SipRouter::Located> located) {
              if (i >= trunk_regs_.size()) return;
              const auto now = clock_.now();
              if (located) trunk_regs_[i].reg->connected(now, located->flow, located->secure);
              else trunk_regs_[i].reg->connect_failed(now, located.error().context);
              drive_trunk(i);
              follow_deadlines();
            },
            sip::Transport::tls);
        break;
      case AK::send: router_->send(a->transmit); break;
      case AK::ping:
        if (Status st = endpoint_->send_ping(a->flow); !st) {
          log_(fmt::format("trunk {}: keep-alive not sent: {}", r.name(), st.error().message()));
        }
        break;
      case AK::close:
        log_(fmt::format("trunk {}: no pong to the keep-alive within 10 s (RFC 5626 4.4.1); closing the connection",
                         r.name()));
        endpoint_->close(a->flow);
        break;
    }
  }
  while (auto c = r.poll_change()) {
    std::string over;
    if (c->state == State::registered) {
      if (auto f = r.registered_flow()) {
        if (const FlowInfo* info = endpoint_->info(*f)) {
          over = fmt::format(" over {} to {}", sip::transport_name(info->kind), info->remote.to_string());
          if (info->tls) over += " (" + info->tls->version + ")";
        }
      }
    }
    log_(fmt::format("trunk {}: {}{}", r.name(), c->text, over));
  }
  // The connection: the B2BUA's trust and route, pinned while registered.
  const std::optional<Flow> flow = r.registered_flow();
  const bool same = flow && t.handed && flow->id == t.handed->id;
  if (!same && (flow || t.handed)) {
    b2bua_->set_trunk_flow(t.trunk, flow);
    t.handed = flow;
  }
  if (t.pinned && (!flow || flow->id != t.pinned->id)) {
    const std::uint64_t old = t.pinned->id;
    t.pinned.reset();
    update_pin(old);
  }
  if (flow && !t.pinned) {
    t.pinned = flow;
    update_pin(flow->id);
  }
  t.registered->set(r.state() == State::registered ? 1 : 0);
}

bool Server::trunk_pins(std::uint64_t flow_id) const {
  for (const auto& t : trunk_regs_) {
    if (t.pinned && t.pinned->id == flow_id) return true;
  }
  return false;
}

bool Server::on_trunk_response(Flow flow, const sip::SipMessage& resp) {
  auto cseq = resp.header(sip::hdr::cseq);
  if (!cseq || cseq->method.id() != sip::MethodId::register_) return false;
  for (std::size_t i = 0; i < trunk_regs_.size(); ++i) {
    if (trunk_regs_[i].reg->handle_response(clock_.now(), flow, resp)) {
      drive_trunk(i);
      return true;
    }
  }
  return false;
}

void Server::trunks_flow_closed(Flow flow, const std::string& why) {
  for (std::size_t i = 0; i < trunk_regs_.size(); ++i) {
    trunk_regs_[i].reg->flow_closed(clock_.now(), flow, why);
    drive_trunk(i);
  }
}

void Server::trunks_timeout(io::Timestamp now) {
  for (std::size_t i = 0; i < trunk_regs_.size(); ++i) {
    if (auto t = trunk_regs_[i].reg->next_timeout(); t && *t <= now) {
      trunk_regs_[i].reg->handle_timeout(now);
      drive_trunk(i);
    }
  }
}

std::optional<io::Timestamp> Server::trunks_next_timeout() const {
  std::optional<io::Timestamp> next;
  for (const auto& t : trunk_regs_) {
    if (auto d = t.reg->next_timeout(); d && (!next || *d < *next)) next = d;
  }
  return next;
}

void Server::stop_trunk_registrations() {
  if (trunk_regs_.empty()) return;
  trunk_stop_limit_ = clock_.now() + std::chrono::seconds(5);
  for (std::size_t i = 0; i < trunk_regs_.size(); ++i) {
    trunk_regs_[i].reg->stop(clock_.now());
    drive_trunk(i);
  }
}

bool Server::trunks_unregistering() const {
  for (const auto& t : trunk_regs_) {
    if (t.reg->state() == State::unregistering) return true;
  }
  return false;
}

std::vector<Server::TrunkStatus> Server::trunk_status() const {
  std::vector<TrunkStatus> out;
  const auto now = clock_.now();
  for (const auto& t : trunk_regs_) {
    const runtime::TrunkRegistration& r = *t.reg;
    TrunkStatus s;
    s.name = r.name();
    s.state = std::string(runtime::to_string(r.state()));
    s.registrar = sip::serialize(r.options().registrar);
    s.aor = sip::serialize(r.options().aor);
    s.contact_user = r.options().contact_user;
    if (auto f = r.registered_flow()) {
      if (const FlowInfo* info = endpoint_->info(*f)) s.connection = info->remote.to_string();
    }
    s.last_error = r.last_error();
    s.expires = r.expires();
    if (r.state() == State::registered && r.expires_at()) {
      s.expires_in = std::chrono::duration_cast<std::chrono::seconds>(*r.expires_at() - now).count();
    }
    s.registrations = r.registrations();
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace sotto::server
