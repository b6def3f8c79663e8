// LoadRunner, the call phase: M calls between registered pairs (account p calls account N+p through the
// server), SDES-SRTP G.711 media both ways for --hold-time, BYE from the caller, per-call media counters.
#include <fmt/format.h>

#include "core/sdp/negotiated_stream.hpp"
#include "loadgen/load_runner.hpp"

namespace sotto::loadgen {
namespace {

double ms_between(Timestamp a, Timestamp b) { return std::chrono::duration<double, std::milli>(b - a).count(); }

Duration seconds(double s) { return std::chrono::duration_cast<Duration>(std::chrono::duration<double>(s)); }

}  // namespace

void LoadRunner::begin_calls() {
  phase_ = Phase::calling;
  report_.calls.emplace();
  limit_ = opts_.concurrent;
  next_ = 0;
  finished_ = 0;
  in_flight_ = 0;
  phase_total_ = opts_.raw.calls;
  phase_started_ = clock_.now();
  const std::size_t n = opts_.raw.count;
  for (std::size_t p = n; p-- > 0;) {  // popped from the back: pair 1 first
    if (accounts_[p].state == AccountState::registered && accounts_[n + p].state == AccountState::registered) {
      free_pairs_.push_back(p);
    }
  }
  progress_(fmt::format("placing {} calls between {} registered pairs, {} at a time, {} s of SRTP media each",
                        phase_total_, free_pairs_.size(), limit_, opts_.raw.hold_time_s));
  pacer_ = RatePacer(opts_.rate);
  pacer_.start(phase_started_);
  launch_calls();
}

Result<std::unique_ptr<runtime::MediaLeg>> LoadRunner::open_leg() {
  runtime::MediaLegOptions mo;
  mo.local_ip = opts_.raw.media_ip;
  mo.port_min = opts_.rtp_min;
  mo.port_max = opts_.rtp_max;
  return runtime::MediaLeg::open(io_, clock_, mo);
}

void LoadRunner::launch_calls() {
  if (phase_ != Phase::calling) return;
  CallFigures& f = *report_.calls;
  const auto now = clock_.now();
  if (free_pairs_.empty() && in_flight_ == 0 && next_ < phase_total_) {
    // No pair left (none registered, or every one set aside after a timeout): the rest cannot be placed.
    f.attempted += phase_total_ - next_;
    f.failures["not placed: no usable caller/callee pair (not registered, or an earlier call to it timed out)"] += phase_total_ - next_;
    finished_ += phase_total_ - next_;
    next_ = phase_total_;
  }
  while (next_ < phase_total_ && in_flight_ < limit_ && !free_pairs_.empty() && pacer_.ready(now)) {
    pacer_.take();
    const std::size_t pair = free_pairs_.back();
    free_pairs_.pop_back();
    start_call(pair);
  }
  if (finished_ == phase_total_ && in_flight_ == 0) {
    const CallFigures& c = *report_.calls;
    progress_(fmt::format("calls: {} answered, {} completed of {}", c.answered, c.completed, c.attempted));
    begin_unregistrations();
    return;
  }
  if (!free_pairs_.empty()) arm_pacer();
}

void LoadRunner::start_call(std::size_t pair) {
  const std::size_t idx = next_++;
  const std::size_t n = opts_.raw.count;
  const auto now = clock_.now();
  ++in_flight_;
  CallFigures& f = *report_.calls;
  ++f.attempted;
  CallRecord rec;
  rec.number = idx + 1;
  rec.caller = sip::serialize(opts_.aor(pair + 1));
  rec.callee = sip::serialize(opts_.aor(n + pair + 1));
  f.calls.push_back(rec);
  active_.emplace_back();
  ActiveCall& c = active_.back();
  c.pair = pair;
  c.started = now;
  c.deadline = now + seconds(opts_.raw.timeout_s + opts_.raw.hold_time_s + 10);
  live_calls_.insert(idx);
  accounts_[pair].call = idx + 1;
  accounts_[n + pair].call = idx + 1;
  auto leg = open_leg();
  if (!leg) {
    c.caller_done = true;
    call_failed(idx, "failed", 0, "media: " + leg.error().context);
    return;
  }
  c.caller_leg = std::move(*leg);
  LoadClient& caller = *accounts_[pair].client;
  auto h = caller.ua().call(now, opts_.aor(n + pair + 1),
                            ua::CallOptions{opts_.raw.media_ip, c.caller_leg->rtp_port(),
                                            opts_.raw.media_ip.find(':') != std::string::npos ? "IP6" : "IP4"});
  if (!h) {
    c.caller_done = true;
    call_failed(idx, "failed", 0, "INVITE: " + h.error().context);
    return;
  }
  c.caller_call = *h;
  caller.pump();
}

void LoadRunner::on_call_event(std::size_t account, const ua::UaEvent& ev) {
  using K = ua::UaEvent::Kind;
  Account& a = accounts_[account];
  LoadClient& client = *a.client;
  const auto now = clock_.now();
  if (ev.kind == K::incoming_call) {
    ActiveCall* c = a.call == 0 ? nullptr : &active_[a.call - 1];
    if (c == nullptr || account < opts_.raw.count || c->callee_call != 0 || c->caller_done) {
      (void)client.ua().reject(now, ev.call, 486);  // not the call this account waits for
      return;
    }
    c->callee_call = ev.call;
    auto leg = open_leg();
    if (!leg) {
      progress_("media: " + leg.error().context);
      (void)client.ua().reject(now, ev.call, 503);
      c->callee_done = true;
      return;
    }
    c->callee_leg = std::move(*leg);
    return;
  }
  if (a.call == 0) return;
  const std::size_t idx = a.call - 1;
  ActiveCall& c = active_[idx];
  if (account < opts_.raw.count && ev.call == c.caller_call) on_caller_event(idx, ev);
  else if (account >= opts_.raw.count && ev.call == c.callee_call) on_callee_event(idx, ev);
}

void LoadRunner::on_caller_event(std::size_t idx, const ua::UaEvent& ev) {
  using K = ua::UaEvent::Kind;
  ActiveCall& c = active_[idx];
  CallRecord& rec = report_.calls->calls[idx];
  const auto now = clock_.now();
  if (ev.kind == K::media_ready && ev.media && !c.answered) {
    c.answered = true;
    rec.status = 200;
    rec.reason = "OK";
    rec.setup_ms = ms_between(c.started, now);
    CallFigures& f = *report_.calls;
    ++f.answered;
    f.setup_ms.add(*rec.setup_ms);
    last_answer_ = now;
    f.window_s = std::chrono::duration<double>(last_answer_ - phase_started_).count();
    start_leg(c.caller_leg, *ev.media, idx);
    c.hangup_at = now + seconds(opts_.raw.hold_time_s);
    return;
  }
  if (ev.kind != K::call_state) return;
  if (ev.state == ua::CallState::failed) {
    c.caller_done = true;
    if (!c.answered || ev.status >= 300) {
      rec.status = ev.status;
      rec.reason = ev.warning.empty() ? ev.reason : ev.reason + " (" + ev.warning + ")";
    }
    maybe_call_done(idx);
  } else if (ev.state == ua::CallState::terminated) {
    c.caller_done = true;
    if (!c.answered) {
      rec.status = ev.status;
      rec.reason = ev.reason;
    }
    maybe_call_done(idx);
  }
}

void LoadRunner::on_callee_event(std::size_t idx, const ua::UaEvent& ev) {
  using K = ua::UaEvent::Kind;
  ActiveCall& c = active_[idx];
  LoadClient& callee = *accounts_[opts_.raw.count + c.pair].client;
  const auto now = clock_.now();
  if (ev.kind == K::media_ready && ev.media) {
    start_leg(c.callee_leg, *ev.media, idx);
    return;
  }
  if (ev.kind != K::call_state) return;
  if (ev.state == ua::CallState::ringing && c.callee_leg) {
    const std::string& ip = opts_.raw.media_ip;
    if (Status st = callee.ua().answer(now, c.callee_call,
                                       ua::CallOptions{ip, c.callee_leg->rtp_port(), ip.find(':') != std::string::npos ? "IP6" : "IP4"});
        !st) {
      progress_("answer: " + st.error().context);
    }
    return;
  }
  if (ev.state == ua::CallState::failed || ev.state == ua::CallState::terminated) {
    c.callee_done = true;
    maybe_call_done(idx);
  }
}

void LoadRunner::start_leg(std::unique_ptr<runtime::MediaLeg>& leg, const negotiation::SecureMedia& m, std::size_t idx) {
  if (!leg) return;
  auto target = runtime::media_target(m.stream);
  Status st = target ? Status{} : Status{Unexpected(target.error())};
  if (st) {
    leg->set_format(target->law, target->event_payload_type);
    st = m.srtp ? leg->start(target->rtp, target->rtcp, m.tx, m.rx, m.stream.direction)
                : leg->start(target->rtp, target->rtcp, std::nullopt, std::nullopt, m.stream.direction);
  }
  if (!st) {
    progress_(fmt::format("call {}: media: {}", idx + 1, st.error().context));
    ActiveCall& c = active_[idx];
    c.hangup_at = clock_.now();  // hang up at the next sweep; the call counts as failed
    report_.calls->calls[idx].reason = "media: " + st.error().context;
    c.timed_out = false;
  }
}

void LoadRunner::call_failed(std::size_t idx, std::string result, int status, std::string reason) {
  CallRecord& rec = report_.calls->calls[idx];
  rec.result = std::move(result);
  rec.status = status;
  rec.reason = std::move(reason);
  maybe_call_done(idx);
}

void LoadRunner::maybe_call_done(std::size_t idx) {
  ActiveCall& c = active_[idx];
  if (!live_calls_.count(idx)) return;
  if (!c.caller_done || (c.callee_call != 0 && !c.callee_done)) return;
  live_calls_.erase(idx);
  CallRecord& rec = report_.calls->calls[idx];
  CallFigures& f = *report_.calls;
  CallMedia& m = rec.media;
  if (c.caller_leg) {
    c.caller_leg->stop();
    const runtime::MediaSummary s = c.caller_leg->summary();
    m.a_sent = s.srtp_tx.rtp_packets;
    m.a_received = s.srtp_rx.rtp_packets;
    m.a_lost = s.packets_lost;
    m.a_auth_failures = s.srtp_rx.auth_failures;
    if (c.answered) m.suite = s.suite;
  }
  if (c.callee_leg) {
    c.callee_leg->stop();
    const runtime::MediaSummary s = c.callee_leg->summary();
    m.b_sent = s.srtp_tx.rtp_packets;
    m.b_received = s.srtp_rx.rtp_packets;
    m.b_lost = s.packets_lost;
    m.b_auth_failures = s.srtp_rx.auth_failures;
  }
  retire(c.caller_leg);
  retire(c.callee_leg);
  const bool media_both_ways = m.a_received > 0 && m.b_received > 0;
  const bool media_failed = rec.reason.rfind("media: ", 0) == 0;
  if (rec.result.empty()) {
    if (c.timed_out) rec.result = "timeout";
    else if (c.answered && !media_failed && (media_both_ways || opts_.raw.hold_time_s < 0.2)) rec.result = "completed";
    else rec.result = "failed";
  }
  if (rec.result == "completed") {
    ++f.completed;
  } else if (rec.result == "timeout") {
    ++f.failures[c.answered ? "timeout: the call did not end" : fmt::format("timeout: no answer within {} s", opts_.raw.timeout_s)];
  } else if (c.answered && !media_failed && !media_both_ways) {
    ++f.failures["answered, but no SRTP media both ways"];
  } else {
    ++f.failures[rec.status == 0 ? (rec.reason.empty() ? "failed" : rec.reason)
                                 : fmt::format("{} {}", rec.status, rec.reason)];
  }
  const std::size_t n = opts_.raw.count;
  if (accounts_[c.pair].call == idx + 1) accounts_[c.pair].call = 0;
  if (accounts_[n + c.pair].call == idx + 1) accounts_[n + c.pair].call = 0;
  // Both accounts still registered: the pair takes the next call. Not after a call that timed out before
  // the callee saw it: its INVITE may still arrive there and be taken for the next call's.
  const bool stray_invite_possible = c.timed_out && c.callee_call == 0;
  if (!stray_invite_possible && accounts_[c.pair].state == AccountState::registered &&
      accounts_[n + c.pair].state == AccountState::registered) {
    free_pairs_.push_back(c.pair);
  }
  --in_flight_;
  ++finished_;
  launch_calls();
}

void LoadRunner::retire(std::unique_ptr<runtime::MediaLeg>& leg) {
  if (leg) retired_legs_.emplace_back(clock_.now(), std::move(leg));
}

void LoadRunner::sweep_calls(Timestamp now) {
  std::erase_if(retired_legs_, [&](const auto& r) { return now - r.first > std::chrono::seconds(1); });
  const std::vector<std::size_t> live(live_calls_.begin(), live_calls_.end());
  for (std::size_t idx : live) {
    if (phase_ != Phase::calling) return;
    ActiveCall& c = active_[idx];
    LoadClient& caller = *accounts_[c.pair].client;
    if (now >= c.deadline) {
      c.timed_out = true;
      if (c.caller_call != 0) (void)caller.ua().hangup(now, c.caller_call);
      caller.pump();
      c.caller_done = true;
      c.callee_done = true;
      maybe_call_done(idx);
      continue;
    }
    if (c.hangup_at && now >= *c.hangup_at) {
      c.hangup_at.reset();
      if (Status st = caller.ua().hangup(now, c.caller_call); !st) {
        c.caller_done = true;
        maybe_call_done(idx);
        continue;
      }
      caller.pump();
      continue;
    }
    if (!c.answered && !c.timed_out && now - c.started > seconds(opts_.raw.timeout_s)) {
      c.timed_out = true;
      if (c.caller_call == 0 || !caller.ua().hangup(now, c.caller_call)) {
        c.caller_done = true;
        c.callee_done = true;
        maybe_call_done(idx);
        continue;
      }
      caller.pump();
    }
  }
}

}  // namespace sotto::loadgen
