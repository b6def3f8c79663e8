// Server: REGISTER through the registrar, binding changes on disk before the response goes out, bindings
// restored at start, and the connections that carry bindings pinned (RFC 5626: calls reach a phone
// without a listener down the connection it registered over).
#include <fmt/format.h>

#include <ctime>

#include "core/sip/response_builder.hpp"
#include "server/server.hpp"

namespace sotto::server {
namespace {

std::int64_t unix_now() { return static_cast<std::int64_t>(std::time(nullptr)); }

std::string key_of(const registrar::Binding& b) { return store::binding_key(to_record(b, 0)); }

std::string where(const registrar::Binding& b) {
  return fmt::format("{} from {}", sip::transport_name(b.transport), store::source_text(b.source_ip, b.source_port));
}

}  // namespace

Status Server::restore_bindings() {
  const std::int64_t now_unix = unix_now();
  (void)store_->remove_expired(now_unix);
  auto rows = store_->list_bindings(now_unix);
  if (!rows) return fail(Errc::io_error, "reading the bindings from the database: " + rows.error().context);
  auto bindings = from_records(*rows);
  const std::size_t n = bindings.size();
  registrar_->restore(clock_.now(), now_unix, std::move(bindings));
  if (n > 0) {
    log_(fmt::format("restored {} binding(s) from the database (reachable at their contact, or down their "
                     "connection once the phone registers again)", n));
  }
  return {};
}

void Server::on_register(Flow flow, const FlowInfo& info, const sip::SipMessage& req) {
  const registrar::RequestContext ctx = context_of(flow, info);
  const std::int64_t now_unix = unix_now();
  const registrar::RegistrarStats before = registrar_->stats();
  registrar::RegisterOutcome out = registrar_->handle_register(clock_.now(), now_unix, ctx, req);
  const registrar::RegistrarStats after = registrar_->stats();
  const std::string from = info.remote.to_string();
  metrics_.registration(out.response ? out.response->status() : 0);
  metrics_.auth_failures.inc(after.auth_failed - before.auth_failed);
  metrics_.registrations_active.set(static_cast<std::int64_t>(after.bindings));
  metrics_.sources_blocked.set(static_cast<std::int64_t>(after.throttle.blocked_now));
  if (after.auth_failed > before.auth_failed) {
    auth_failures_log_->note(fmt::format("REGISTER from {}: wrong password or unknown user", from));
  }
  if (after.transport_refused > before.transport_refused) {
    refused_log_->note(fmt::format("REGISTER from {} over {}: the account does not allow this transport", from,
                                   sip::transport_name(info.kind)));
  }
  if (!out.response) {
    blocked_log_->note(fmt::format("REGISTER from {} dropped: source blocked after failed attempts", from));
    return;
  }
  if (out.changes.empty()) {
    if (Status st = endpoint_->send(flow, *out.response); !st) log_("REGISTER response not sent: " + st.error().message());
    return;
  }
  track_flows(out.changes);
  for (const registrar::BindingChange& c : out.changes) {
    const registrar::Binding& b = c.binding;
    switch (c.kind) {
      case registrar::BindingChangeKind::added:
        log_(fmt::format("registered {} at {} over {} (expires in {} s)", b.user, sip::serialize(b.contact), where(b),
                         b.expires_unix - now_unix));
        break;
      case registrar::BindingChangeKind::refreshed:
        refresh_log_->note(fmt::format("{} at {} over {}", b.user, sip::serialize(b.contact), where(b)));
        break;
      case registrar::BindingChangeKind::removed:
        log_(fmt::format("unregistered {} at {}", b.user, sip::serialize(b.contact)));
        break;
    }
  }
  // Durable before the response (issue 8, section 5): a binding the phone was told about is on disk.
  std::optional<sip::SipMessage> failed;
  if (auto r = sip::make_response(req, 500, "Server Internal Error")) {
    (void)r->add_raw("Retry-After", "5");
    failed = std::move(*r);
  }
  persist(out.changes, [this, flow, ok_response = std::move(*out.response), failed = std::move(failed)](bool ok) {
    const sip::SipMessage* r = ok ? &ok_response : failed ? &*failed : nullptr;
    if (r == nullptr) return;
    if (Status st = endpoint_->send(flow, *r); !st) log_("REGISTER response not sent: " + st.error().message());
  });
}

void Server::persist(const std::vector<registrar::BindingChange>& changes, std::function<void(bool)> done) {
  const std::int64_t now_unix = unix_now();
  struct Pending {
    std::size_t left = 0;
    bool ok = true;
    std::function<void(bool)> done;
  };
  auto pending = std::make_shared<Pending>();
  pending->left = changes.size();
  pending->done = std::move(done);
  for (const registrar::BindingChange& c : changes) {
    store::Write w = c.kind == registrar::BindingChangeKind::removed
                         ? store::Write(store::RemoveBinding{to_record(c.binding, now_unix)})
                         : store::Write(store::PutBinding{to_record(c.binding, now_unix)});
    const std::string who = c.binding.user;
    // `done` runs on the queue's thread: back to the io_context, where the server's state lives.
    commits_->submit(std::move(w), [this, pending, who](const Status& st) {
      asio::post(io_, [this, pending, who, st] {
        if (!st) {
          log_("database: binding of " + who + " not written: " + st.error().context);
          pending->ok = false;
        }
        if (--pending->left == 0 && pending->done) pending->done(pending->ok);
      });
    });
  }
}

void Server::track_flows(const std::vector<registrar::BindingChange>& changes) {
  auto drop = [this](std::uint64_t flow_id) {
    auto it = flow_bindings_.find(flow_id);
    if (it == flow_bindings_.end()) return;
    if (--it->second == 0) {
      flow_bindings_.erase(it);
      update_pin(flow_id);
    }
  };
  for (const registrar::BindingChange& c : changes) {
    const std::string key = key_of(c.binding);
    auto old = binding_flow_.find(key);
    const bool keep = c.kind != registrar::BindingChangeKind::removed && c.binding.flow.reliable &&
                      c.binding.flow.kind() == sip::txn::FlowKind::connection && c.binding.flow_alive;
    if (old != binding_flow_.end()) {
      if (keep && old->second == c.binding.flow.id) continue;  // same connection as before
      drop(old->second);
      binding_flow_.erase(old);
    }
    if (!keep) continue;
    binding_flow_[key] = c.binding.flow.id;
    if (flow_bindings_[c.binding.flow.id]++ == 0) update_pin(c.binding.flow.id);
  }
}

void Server::update_pin(std::uint64_t flow_id) {
  const Flow f = Flow::connection(flow_id);
  endpoint_->set_in_use(f, flow_bindings_.count(flow_id) != 0 || flow_dialogs_.count(flow_id) != 0 || trunk_pins(flow_id));
}

void Server::registrar_timeout(io::Timestamp now) {
  auto expired = registrar_->handle_timeout(now);
  metrics_.registrations_active.set(static_cast<std::int64_t>(registrar_->stats().bindings));
  if (expired.empty()) return;
  persist(expired, {});
  track_flows(expired);
  for (const registrar::BindingChange& c : expired) {
    log_(fmt::format("binding expired: {} at {}", c.binding.user, sip::serialize(c.binding.contact)));
  }
}

}  // namespace sotto::server
