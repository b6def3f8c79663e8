#include "runtime/trunk_registration.hpp"

#include <chrono>

#include "core/sip/header_fields.hpp"

namespace sotto::runtime {

namespace {

std::string seconds_text(Duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(d).count()) + " s";
}

}  // namespace

std::string_view to_string(TrunkRegistration::State s) noexcept {
  using S = TrunkRegistration::State;
  switch (s) {
    case S::idle: return "idle";
    case S::connecting: return "connecting";
    case S::registering: return "registering";
    case S::registered: return "registered";
    case S::backing_off: return "backing_off";
    case S::unregistering: return "unregistering";
    case S::stopped: return "stopped";
  }
  return "idle";
}

TrunkRegistration::TrunkRegistration(TrunkRegistrationOptions options, RandomSource& rng)
    : opts_(std::move(options)), rng_(&rng), keeper_([&] {
        RegistrationKeeperOptions k = opts_.keeper;
        k.retry_first = true;
        return k;
      }()) {}

void TrunkRegistration::set_state(State s, std::string text) {
  const bool changed = s != state_;
  state_ = s;
  if (changed && !text.empty()) changes_.push_back(Change{s, std::move(text)});
}

void TrunkRegistration::start(Timestamp now) {
  if (state_ != State::idle) return;
  keeper_.start(now);
  settle(now);
}

void TrunkRegistration::send_register(Timestamp now) {
  if (!flow_) {
    awaiting_connect_ = true;
    set_state(State::connecting, {});
    Action a;
    a.kind = Action::Kind::connect;
    a.uri = opts_.registrar;
    actions_.push_back(std::move(a));
    return;
  }
  if (!ua_) return;
  set_state(state_ == State::registered ? State::registered : State::registering, {});
  if (Status st = ua_->register_account(now); !st) failed(now, st.error().context);
}

void TrunkRegistration::connected(Timestamp now, sip::txn::Flow flow, bool secure) {
  if (!awaiting_connect_) return;  // stopped meanwhile
  awaiting_connect_ = false;
  flow_ = flow;
  // One UserAgent per connection: a lost connection takes its transactions and refresh timer with it.
  ua::UaConfig cfg;
  cfg.aor = opts_.aor;
  cfg.credentials = opts_.credentials;
  cfg.registrar = opts_.registrar;
  cfg.register_expires = opts_.expires;
  cfg.contact_user = opts_.contact_user;
  cfg.bindings = opts_.bindings;
  ua_ = std::make_unique<ua::UserAgent>(std::move(cfg), *rng_);
  ua_->use_flow(opts_.registrar, flow, ua::FlowInfo{secure});
  send_register(now);
  settle(now);
}

void TrunkRegistration::connect_failed(Timestamp now, const std::string& why) {
  if (!awaiting_connect_) return;
  awaiting_connect_ = false;
  failed(now, "cannot connect to " + sip::serialize(opts_.registrar) + ": " + why);
  settle(now);
}

void TrunkRegistration::failed(Timestamp now, const std::string& why) {
  last_error_ = why;
  keeper_.on_failed(now, why);
  if (keeper_.state() == RegistrationKeeper::State::backing_off) {
    set_state(State::backing_off, "registration failed: " + why + "; trying again in " + seconds_text(keeper_.retry_delay()));
  }
}

bool TrunkRegistration::handle_response(Timestamp now, sip::txn::Flow flow, const sip::SipMessage& resp) {
  if (!ua_ || !resp.is_response()) return false;
  auto call_id = resp.header(sip::hdr::call_id);
  if (!call_id || ua_->registration().call_id.empty() || *call_id != ua_->registration().call_id) return false;
  ua_->handle_message(now, flow, resp, ua::FlowInfo{true});
  settle(now);
  return true;
}

void TrunkRegistration::flow_closed(Timestamp now, sip::txn::Flow flow, const std::string& why) {
  if (!flow_ || flow_->id != flow.id) return;
  lose_flow(now, why);
  settle(now);
}

void TrunkRegistration::lose_flow(Timestamp now, const std::string& why) {
  flow_.reset();
  ua_.reset();
  expires_at_.reset();
  const bool was_registered = state_ == State::registered;
  last_error_ = "connection lost: " + why;
  if (state_ == State::unregistering) set_state(State::stopped, "unregister not confirmed: " + last_error_);
  keeper_.on_flow_lost(now, last_error_);
  if (keeper_.state() == RegistrationKeeper::State::backing_off) {
    set_state(State::backing_off, std::string(was_registered ? "registration lost" : "registration failed") + ": " +
                                      last_error_ + "; registering again in " + seconds_text(keeper_.retry_delay()));
  }
}

void TrunkRegistration::pong(Timestamp now, sip::txn::Flow flow) {
  if (flow_ && flow_->id == flow.id) keeper_.on_pong(now);
}

void TrunkRegistration::stop(Timestamp now) {
  awaiting_connect_ = false;
  keeper_.stop(now);
  settle(now);
}

void TrunkRegistration::handle_timeout(Timestamp now) {
  if (ua_) {
    if (auto t = ua_->next_timeout(); t && *t <= now) ua_->handle_timeout(now);
  }
  settle(now);
  if (auto t = keeper_.next_timeout(); t && *t <= now) keeper_.handle_timeout(now);
  settle(now);
}

std::optional<Timestamp> TrunkRegistration::next_timeout() const {
  std::optional<Timestamp> t = keeper_.next_timeout();
  if (ua_) {
    if (auto u = ua_->next_timeout(); u && (!t || *u < *t)) t = u;
  }
  return t;
}

std::optional<TrunkRegistration::Action> TrunkRegistration::poll_action() {
  if (actions_.empty()) return std::nullopt;
  Action a = std::move(actions_.front());
  actions_.pop_front();
  return a;
}

std::optional<TrunkRegistration::Change> TrunkRegistration::poll_change() {
  if (changes_.empty()) return std::nullopt;
  Change c = std::move(changes_.front());
  changes_.pop_front();
  return c;
}

void TrunkRegistration::settle(Timestamp now) {
  using K = ua::UaEvent::Kind;
  for (bool busy = true; busy;) {
    busy = false;
    while (ua_) {
      auto t = ua_->poll_transmit();
      if (!t) break;
      busy = true;
      if (t->target) {
        // Every REGISTER goes down the connection use_flow named; a target means that flow is gone.
        ua_->handle_transport_error(now, t->flow);
        continue;
      }
      Action a;
      a.kind = Action::Kind::send;
      a.transmit = std::move(*t);
      actions_.push_back(std::move(a));
    }
    while (ua_) {
      auto ev = ua_->poll_event();
      if (!ev) break;
      busy = true;
      if (ev->kind == K::registered) {
        ++registrations_;
        expires_ = ev->expires;
        expires_at_ = now + std::chrono::seconds(ev->expires);
        last_error_.clear();
        keeper_.on_registered(now, ev->expires, ev->flow_timer, flow_ && flow_->reliable);
        if (keeper_.state() == RegistrationKeeper::State::registered) {
          set_state(State::registered, "registered at " + sip::serialize(opts_.registrar) + " as " + opts_.aor.user +
                                           " (expires " + std::to_string(ev->expires) + " s)");
        }
      } else if (ev->kind == K::unregistered) {
        keeper_.on_unregistered(now);
        expires_ = 0;
        expires_at_.reset();
      } else if (ev->kind == K::registration_failed) {
        const std::string why = std::to_string(ev->status) + " " + ev->reason +
                                (ev->warning.empty() ? std::string() : " (" + ev->warning + ")");
        if (keeper_.state() == RegistrationKeeper::State::unregistering) {
          last_error_ = "unregister failed: " + why;
          keeper_.on_unregistered(now);
        } else if (keeper_.state() != RegistrationKeeper::State::backing_off) {
          expires_at_.reset();
          failed(now, why);
        }
      }
    }
    while (auto a = keeper_.poll_action()) {
      busy = true;
      using A = RegistrationKeeper::Action::Kind;
      switch (a->kind) {
        case A::register_: send_register(now); break;
        case A::ping:
          if (flow_) {
            Action p;
            p.kind = Action::Kind::ping;
            p.flow = *flow_;
            actions_.push_back(std::move(p));
          }
          break;
        case A::flow_dead:
          if (flow_) {
            Action c;
            c.kind = Action::Kind::close;
            c.flow = *flow_;
            actions_.push_back(std::move(c));
            lose_flow(now, a->reason);
          }
          break;
        case A::give_up:  // not with retry_first; kept for completeness
          last_error_ = a->reason;
          set_state(State::stopped, "registration given up: " + a->reason);
          break;
        case A::unregister:
          if (ua_ && flow_) {
            set_state(State::unregistering, "unregistering from " + sip::serialize(opts_.registrar));
            if (Status st = ua_->unregister(now); !st) {
              last_error_ = "unregister: " + st.error().context;
              keeper_.on_unregistered(now);
            }
          } else {
            keeper_.on_unregistered(now);
          }
          break;
        case A::done:
          awaiting_connect_ = false;
          if (state_ != State::unregistering) set_state(State::stopped, "registration stopped");
          else if (a->reason.empty()) set_state(State::stopped, "unregistered");
          else set_state(State::stopped, "unregister not confirmed: " + a->reason);
          break;
      }
    }
  }
}

}  // namespace sotto::runtime
