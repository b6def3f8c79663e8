// Phone: setup, the message pump between the transports and the UserAgent, flows, registration with
// refresh, RFC 5626 keep-alives and re-registration when the registrar's connection is lost.
#include "phone/phone.hpp"
#include "phone/phone_text.hpp"

#include <fmt/format.h>

#include "core/sdes/redact.hpp"
#include "core/sip/message_writer.hpp"
#include "crypto/random.hpp"

namespace sotto::phone {
namespace {

std::string host_of(const io::Endpoint& ep) {  // "127.0.0.1", "[::1]"
  const std::string s = ep.to_string();
  return s.substr(0, s.rfind(':'));
}

}  // namespace

Phone::Phone(asio::io_context& io, CheckedPhoneOptions options, Progress progress)
    : io_(io), opts_(std::move(options)), progress_(std::move(progress)), timer_(io, clock_),
      signals_(io, SIGINT, SIGTERM) {}

Phone::~Phone() = default;

ua::UaConfig Phone::ua_config(const std::vector<std::pair<io::ListenSpec, io::Endpoint>>& bound) const {
  const PhoneOptions& o = opts_.raw;
  ua::UaConfig c;
  for (const auto& [spec, ep] : bound) c.bindings.push_back(ua::LocalBinding{std::string(sip::transport_name(spec.kind)), host_of(ep), ep.port});
  if (opts_.account) {
    c.aor = *opts_.account;
  } else if (bound.empty()) {
    const bool v6 = o.media_ip.find(':') != std::string::npos;
    c.aor = sip::parse_uri("sips:sotto@" + (v6 ? "[" + o.media_ip + "]" : o.media_ip)).value();
  } else {
    const bool tls = bound.front().first.kind == io::TransportKind::tls;
    c.aor = sip::parse_uri(std::string(tls ? "sips" : "sip") + ":sotto@" + host_of(bound.front().second)).value();
  }
  if (!o.password.empty()) {
    c.credentials = auth::DigestCredentials{o.username.empty() ? c.aor.user : o.username, o.password};
  }
  c.registrar = opts_.registrar;
  c.outbound_proxy = opts_.proxy;
  c.register_expires = o.register_expires;
  c.media_policy = opts_.media;
  c.codecs.clear();
  for (const std::string& name : opts_.codecs) c.codecs.push_back(sdp::CodecCapability{name, 8000, {}, {}, {}});
  c.codecs.push_back(sdp::CodecCapability{"telephone-event", 8000, {}, std::uint8_t{101}, std::string("0-16")});
  const bool v6 = o.media_ip.find(':') != std::string::npos;
  c.incoming_media = ua::CallOptions{o.media_ip, media_->rtp_port(), v6 ? "IP6" : "IP4"};
  c.auto_answer = false;  // the phone answers (at once with --auto-answer, after --answer-after otherwise)
  return c;
}

Status Phone::start() {
  const PhoneOptions& o = opts_.raw;
  io::TransportManagerOptions tm;
  io::TlsConfig client;
  client.ca_file = o.ca_file;
  client.keylog_file = o.keylog_file;
  if (!o.tls_ciphers.empty()) client.cipher_list = o.tls_ciphers;
  if (o.tls_max_version == "1.2") client.max_version = io::TlsVersion::tls1_2;
  client.allow_wildcards = o.tls_allow_wildcards;
  if (o.tls_allow_wildcards) progress_("warning: --tls-allow-wildcards: wildcard certificates accepted (RFC 5922 7.2 forbids them for SIP domains)");
  client.on_warning = [this](std::string_view w) { progress_(fmt::format("warning: {}", w)); };
  if (!o.cert_file.empty()) {  // our certificate doubles as the client certificate (mutual TLS)
    client.cert_chain_file = o.cert_file;
    client.key_file = o.key_file;
    tm.tls_server = client;
  }
  tm.tls_client = client;
  // Listeners under attack (docs/PHONE.md): every limit is a flag.
  tm.stream.max_connections = o.max_connections;
  tm.stream.max_connections_per_source = o.max_connections_per_source;
  tm.stream.limits.handshake_timeout = millis(o.tls_handshake_timeout_s);
  tm.stream.limits.first_message_timeout = millis(o.first_message_timeout_s);
  tm.stream.limits.message_timeout = millis(o.message_timeout_s);
  tm.stream.limits.idle_timeout = millis(o.idle_timeout_s);
  tm.stream.log = [this](std::string_view line) { progress_(line); };
  transports_ = std::make_unique<io::TransportManager>(
      io_, [this](io::TransportEvent&& ev) { endpoint_->on_transport_event(std::move(ev)); pump(); }, tm);
  endpoint_ = std::make_unique<SipEndpoint>(
      *transports_, [this](Flow f, const FlowInfo& i, sip::SipMessage m) { on_message(f, i, std::move(m)); },
      [this](std::string_view line) { progress_(line); });
  endpoint_->on_flow_closed([this](Flow f, const std::string& why) { on_flow_closed(f, why); });
  endpoint_->on_flow_opened([this](Flow f) { router_->flow_opened(f); });
  endpoint_->on_pong([this](Flow f) {
    if (keeper_ && reg_flow_ && f.id == reg_flow_->id) {
      keeper_->on_pong(clock_.now());
      report_.keepalive_pongs = keeper_->pongs_received();
      drive_registration();
    }
  });

  std::vector<std::pair<io::ListenSpec, io::Endpoint>> bound;
  for (const io::ListenSpec& spec : opts_.listen) {
    auto b = transports_->listen(spec);
    if (!b) return fail(Errc::io_error, "--listen " + spec.to_string() + ": " + b.error().context);
    bound.emplace_back(spec, *b);
    progress_(fmt::format("listening on {}://{}", io::to_string(spec.kind), b->to_string()));
  }

  io::dns::DnsResolverOptions dns;
  dns.servers = o.dns_servers;
  dns.use_system_config = o.dns_servers.empty();
  auto resolver = io::dns::DnsResolver::create(io_, dns);
  if (!resolver) return fail(Errc::io_error, "DNS: " + resolver.error().context + " (give --dns-server)");
  dns_ = std::move(*resolver);
  router_ = std::make_unique<SipRouter>(*endpoint_, *dns_, opts_.transport, [this](std::string_view l) { progress_(l); });
  // Pending flows are the UserAgent's: the router reports each one located or unreachable, once.
  router_->on_located([this](Flow, const sip::Uri& target, const SipRouter::Located& r) {
    ua_->use_flow(target, r.flow, ua::FlowInfo{r.secure});
  });
  router_->on_unreachable([this](Flow pending) {
    ua_->handle_transport_error(clock_.now(), pending);
    pump();
  });
  if (o.sip_trace) router_->on_sent([this](const sip::SipMessage& m) { progress_(">>> " + sdes::redact_keys(sip::serialize(m))); });

  MediaLegOptions mo;
  mo.local_ip = o.media_ip;
  mo.play_wav = o.play_wav;
  mo.record_wav = o.record_wav;
  if (o.rtp_initial_seq) mo.session.initial_sequence = *o.rtp_initial_seq;
  auto leg = MediaLeg::open(io_, clock_, mo);
  if (!leg) return Unexpected(leg.error());
  media_ = std::move(*leg);

  ua_ = std::make_unique<ua::UserAgent>(ua_config(bound));

  signals_.async_wait([this](std::error_code ec, int) {
    if (ec) return;
    progress_("interrupted");
    interrupted_ = true;
    if (call_ != 0 && !call_over_) hang_up("interrupted");
    else finish();
  });

  if (opts_.registrar) {
    runtime::RegistrationKeeperOptions ko;
    ko.first_timeout = millis(o.timeout_s);
    ko.keepalive_interval = millis(o.keepalive_s);
    ko.fraction = [] { return static_cast<double>(crypto::random_u32()) / 4294967296.0; };
    keeper_.emplace(std::move(ko));
    keeper_->start(clock_.now());
    drive_registration();
  } else if (o.mode == PhoneMode::call) begin_call();
  else progress_("waiting for a call");
  return {};
}

void Phone::on_message(Flow flow, const FlowInfo& info, sip::SipMessage msg) {
  if (opts_.raw.sip_trace) {
    progress_(fmt::format("<<< from {}://{}\n{}", io::to_string(info.kind), info.remote.to_string(),
                          sdes::redact_keys(sip::serialize(msg))));
  }
  ua_->handle_message(clock_.now(), flow, std::move(msg), ua::FlowInfo{info.secure});
  pump();
}

void Phone::on_flow_closed(Flow flow, const std::string& why) {
  const auto now = clock_.now();
  router_->flow_closed(flow, why);
  if (call_flow_ && call_flow_->id == flow.id && !media_started_ && report_.error.empty()) report_.error = why;
  ua_->handle_transport_error(now, flow);
  if (reg_flow_ && reg_flow_->id == flow.id) registrar_flow_lost(why);
  pump();
}

void Phone::pump() {
  if (!ua_) return;
  for (bool busy = true; busy;) {
    busy = false;
    while (auto t = ua_->poll_transmit()) {
      busy = true;
      router_->send(*t);
    }
    while (auto e = ua_->poll_event()) {
      busy = true;
      using K = ua::UaEvent::Kind;
      if (e->kind == K::registered || e->kind == K::unregistered || e->kind == K::registration_failed) on_registration(*e);
      else on_call_event(*e);
    }
  }
  if (auto t = ua_->next_timeout()) arm(CallTimer::sip, *t);
}

// --- registration ---------------------------------------------------------------------------------------

void Phone::begin_register() {
  const sip::Uri hop = opts_.proxy ? *opts_.proxy : *opts_.registrar;
  progress_(fmt::format("registering {} at {}", sip::serialize(ua_->config().aor), sip::serialize(*opts_.registrar)));
  router_->connect(hop, [this, hop](Result<SipRouter::Located> r) {
    if (finishing_ || !keeper_) return;
    if (!r) {
      if (keeper_->ever_registered()) {
        registrar_flow_lost(r.error().context);
        return;
      }
      report_.registration = "failed: " + r.error().context;
      report_.error = "registration: " + r.error().context;
      keeper_->on_failed(clock_.now(), r.error().context);
      drive_registration();
      return;
    }
    bind_client_flow(*r);
    ua_->use_flow(hop, r->flow, ua::FlowInfo{r->secure});
    reg_flow_ = r->flow;
    if (Status st = ua_->register_account(clock_.now()); !st) {
      report_.registration = "failed: " + st.error().context;
      report_.error = "registration: " + st.error().context;
      keeper_->on_failed(clock_.now(), st.error().context);
      drive_registration();
      return;
    }
    pump();
  });
}

void Phone::bind_client_flow(const SipRouter::Located& r) {
  const FlowInfo* info = endpoint_->info(r.flow);
  if (info == nullptr || info->kind == io::TransportKind::udp) return;
  for (const io::ListenSpec& spec : opts_.listen) {
    if (spec.kind == info->kind) return;  // our listener names us
  }
  // RFC 5923 spirit: no listener of this transport, so the peer reaches us back down this connection.
  ua_->set_binding(ua::LocalBinding{std::string(sip::transport_name(info->kind)), host_of(info->local), info->local.port});
}

void Phone::on_registration(const ua::UaEvent& ev) {
  using K = ua::UaEvent::Kind;
  if (!keeper_) return;
  const std::string where = sip::serialize(*opts_.registrar);
  const auto now = clock_.now();
  if (ev.kind == K::registered) {
    const bool first = !keeper_->ever_registered();
    set_in_use(reg_flow_, true);
    std::string over;
    if (reg_flow_) {
      if (const FlowInfo* i = endpoint_->info(*reg_flow_)) {
        over = fmt::format(" over {} to {}", transport_name(i->kind), i->remote.to_string());
        if (i->tls) over += " (" + i->tls->version + ")";
      }
    }
    report_.registration = fmt::format("{} {}, expires {} s{}", ev.status, ev.status == 200 ? "OK" : "", ev.expires, over);
    if (first) progress_(fmt::format("registered as {} at {}{} (expires {} s)", sip::serialize(ua_->config().aor), where, over, ev.expires));
    else progress_(fmt::format("registration refreshed (expires {} s)", ev.expires));
    keeper_->on_registered(now, ev.expires, ev.flow_timer, reg_flow_ && reg_flow_->reliable);
    drive_registration();
    if (!first || finishing_) return;
    if (opts_.raw.mode == PhoneMode::call) {
      begin_call();
    } else if (opts_.raw.mode == PhoneMode::register_) {
      report_.result = "registered";
      if (opts_.raw.duration_s > 0) {
        duration_stops_phone_ = true;
        arm(CallTimer::duration, clock_.now() + millis(opts_.raw.duration_s));
      } else {
        finish();
      }
    } else {
      progress_("waiting for a call");
    }
    return;
  }
  if (ev.kind == K::unregistered) {
    progress_("unregistered (binding removed)");
    keeper_->on_unregistered(now);
    drive_registration();
    return;
  }
  // registration_failed
  const std::string why = fmt::format("{} {}{}", ev.status, ev.reason, ev.warning.empty() ? "" : " (" + ev.warning + ")");
  if (keeper_->state() == RegistrationKeeper::State::unregistering) {  // nothing more to do
    progress_("unregister failed: " + why);
    keeper_->on_unregistered(now);
    drive_registration();
    return;
  }
  if (!keeper_->ever_registered()) {
    report_.registration = "failed: " + why;
    report_.error = "registration at " + where + " failed: " + why;
    keeper_->on_failed(now, why);
    drive_registration();
    return;
  }
  progress_(fmt::format("registration refresh failed: {}", why));
  registrar_flow_lost(why);
}

void Phone::registrar_flow_lost(const std::string& why) {
  if (finishing_ || !keeper_) return;
  if (reg_flow_ && endpoint_) {  // unpin directly: the keeper still says registered until on_flow_lost
    endpoint_->set_in_use(*reg_flow_, false);
  }
  reg_flow_.reset();
  keeper_->on_flow_lost(clock_.now(), why);
  if (keeper_->state() == RegistrationKeeper::State::backing_off) {
    progress_(fmt::format("lost the registrar ({}); registering again in {} s", why,
                          std::chrono::duration_cast<std::chrono::seconds>(keeper_->retry_delay()).count()));
  }
  drive_registration();
}

void Phone::drive_registration() {
  if (!keeper_) return;
  while (keeper_) {  // give_up -> finish() may drop the keeper
    auto a = keeper_->poll_action();
    if (!a) break;
    using A = RegistrationKeeper::Action::Kind;
    switch (a->kind) {
      case A::register_: begin_register(); break;
      case A::ping:
        if (!reg_flow_) break;
        if (Status st = endpoint_->send_ping(*reg_flow_); !st) progress_("keep-alive ping not sent: " + st.error().message());
        report_.keepalive_pings = keeper_->pings_sent();
        break;
      case A::flow_dead: {
        if (!reg_flow_) break;
        const Flow dead = *reg_flow_;
        progress_("keep-alive: no pong from the registrar within 10 s (RFC 5626 4.4.1); closing the connection");
        endpoint_->close(dead);
        on_flow_closed(dead, a->reason);
        return;  // on_flow_closed drove the keeper again
      }
      case A::give_up:
        if (report_.error.empty()) {
          report_.registration = "failed: " + a->reason;
          report_.error = fmt::format("registration at {}: {} (--timeout)", sip::serialize(*opts_.registrar), a->reason);
        }
        finish();
        break;
      case A::unregister:
        progress_("unregistering");
        if (Status st = ua_->unregister(clock_.now()); st) pump();
        else keeper_->on_unregistered(clock_.now());
        break;
      case A::done: stop_soon(std::chrono::milliseconds(100)); break;
    }
  }
  if (!keeper_) return;
  if (auto t = keeper_->next_timeout()) arm(CallTimer::registration, *t);
  else cancel(CallTimer::registration);
}

// --- the end --------------------------------------------------------------------------------------------

void Phone::finish() {
  if (finishing_) return;
  finishing_ = true;
  for (CallTimer k : {CallTimer::duration, CallTimer::bye_wait, CallTimer::hold, CallTimer::resume, CallTimer::transfer,
                      CallTimer::setup, CallTimer::answer}) {
    cancel(k);
  }
  std::error_code ec;
  signals_.cancel(ec);
  if (keeper_ && keeper_->state() == RegistrationKeeper::State::registered) {
    keeper_->stop(clock_.now());  // REGISTER with Expires: 0, then done (at most 4 s)
    drive_registration();
    return;
  }
  keeper_.reset();
  cancel(CallTimer::registration);
  // Let the last messages (ACK, 200 to BYE, a 488) leave and their retransmissions be answered briefly.
  stop_soon(std::chrono::milliseconds(300));
}

void Phone::stop_soon(std::chrono::milliseconds linger) { arm(CallTimer::linger, clock_.now() + linger); }

// --- the schedule ---------------------------------------------------------------------------------------

void Phone::arm(CallTimer kind, io::Timestamp at) {
  schedule_.arm(kind, at);
  follow_schedule();
}

void Phone::cancel(CallTimer kind) {
  schedule_.cancel(kind);
  follow_schedule();
}

void Phone::follow_schedule() {
  const std::optional<io::Timestamp> next = schedule_.next_timeout();
  if (!next) {
    if (timer_.armed()) timer_.cancel();
    return;
  }
  if (timer_.deadline() != next) timer_.arm(*next, [this](io::Timestamp now) { on_timer(now); });
}

void Phone::on_timer(io::Timestamp now) {
  // One at a time: a fired timer may cancel or re-arm another that is also due.
  while (auto k = schedule_.pop_due(now)) {
    fire(*k, now);
    if (*k == CallTimer::linger) return;  // io_.stop(): nothing else runs
  }
  follow_schedule();
}

void Phone::fire(CallTimer kind, io::Timestamp now) {
  switch (kind) {
    case CallTimer::sip:
      if (!ua_) return;
      ua_->handle_timeout(now);
      pump();
      return;
    case CallTimer::registration:
      if (!keeper_) return;
      keeper_->handle_timeout(now);
      drive_registration();
      return;
    case CallTimer::setup: {
      if (media_started_ || call_over_) return;
      const std::string why = fmt::format("no answer within {} s (--timeout)", opts_.raw.timeout_s);
      if (call_ != 0) hang_up(why);
      else call_done(why);
      return;
    }
    case CallTimer::answer:
      if (Status st = ua_->answer(now, call_); !st) progress_("answer failed: " + st.error().message());
      pump();
      return;
    case CallTimer::hold:
    case CallTimer::resume: {
      const bool on = kind == CallTimer::hold;
      progress_(on ? "putting the call on hold (re-INVITE a=sendonly)" : "resuming (re-INVITE a=sendrecv)");
      if (Status held = ua_->hold(now, call_, on); !held) progress_("re-INVITE not sent: " + held.error().message());
      pump();
      return;
    }
    case CallTimer::transfer: {
      if (call_over_ || !opts_.transfer_to) return;
      progress_(fmt::format("transferring the call to {} (REFER)", opts_.raw.transfer_to));
      report_.transfer_result = "pending";
      const ua::TransferOptions t{std::chrono::duration_cast<Duration>(millis(opts_.raw.transfer_timeout_s))};
      if (Status st = ua_->transfer(now, call_, *opts_.transfer_to, t); !st) {
        report_.transfer_result = "failed";
        report_.transfer_reason = st.error().message();
        progress_("transfer not sent: " + st.error().message());
      }
      pump();
      return;
    }
    case CallTimer::duration:
      if (duration_stops_phone_) finish();
      else hang_up("--duration");
      return;
    case CallTimer::bye_wait: call_done(); return;
    case CallTimer::linger:
      if (dns_) dns_->cancel_all();
      io_.stop();
      return;
  }
}

CallReport Phone::run() {
  io_.run();
  return report_;
}

}  // namespace sotto::phone
