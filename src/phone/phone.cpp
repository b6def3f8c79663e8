#include "phone/phone.hpp"

#include <fmt/format.h>

#include "core/sip/message_writer.hpp"
#include "phone/next_hop.hpp"

namespace sotto::phone {
namespace {

// --sip-trace never shows key material: SDES inline keys are replaced by their length.
std::string redact_keys(std::string text) {
  std::size_t pos = 0;
  while ((pos = text.find("inline:", pos)) != std::string::npos) {
    const std::size_t start = pos + 7;
    std::size_t end = start;
    while (end < text.size() && text[end] != '|' && text[end] != ';' && text[end] != ' ' && text[end] != '\r' &&
           text[end] != '\n') {
      ++end;
    }
    const std::string marker = "<key redacted, " + std::to_string(end - start) + " base64 chars>";
    text.replace(start, end - start, marker);
    pos = start + marker.size();
  }
  return text;
}

std::string transport_name(io::TransportKind k) {
  switch (k) {
    case io::TransportKind::udp: return "UDP";
    case io::TransportKind::tcp: return "TCP";
    case io::TransportKind::tls: return "TLS";
  }
  return "?";
}

}  // namespace

Phone::Phone(asio::io_context& io, CheckedPhoneOptions options, Progress progress)
    : io_(io), opts_(std::move(options)), progress_(std::move(progress)), sip_timer_(io, clock_),
      hangup_timer_(io, clock_), setup_timer_(io, clock_), hold_timer_(io, clock_), resume_timer_(io, clock_), signals_(io, SIGINT, SIGTERM) {}

Phone::~Phone() = default;

Status Phone::start() {
  const PhoneOptions& o = opts_.raw;
  io::TransportManagerOptions tm;
  io::TlsConfig client;
  client.ca_file = o.ca_file;
  client.keylog_file = o.keylog_file;
  if (!o.tls_ciphers.empty()) client.cipher_list = o.tls_ciphers;
  client.on_warning = [this](std::string_view w) { progress_(fmt::format("warning: {}", w)); };
  if (!o.cert_file.empty()) {  // our certificate doubles as the client certificate (mutual TLS)
    client.cert_chain_file = o.cert_file;
    client.key_file = o.key_file;
    io::TlsConfig server = client;
    server.ca_file = o.ca_file;
    tm.tls_server = server;
  }
  tm.tls_client = client;
  transports_ = std::make_unique<io::TransportManager>(
      io_, [this](io::TransportEvent&& ev) { endpoint_->on_transport_event(std::move(ev)); pump(); }, tm);
  endpoint_ = std::make_unique<SipEndpoint>(
      *transports_, [this](Flow f, const FlowInfo& i, sip::SipMessage m) { on_message(f, i, std::move(m)); },
      [this](std::string_view line) { progress_(line); });
  endpoint_->on_flow_closed([this](Flow f, const std::string& why) {
    if (f.id == flow_.id && !done_) {
      report_.error = why;
      end(why);
    }
  });

  // Listeners; the first one of the call's transport gives Via and Contact.
  std::vector<std::pair<io::ListenSpec, io::Endpoint>> bound;
  for (const io::ListenSpec& spec : opts_.listen) {
    auto b = transports_->listen(spec);
    if (!b) return fail(Errc::io_error, "--listen " + spec.to_string() + ": " + b.error().context);
    bound.emplace_back(spec, *b);
    progress_(fmt::format("listening on {}://{}", io::to_string(spec.kind), b->to_string()));
  }

  MediaLegOptions mo;
  mo.local_ip = o.media_ip;
  mo.play_wav = o.play_wav;
  mo.record_wav = o.record_wav;
  if (o.rtp_initial_seq) mo.session.initial_sequence = *o.rtp_initial_seq;
  auto leg = MediaLeg::open(io_, clock_, mo);
  if (!leg) return Unexpected(leg.error());
  media_ = std::move(*leg);

  io::TransportKind kind = bound.front().first.kind;
  std::optional<NextHop> hop;
  if (opts_.target) {
    auto h = next_hop(*opts_.target);
    if (!h) return fail(Errc::invalid_argument, "call " + o.target + ": " + h.error().context);
    hop = *h;
    kind = h->kind;
  }
  const io::Endpoint* local = nullptr;
  for (const auto& [spec, ep] : bound) {
    if (spec.kind == kind) {
      local = &ep;
      break;
    }
  }
  if (local == nullptr) {
    const std::string k(io::to_string(kind));
    return fail(Errc::invalid_argument, "calling over " + transport_name(kind) + " needs a " + k + ":// listener (add --listen " +
                                            k + "://" + o.media_ip + ":0)");
  }
  const bool tls = kind == io::TransportKind::tls;
  const std::string scheme = tls ? "sips" : "sip";
  const std::string host = local->address.to_string();
  CallControllerConfig cc;
  if (opts_.account) {
    cc.local = sip::NameAddr{"", *opts_.account, {}};
  } else {
    cc.local = sip::NameAddr{"", sip::parse_uri(scheme + ":sotto@" + host).value(), {}};
  }
  const std::string user = cc.local.uri.user.empty() ? "sotto" : cc.local.uri.user;
  cc.contact = sip::NameAddr{"", sip::parse_uri(fmt::format("{}:{}@{}:{};transport={}", scheme, user,
                                                            local->to_string().substr(0, local->to_string().rfind(':')),
                                                            local->port, io::to_string(kind))).value(), {}};
  cc.via_transport = transport_name(kind);
  cc.via_host = host;
  cc.via_port = local->port;
  if (!o.password.empty()) cc.credentials = auth::DigestCredentials{user, o.password};
  cc.media = opts_.media;
  cc.media_ip = o.media_ip;
  cc.auto_answer = o.auto_answer || o.mode == PhoneMode::call;
  calls_ = std::make_unique<CallController>(cc);
  calls_->set_answer_rtp_port(media_->rtp_port());

  signals_.async_wait([this](std::error_code ec, int) {
    if (ec) return;
    progress_("interrupted: hanging up");
    if (calls_) calls_->hangup(clock_.now());
    pump();
    if (!calls_ || !calls_->established()) end("interrupted");
  });

  started_ = clock_.now();
  if (hop) {
    report_.peer = o.target;
    report_.transport = transport_name(kind);
    auto flow = endpoint_->open_flow(kind, hop->endpoint, io::ConnectOptions{hop->server_name});
    if (!flow) return fail(Errc::io_error, "cannot reach " + hop->endpoint.to_string() + ": " + flow.error().context);
    flow_ = *flow;
    progress_(fmt::format("calling {} over {} ({})", o.target, transport_name(kind), hop->endpoint.to_string()));
    if (Status st = calls_->call(started_, *opts_.target, flow_, tls, media_->rtp_port()); !st) {
      return fail(st.error().code, "call " + o.target + ": " + st.error().context);
    }
    setup_timer_.arm(started_ + std::chrono::milliseconds(static_cast<long>(o.timeout_s * 1000)), [this](io::Timestamp) {
      if (!calls_->established() && !done_) {
        report_.error = fmt::format("no answer within {} s (--timeout)", opts_.raw.timeout_s);
        calls_->hangup(clock_.now());
        pump();
        end(report_.error);
      }
    });
    pump();
  } else {
    progress_("waiting for a call");
  }
  return {};
}

void Phone::on_message(Flow flow, const FlowInfo& info, sip::SipMessage msg) {
  if (opts_.raw.sip_trace) {
    progress_(fmt::format("<<< from {}://{}\n{}", io::to_string(info.kind), info.remote.to_string(),
                          redact_keys(sip::serialize(msg))));
  }
  if (msg.is_request() && msg.method() == sip::MethodId::invite && flow_.id == 0) {
    flow_ = flow;
    started_ = clock_.now();
    report_.transport = transport_name(info.kind);
  }
  calls_->handle_message(clock_.now(), flow, info.secure, std::move(msg));
  pump();
}

void Phone::pump() {
  if (!calls_) return;
  while (auto t = calls_->poll_transmit()) {
    if (opts_.raw.sip_trace) progress_(fmt::format(">>> {}", redact_keys(sip::serialize(t->message))));
    if (Status st = endpoint_->send(t->flow, t->message); !st) progress_("send failed: " + st.error().message());
  }
  while (auto e = calls_->poll_event()) on_event(std::move(*e));
  if (auto t = calls_->next_timeout()) {
    sip_timer_.arm(*t, [this](io::Timestamp now) {
      calls_->handle_timeout(now);
      pump();
    });
  }
}

void Phone::on_event(CallEvent ev) {
  using K = CallEvent::Kind;
  switch (ev.kind) {
    case K::trying: progress_("100 Trying"); break;
    case K::incoming: progress_(fmt::format("incoming call from {}", ev.peer)); report_.peer = ev.peer; break;
    case K::ringing: progress_(ev.remote ? "ringing (answering)" : fmt::format("{} {}", ev.status, ev.reason)); break;
    case K::answered:
      report_.sip_status = ev.status;
      report_.sip_reason = ev.reason;
      if (ev.media) start_media(*ev.media);
      break;
    case K::media_updated:
      if (!ev.media && !ev.error.empty()) progress_(fmt::format("{} ({} {})", ev.error, ev.status, ev.reason));
      if (ev.media && media_) {
        const auto& s = ev.media->stream;
        auto dir = s.direction == sdp::Direction::sendrecv ? media::MediaDirection::sendrecv
                 : s.direction == sdp::Direction::sendonly ? media::MediaDirection::sendonly
                 : s.direction == sdp::Direction::recvonly ? media::MediaDirection::recvonly
                                                           : media::MediaDirection::inactive;
        progress_(fmt::format("media updated: {}", negotiation::describe(*ev.media)));
        if (ev.media->tx_key_changed || ev.media->rx_key_changed) start_media(*ev.media);
        else media_->set_direction(dir);
      }
      break;
    case K::ended:
      if (report_.sip_status == 0) {
        report_.sip_status = ev.status;
        report_.sip_reason = ev.reason;
      }
      progress_(ev.remote ? "the peer hung up" : "call ended");
      if (!ev.error.empty() && report_.error.empty() && !media_started_) report_.error = ev.error;
      end();
      break;
    case K::failed:
      report_.sip_status = ev.status;
      report_.sip_reason = ev.reason;
      report_.warning = ev.warning;
      if (report_.error.empty()) report_.error = ev.error;
      end(ev.error);
      break;
  }
}

void Phone::start_media(const negotiation::SecureMedia& m) {
  const auto& s = m.stream;
  auto rtp = io::Endpoint::parse((s.remote_address.find(':') != std::string::npos ? "[" + s.remote_address + "]" : s.remote_address) +
                                 ":" + std::to_string(s.remote_port));
  auto rtcp = io::Endpoint::parse((s.remote_address.find(':') != std::string::npos ? "[" + s.remote_address + "]" : s.remote_address) +
                                  ":" + std::to_string(s.remote_rtcp_port));
  if (!rtp || !rtcp) {
    calls_->hangup(clock_.now());
    pump();
    end("unusable remote media address '" + s.remote_address + "'");
    return;
  }
  Status st = m.srtp ? media_->start(*rtp, *rtcp, m.tx, m.rx) : media_->start(*rtp, *rtcp, std::nullopt, std::nullopt);
  if (!st) {
    calls_->hangup(clock_.now());
    pump();
    end("media: " + st.error().message());
    return;
  }
  if (!media_started_) {
    media_started_ = true;
    answered_ = clock_.now();
    report_.setup_ms = std::chrono::duration<double, std::milli>(answered_ - started_).count();
    fill_report_from(flow_);
    progress_(fmt::format("call established: {} over {}{}", m.srtp ? "SRTP " + m.suite : "RTP, unencrypted",
                          report_.transport, report_.tls_version.empty() ? "" : " (" + report_.tls_version + ")"));
    if (!opts_.raw.dtmf.empty()) (void)media_->send_digits(opts_.raw.dtmf);
    auto reinvite = [this](bool on) {
      return [this, on](io::Timestamp now) {
        progress_(on ? "putting the call on hold (re-INVITE a=sendonly)" : "resuming (re-INVITE a=sendrecv)");
        if (Status held = calls_->hold(now, on); !held) progress_("re-INVITE not sent: " + held.error().message());
        pump();
      };
    };
    if (opts_.raw.hold_at_s > 0) {
      hold_timer_.arm(answered_ + std::chrono::milliseconds(static_cast<long>(opts_.raw.hold_at_s * 1000)), reinvite(true));
    }
    if (opts_.raw.resume_at_s > 0) {
      resume_timer_.arm(answered_ + std::chrono::milliseconds(static_cast<long>(opts_.raw.resume_at_s * 1000)), reinvite(false));
    }
    if (opts_.raw.duration_s > 0) {
      hangup_timer_.arm(answered_ + std::chrono::milliseconds(static_cast<long>(opts_.raw.duration_s * 1000)),
                        [this](io::Timestamp now) {
                          progress_("hanging up (--duration)");
                          calls_->hangup(now);
                          pump();
                        });
    }
  }
}

void Phone::fill_report_from(Flow flow) {
  if (const FlowInfo* i = endpoint_->info(flow)) {
    report_.transport = transport_name(i->kind);
    if (i->tls) {
      report_.tls_version = i->tls->version;
      report_.tls_cipher = i->tls->cipher;
      report_.peer_certificate = i->tls->peer_subject;
    }
  }
}

void Phone::end(std::string error) {
  if (done_) return;
  done_ = true;
  if (report_.error.empty()) report_.error = std::move(error);
  if (media_started_) {
    report_.duration_s = std::chrono::duration<double>(clock_.now() - answered_).count();
    MediaSummary s = media_->summary();
    report_.srtp_suite = s.suite;
    report_.packets_sent = s.media.rtp_sent;
    report_.packets_received = s.media.rtp_accepted;
    report_.packets_lost = s.packets_lost;
    report_.jitter_ms = s.jitter_ms;
    if (s.rtt) report_.rtt_ms = std::chrono::duration<double, std::milli>(*s.rtt).count();
    report_.srtp_auth_failures = s.srtp_rx.auth_failures;
    report_.srtp_replays = s.srtp_rx.replays + s.srtp_rx.too_old;
    report_.result = report_.error.empty() ? "completed" : "failed";
    media_->stop();
  } else {
    report_.result = report_.sip_status >= 400 && report_.sip_status < 700 ? "rejected" : "failed";
    if (report_.sip_status == 487 && report_.error.empty()) report_.result = "cancelled";
  }
  hangup_timer_.cancel();
  hold_timer_.cancel();
  resume_timer_.cancel();
  setup_timer_.cancel();
  std::error_code ec;
  signals_.cancel(ec);
  // Let the last messages (ACK, 200 to BYE, a 488) leave and their retransmissions be answered briefly.
  setup_timer_.arm(clock_.now() + std::chrono::milliseconds(300), [this](io::Timestamp) { io_.stop(); });
}

CallReport Phone::run() {
  io_.run();
  return report_;
}

}  // namespace sotto::phone
