// LoadRunner: accounts, the register and unregister phases, timeouts, the end (see load_runner.hpp).
#include "loadgen/load_runner.hpp"

#include <fmt/format.h>

namespace sotto::loadgen {
namespace {

constexpr auto kSweep = std::chrono::milliseconds(20);

double ms_between(Timestamp a, Timestamp b) { return std::chrono::duration<double, std::milli>(b - a).count(); }

std::string status_text(int status, const std::string& reason) {
  if (status == 0) return reason.empty() ? "no response" : reason;
  return reason.empty() ? std::to_string(status) : fmt::format("{} {}", status, reason);
}

}  // namespace

LoadRunner::LoadRunner(asio::io_context& io, CheckedLoadOptions options, LoadKind kind, Progress progress)
    : io_(io), opts_(std::move(options)), kind_(kind), progress_(std::move(progress)), pacer_(opts_.rate),
      pacer_timer_(io, clock_), sweep_timer_(io, clock_), signals_(io, SIGINT, SIGTERM) {}

LoadRunner::~LoadRunner() {
  // Media legs and clients hold sockets and timers on io_: close them before io_ goes.
  active_.clear();
  retired_legs_.clear();
  accounts_.clear();
}

double LoadRunner::since(Timestamp t) const { return std::chrono::duration<double>(clock_.now() - t).count(); }

LoadClientConfig LoadRunner::client_config(std::size_t n) const {
  LoadClientConfig c;
  c.server = opts_.server;
  c.tls.ca_file = opts_.raw.ca_file;
  c.ua.aor = opts_.aor(n);
  c.ua.credentials = auth::DigestCredentials{c.ua.aor.user, opts_.password};
  c.ua.outbound_proxy = opts_.server;
  c.ua.register_expires = opts_.raw.expires;
  c.ua.codecs.clear();
  c.ua.codecs.push_back(sdp::CodecCapability{"PCMU", 8000, {}, {}, {}});
  c.ua.codecs.push_back(sdp::CodecCapability{"telephone-event", 8000, {}, std::uint8_t{101}, std::string("0-16")});
  c.ua.auto_answer = false;  // answered with a media leg of its own, on the 180 (on_callee_event)
  // The UA checks an incoming offer against this at once; answer() then names the call's own leg.
  const std::string& ip = opts_.raw.media_ip;
  c.ua.incoming_media = ua::CallOptions{ip, opts_.rtp_min, ip.find(':') != std::string::npos ? "IP6" : "IP4"};
  c.ua.user_agent = "sotto-bench";
  return c;
}

Result<LoadReport> LoadRunner::run() {
  // Only a --server given by name is looked up (RFC 3263, TLS only); an IP literal needs no DNS.
  io::dns::DnsResolverOptions dns;
  dns.servers = opts_.raw.dns_servers;
  dns.use_system_config = dns.servers.empty();
  auto resolver = io::dns::DnsResolver::create(io_, dns);
  if (!resolver) return fail(Errc::io_error, "DNS: " + resolver.error().context + " (give --dns-server)");
  dns_ = std::move(*resolver);

  report_.command = kind_ == LoadKind::register_ ? "register" : "calls";
  report_.server = sip::serialize(opts_.server);
  report_.accounts = opts_.accounts;
  report_.rate = opts_.rate;
  report_.concurrency = opts_.concurrency;
  report_.hold_time_s = opts_.raw.hold_time_s;
  report_.concurrent_calls = opts_.concurrent;
  accounts_.resize(opts_.accounts);
  run_started_ = clock_.now();
  begin_registrations();
  sweep_timer_.arm(clock_.now() + kSweep, [this](Timestamp now) { sweep(now); });
  signals_.async_wait([this](std::error_code ec, int) {
    if (ec) return;
    progress_("interrupted: reporting what was measured so far (bindings made are left to expire)");
    report_.interrupted = true;
    finish();
  });
  io_.run();
  report_.elapsed_s = since(run_started_);
  if (fatal_) return Unexpected(*fatal_);
  return report_;
}

// --- events ------------------------------------------------------------------------------------------

void LoadRunner::on_event(LoadClient& c, const ua::UaEvent& ev) {
  using K = ua::UaEvent::Kind;
  const std::size_t i = c.index - 1;
  Account& a = accounts_[i];
  if (ev.kind == K::registered) {
    if (a.state == AccountState::registering) registration_over(i, true, {});
    return;
  }
  if (ev.kind == K::unregistered) {
    if (a.state == AccountState::unregistering) unregistration_over(i, true, {});
    return;
  }
  if (ev.kind == K::registration_failed) {
    const std::string why = status_text(ev.status, ev.reason);
    if (a.state == AccountState::registering) registration_over(i, false, why);
    else if (a.state == AccountState::unregistering) unregistration_over(i, false, why);
    return;
  }
  on_call_event(i, ev);
}

void LoadRunner::on_lost(LoadClient& c, const std::string& why) {
  const std::size_t i = c.index - 1;
  Account& a = accounts_[i];
  // The UA fails the transaction in flight on its own (503); this covers a connection lost in between.
  if (a.state == AccountState::registering) registration_over(i, false, "connection lost: " + why);
  else if (a.state == AccountState::unregistering) unregistration_over(i, false, "connection lost: " + why);
  else if (a.state == AccountState::registered) a.state = AccountState::failed;
}

// --- registering ------------------------------------------------------------------------------------

void LoadRunner::begin_registrations() {
  phase_ = Phase::probe;
  report_.registrations = {};
  figures_ = &report_.registrations;
  limit_ = opts_.concurrency;
  next_ = 0;
  finished_ = 0;
  phase_total_ = opts_.accounts;
  phase_started_ = clock_.now();
  progress_(fmt::format("registering {} accounts at {} ({} ... {})", opts_.accounts, report_.server,
                        sip::serialize(opts_.aor(1)), sip::serialize(opts_.aor(opts_.accounts))));
  // Account 1 alone first: a server that cannot be reached is one error, not one per account.
  start_account(0);
}

void LoadRunner::launch_registrations() {
  if (phase_ != Phase::registering) return;
  const auto now = clock_.now();
  const bool duration_over = opts_.raw.duration_s > 0 && since(phase_started_) >= opts_.raw.duration_s;
  while (next_ < phase_total_ && !duration_over && in_flight_ < limit_ && pacer_.ready(now)) {
    pacer_.take();
    start_account(next_);
  }
  if (duration_over && next_ < phase_total_) {
    progress_(fmt::format("--duration {} s reached: {} accounts not started", opts_.raw.duration_s, phase_total_ - next_));
    phase_total_ = next_;
  }
  if (finished_ == phase_total_ && in_flight_ == 0) {
    registrations_finished();
    return;
  }
  arm_pacer();
}

void LoadRunner::arm_pacer() {
  if (next_ >= phase_total_ || in_flight_ >= limit_) return;
  if (auto due = pacer_.next_due(); due && !pacer_timer_.armed()) {
    pacer_timer_.arm(*due, [this](Timestamp) {
      if (phase_ == Phase::registering) launch_registrations();
      else if (phase_ == Phase::calling) launch_calls();
    });
  }
}

void LoadRunner::start_account(std::size_t i) {
  Account& a = accounts_[i];
  ++next_;
  ++in_flight_;
  ++figures_->attempted;
  ++report_.tls.attempted;
  a.state = AccountState::connecting;
  a.started = clock_.now();
  a.client = std::make_unique<LoadClient>(io_, clock_, *dns_, client_config(i + 1),
                                          [this](LoadClient& c, const ua::UaEvent& ev) { on_event(c, ev); });
  a.client->index = i + 1;
  a.client->on_lost([this](LoadClient& c, const std::string& why) { on_lost(c, why); });
  a.client->connect([this, i](Status st) {
    Account& acc = accounts_[i];
    if (acc.state != AccountState::connecting) return;  // timed out meanwhile
    const auto now = clock_.now();
    if (!st) {
      if (phase_ == Phase::probe) {
        fatal_ = Error{Errc::io_error, st.error().context};  // "cannot reach sips:...: what failed"
        finish();
        return;
      }
      registration_over(i, false, "TLS connection: " + st.error().context);
      return;
    }
    ++report_.tls.succeeded;
    ++report_.tls.negotiated[acc.client->tls_summary().empty() ? "(unknown)" : acc.client->tls_summary()];
    report_.tls.latency_ms.add(ms_between(acc.started, now));
    last_handshake_ = now;
    report_.tls.window_s = std::chrono::duration<double>(last_handshake_ - phase_started_).count();
    acc.state = AccountState::registering;
    acc.register_sent = now;
    if (Status r = acc.client->ua().register_account(now); !r) {
      registration_over(i, false, "REGISTER: " + r.error().context);
      return;
    }
    acc.client->pump();
    if (phase_ == Phase::probe) {  // the server answers TLS: everyone else may start
      phase_ = Phase::registering;
      pacer_.start(now);
      pacer_.take();  // account 1 was the first attempt
      launch_registrations();
    }
  });
}

void LoadRunner::registration_over(std::size_t i, bool ok, const std::string& failure) {
  Account& a = accounts_[i];
  const auto now = clock_.now();
  --in_flight_;
  ++finished_;
  if (ok) {
    a.state = AccountState::registered;
    ++figures_->succeeded;
    figures_->latency_ms.add(ms_between(a.register_sent, now));
    last_ok_ = now;
    figures_->window_s = std::chrono::duration<double>(last_ok_ - phase_started_).count();
  } else {
    a.state = AccountState::failed;
    ++figures_->failures[failure];
    a.client->close();
    if (phase_ == Phase::probe) {  // account 1 connected but was refused: go on with the others
      phase_ = Phase::registering;
      pacer_.start(now);
      pacer_.take();
    }
  }
  launch_registrations();
}

void LoadRunner::registrations_finished() {
  if (phase_ != Phase::registering) return;
  const RegisterFigures& f = report_.registrations;
  progress_(fmt::format("registered {}/{} in {:.2f} s ({:.1f}/s)", f.succeeded, f.attempted, f.window_s, f.per_second()));
  if (kind_ == LoadKind::calls) {
    begin_calls();
    return;
  }
  if (opts_.raw.unregister) {
    begin_unregistrations();
    return;
  }
  finish();
}

// --- unregistering ----------------------------------------------------------------------------------

void LoadRunner::begin_unregistrations() {
  phase_ = Phase::unregistering;
  report_.unregistrations.emplace();
  figures_ = &*report_.unregistrations;
  limit_ = opts_.concurrency;
  next_ = 0;
  finished_ = 0;
  in_flight_ = 0;
  phase_total_ = accounts_.size();
  phase_started_ = clock_.now();
  progress_("removing the bindings (REGISTER Expires: 0)");
  launch_unregistrations();
}

void LoadRunner::launch_unregistrations() {
  if (phase_ != Phase::unregistering) return;
  const auto now = clock_.now();
  while (next_ < accounts_.size() && in_flight_ < limit_) {
    Account& a = accounts_[next_++];
    if (a.state != AccountState::registered) continue;
    ++in_flight_;
    ++figures_->attempted;
    a.state = AccountState::unregistering;
    a.register_sent = now;
    a.started = now;
    if (Status st = a.client->ua().unregister(now); !st) {
      unregistration_over(next_ - 1, false, "REGISTER: " + st.error().context);
      return;
    }
    a.client->pump();
  }
  if (next_ >= accounts_.size() && in_flight_ == 0) finish();
}

void LoadRunner::unregistration_over(std::size_t i, bool ok, const std::string& failure) {
  Account& a = accounts_[i];
  const auto now = clock_.now();
  --in_flight_;
  a.state = AccountState::done;
  if (ok) {
    ++figures_->succeeded;
    figures_->latency_ms.add(ms_between(a.register_sent, now));
    figures_->window_s = std::chrono::duration<double>(now - phase_started_).count();
  } else {
    ++figures_->failures[failure];
  }
  launch_unregistrations();
}

// --- time -------------------------------------------------------------------------------------------

void LoadRunner::sweep(Timestamp now) {
  if (phase_ == Phase::done) return;
  const auto timeout = std::chrono::duration_cast<Duration>(std::chrono::duration<double>(opts_.raw.timeout_s));
  if (phase_ == Phase::probe || phase_ == Phase::registering || phase_ == Phase::unregistering) {
    for (std::size_t i = 0; i < accounts_.size() && phase_ != Phase::done; ++i) {
      Account& a = accounts_[i];
      if (a.state == AccountState::connecting && now - a.started > timeout) {
        if (phase_ == Phase::probe) {
          fatal_ = Error{Errc::io_error, fmt::format("cannot reach the server {}: no TLS connection within {} s (--timeout)",
                                                     report_.server, opts_.raw.timeout_s)};
          finish();
          return;
        }
        registration_over(i, false, fmt::format("timeout: no TLS connection within {} s", opts_.raw.timeout_s));
      } else if (a.state == AccountState::registering && now - a.register_sent > timeout) {
        registration_over(i, false, fmt::format("timeout: no final response to REGISTER within {} s", opts_.raw.timeout_s));
      } else if (a.state == AccountState::unregistering && now - a.register_sent > timeout) {
        unregistration_over(i, false, fmt::format("timeout: no final response within {} s", opts_.raw.timeout_s));
      }
    }
  }
  if (phase_ == Phase::calling) sweep_calls(now);
  if (phase_ == Phase::done) return;
  sweep_timer_.arm(clock_.now() + kSweep, [this](Timestamp t) { sweep(t); });
}

void LoadRunner::finish() {
  if (phase_ == Phase::done) return;
  phase_ = Phase::done;
  pacer_timer_.cancel();
  sweep_timer_.cancel();
  std::error_code ignored;
  signals_.cancel(ignored);
  for (ActiveCall& c : active_) {
    if (c.caller_leg) c.caller_leg->stop();
    if (c.callee_leg) c.callee_leg->stop();
  }
  if (report_.calls) {
    for (std::size_t idx : live_calls_) report_.calls->calls[idx].result = "interrupted";  // still up
  }
  for (Account& a : accounts_) {
    if (a.client) a.client->close();
  }
  if (dns_) dns_->cancel_all();
  io_.stop();
}

}  // namespace sotto::loadgen
