#include "runtime/registration_keeper.hpp"

#include <algorithm>

namespace sotto::runtime {

RegistrationKeeper::RegistrationKeeper(RegistrationKeeperOptions options) : opts_(std::move(options)) {}

void RegistrationKeeper::push(Action::Kind k, std::string reason, Duration waited) {
  actions_.push_back(Action{k, std::move(reason), waited});
}

void RegistrationKeeper::drop_keepalive() {
  keepalive_.reset();
}

void RegistrationKeeper::start(Timestamp now) {
  if (state_ != State::idle) return;
  state_ = State::registering;
  if (!opts_.retry_first) first_deadline_ = now + opts_.first_timeout;
  push(Action::Kind::register_);
}

void RegistrationKeeper::on_registered(Timestamp now, std::uint32_t expires, std::optional<std::uint32_t> flow_timer,
                                       bool reliable) {
  if (state_ == State::done || state_ == State::idle) return;
  has_binding_ = true;
  if (state_ == State::unregistering) return;  // a refresh that crossed our REGISTER 0
  state_ = State::registered;
  ever_registered_ = true;
  retries_ = 0;
  first_deadline_.reset();
  retry_at_.reset();
  expires_at_ = now + std::chrono::seconds(expires);
  if (!reliable || opts_.keepalive_interval <= Duration::zero()) return;
  // RFC 5626 5.4: the registrar's Flow-Timer, when it sends one, overrides the configured interval.
  const Duration interval = flow_timer ? Duration(std::chrono::seconds(*flow_timer)) : opts_.keepalive_interval;
  if (!keepalive_) {
    keepalive_.emplace(interval, opts_.fraction);
    keepalive_->start(now);
  } else if (flow_timer) {
    keepalive_->set_interval(interval);  // a refresh may change it: used from the next ping on
  }
}

void RegistrationKeeper::on_failed(Timestamp now, std::string why) {
  if (state_ == State::unregistering) {
    on_unregistered(now);
    return;
  }
  if (state_ == State::done || state_ == State::idle) return;
  if (!ever_registered_ && !opts_.retry_first) {
    state_ = State::done;
    first_deadline_.reset();
    retry_at_.reset();
    drop_keepalive();
    push(Action::Kind::give_up, std::move(why));
    return;
  }
  back_off(now, std::move(why));
}

void RegistrationKeeper::on_flow_lost(Timestamp now, std::string why) {
  if (state_ == State::unregistering) {  // nothing left to carry the REGISTER 0
    on_unregistered(now);
    return;
  }
  if (state_ == State::done || state_ == State::idle || state_ == State::backing_off) return;
  back_off(now, std::move(why));
}

void RegistrationKeeper::back_off(Timestamp now, std::string why) {
  drop_keepalive();
  expires_at_.reset();
  state_ = State::backing_off;
  // RFC 5626 4.5 style: doubling from the base, capped (the RFC's 30 s base is long for a test phone).
  Duration delay = opts_.backoff_base;
  for (int i = 0; i < retries_ && delay < opts_.backoff_cap; ++i) delay *= 2;
  delay = std::min(delay, opts_.backoff_cap);
  ++retries_;
  last_delay_ = delay;
  lost_why_ = std::move(why);
  retry_at_ = now + delay;
}

void RegistrationKeeper::on_pong(Timestamp now) {
  if (!keepalive_ || !keepalive_->awaiting_pong()) return;  // unsolicited CRLF: nothing to do
  keepalive_->on_pong(now);
  ++pongs_;
}

void RegistrationKeeper::stop(Timestamp now) {
  if (state_ == State::done || state_ == State::unregistering) return;
  drop_keepalive();
  first_deadline_.reset();
  retry_at_.reset();
  expires_at_.reset();
  if (state_ == State::registered) {
    state_ = State::unregistering;
    unregister_deadline_ = now + opts_.unregister_timeout;
    push(Action::Kind::unregister);
    return;
  }
  state_ = State::done;
  push(Action::Kind::done);
}

void RegistrationKeeper::on_unregistered(Timestamp) {
  if (state_ != State::unregistering) return;
  state_ = State::done;
  has_binding_ = false;
  unregister_deadline_.reset();
  push(Action::Kind::done);
}

void RegistrationKeeper::handle_timeout(Timestamp now) {
  if (first_deadline_ && now >= *first_deadline_) {
    first_deadline_.reset();
    if (!ever_registered_) {
      state_ = State::done;
      retry_at_.reset();
      drop_keepalive();
      const auto s = std::chrono::duration_cast<std::chrono::seconds>(opts_.first_timeout).count();
      push(Action::Kind::give_up, "no answer within " + std::to_string(s) + " s");
      return;
    }
  }
  if (retry_at_ && now >= *retry_at_) {
    retry_at_.reset();
    state_ = State::registering;
    push(Action::Kind::register_, lost_why_, last_delay_);
  }
  if (expires_at_ && now >= *expires_at_ && state_ == State::registered) {
    back_off(now, "the binding expired without a refresh");
  }
  if (keepalive_) {
    switch (keepalive_->handle_timeout(now)) {
      case KeepAlive::Action::none: break;
      case KeepAlive::Action::ping:
        ++pings_;
        push(Action::Kind::ping);
        break;
      case KeepAlive::Action::dead:
        drop_keepalive();
        push(Action::Kind::flow_dead, "keep-alive unanswered");
        break;
    }
  }
  if (unregister_deadline_ && now >= *unregister_deadline_) {
    unregister_deadline_.reset();
    state_ = State::done;
    push(Action::Kind::done, "no answer to the unregister");
  }
}

std::optional<Timestamp> RegistrationKeeper::next_timeout() const {
  std::optional<Timestamp> t;
  auto take = [&t](std::optional<Timestamp> c) {
    if (c && (!t || *c < *t)) t = c;
  };
  take(first_deadline_);
  take(retry_at_);
  take(expires_at_);
  take(unregister_deadline_);
  if (keepalive_) take(keepalive_->next_timeout());
  return t;
}

std::optional<RegistrationKeeper::Action> RegistrationKeeper::poll_action() {
  if (actions_.empty()) return std::nullopt;
  Action a = std::move(actions_.front());
  actions_.pop_front();
  return a;
}

}  // namespace sotto::runtime
