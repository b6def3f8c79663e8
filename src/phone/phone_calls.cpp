// Phone: the call — placing it once the first hop is located, answering an incoming one, UserAgent call
// events, the media leg (started, re-keyed or redirected by re-INVITEs), hang-up and the report.
#include <fmt/format.h>

#include "core/negotiation/secure_media.hpp"
#include "core/sip/message_writer.hpp"
#include "phone/phone.hpp"
#include "phone/phone_text.hpp"

namespace sotto::phone {
namespace {

std::string media_line(const negotiation::SecureMedia& m) {
  const sdp::NegotiatedStream& st = m.stream;
  std::string s = fmt::format("{} {}:{} {}", m.srtp ? "SRTP " + m.suite : "RTP, unencrypted", st.remote_address,
                              st.remote_port, sdp::to_string(st.direction));
  if (m.srtp) {
    s += m.tx_key_changed ? ", tx key new" : ", tx key kept";
    s += m.rx_key_changed ? ", rx key new" : ", rx key kept";
  }
  return s;
}

}  // namespace

void Phone::begin_call() {
  if (call_started_ || finishing_) return;
  call_started_ = true;
  const PhoneOptions& o = opts_.raw;
  const sip::Uri target = *opts_.target;
  const sip::Uri hop = opts_.proxy ? *opts_.proxy : target;
  report_.peer = o.target;
  started_ = clock_.now();
  arm(CallTimer::setup, started_ + millis(o.timeout_s));
  router_->connect(hop, [this, hop, target](Result<SipRouter::Located> r) {
    if (call_over_ || finishing_) return;
    if (!r) {
      call_done(r.error().context);
      return;
    }
    bind_client_flow(*r);
    ua_->use_flow(hop, r->flow, ua::FlowInfo{r->secure});
    call_flow_ = r->flow;
    report_.transport = transport_name(endpoint_->info(r->flow) ? endpoint_->info(r->flow)->kind : io::TransportKind::udp);
    progress_(fmt::format("calling {} over {} ({})", opts_.raw.target, report_.transport, locate::to_string(r->target)));
    const bool v6 = opts_.raw.media_ip.find(':') != std::string::npos;
    auto h = ua_->call(clock_.now(), target, ua::CallOptions{opts_.raw.media_ip, media_->rtp_port(), v6 ? "IP6" : "IP4"});
    if (!h) {
      call_done("call " + opts_.raw.target + ": " + h.error().context);
      return;
    }
    call_ = *h;
    set_in_use(call_flow_, true);
    pump();
  });
}

void Phone::on_call_event(const ua::UaEvent& ev) {
  using K = ua::UaEvent::Kind;
  const auto now = clock_.now();
  if (ev.kind == K::incoming_call) {
    if (call_ != 0 || opts_.raw.mode != PhoneMode::listen || finishing_) {
      progress_(fmt::format("refusing a second call from {} (486 Busy Here)", sip::serialize(ev.from.uri)));
      (void)ua_->reject(now, ev.call, 486);
      return;
    }
    call_ = ev.call;
    call_started_ = true;
    started_ = now;
    report_.peer = sip::serialize(ev.from.uri);
    if (const ua::Call* c = ua_->find_call(call_); c && c->flow) call_flow_ = c->flow;
    set_in_use(call_flow_, true);
    progress_(fmt::format("incoming call from {}{}", report_.peer, ev.secure ? " (over TLS)" : ""));
    return;
  }
  if (ev.call != call_ || call_ == 0) return;
  switch (ev.kind) {
    case K::call_state:
      switch (ev.state) {
        case ua::CallState::progress: progress_(fmt::format("{} {}", ev.status, ev.reason)); break;
        case ua::CallState::ringing:
          if (const ua::Call* c = ua_->find_call(call_); c && !c->outgoing) {
            if (opts_.raw.auto_answer || opts_.raw.answer_after_s == 0) {
              progress_("ringing (answering)");
              if (Status st = ua_->answer(now, call_); !st) progress_("answer failed: " + st.error().message());
            } else {
              progress_(fmt::format("ringing (answering in {} s)", opts_.raw.answer_after_s));
              arm(CallTimer::answer, now + millis(opts_.raw.answer_after_s));
            }
          } else {
            progress_(fmt::format("{} {}", ev.status, ev.reason));
          }
          break;
        case ua::CallState::established:
          if (report_.sip_status == 0) {
            report_.sip_status = 200;
            report_.sip_reason = "OK";
          }
          break;
        case ua::CallState::terminated:
          if (report_.sip_status == 0 || !media_started_) {
            report_.sip_status = ev.status;
            report_.sip_reason = ev.reason;
          }
          progress_(ev.status == 0 ? fmt::format("call ended: {}", ev.reason) : fmt::format("call ended ({} {})", ev.status, ev.reason));
          call_done(media_started_ ? std::string() : fmt::format("{} {}", ev.status, ev.reason));
          break;
        case ua::CallState::failed:
          // A status of 2xx (or 0) with a reason: we refused the peer's answer or the media; otherwise the
          // final response we got or sent, with its Warning.
          if (ev.status >= 300 || ev.status < 200) {
            report_.sip_status = ev.status;
            report_.sip_reason = ev.reason;
          }
          report_.warning = ev.warning;
          // No progress line: the failure is said once, by the CLI's last line (or, in `listen`, the
          // "not answered" line).
          call_done(ev.status >= 300 ? (ev.warning.empty() ? fmt::format("{} {}", ev.status, ev.reason) : ev.warning) : ev.reason);
          break;
      }
      break;
    case K::media_ready:
      if (ev.media) {
        for (const std::string& w : ev.media_warnings) progress_("warning: " + w);
        start_media(*ev.media);
      }
      break;
    case K::media_updated:
      if (ev.media && media_) {
        progress_(fmt::format("media updated: {}", media_line(*ev.media)));
        update_media(*ev.media);
      }
      break;
    case K::transfer_progress:
    case K::transfer_succeeded:
    case K::transfer_failed: on_transfer_event(ev); break;
    case K::reinvite_failed: progress_(fmt::format("re-INVITE refused: {} {}; the call goes on", ev.status, ev.reason)); break;
    case K::info_received:
      if (ev.dtmf) {
        report_.dtmf_received += *ev.dtmf;
        progress_(fmt::format("DTMF {} (SIP INFO)", *ev.dtmf));
      }
      break;
    default: break;
  }
}

// Our blind transfer (--transfer-to): progress lines as the REFER's 2xx and the NOTIFYs come, then hang up
// on success; a failed transfer leaves the call as it was.
void Phone::on_transfer_event(const ua::UaEvent& ev) {
  using K = ua::UaEvent::Kind;
  const std::string status = ev.status ? fmt::format("{} {}", ev.status, ev.reason) : ev.reason;
  if (ev.status) {
    report_.transfer_status = ev.status;
    report_.transfer_reason = ev.reason;
    report_.transfer_progress.push_back(status);
  } else {
    report_.transfer_reason = ev.reason;
  }
  if (ev.kind == K::transfer_progress) {
    progress_("transfer: " + status);
    return;
  }
  if (ev.kind == K::transfer_failed) {
    report_.transfer_result = "failed";
    progress_(fmt::format("transfer failed: {}{}", status, call_over_ ? "" : "; the call goes on"));
    return;
  }
  report_.transfer_result = "transferred";
  progress_("transfer: " + status);
  hang_up("transferred");
}

void Phone::start_media(const negotiation::SecureMedia& m) {
  auto target = runtime::media_target(m.stream);
  if (!target) {
    hang_up(target.error().context);
    return;
  }
  if (!media_started_) media_->set_format(target->law, target->event_payload_type);
  Status st = m.srtp ? media_->start(target->rtp, target->rtcp, m.tx, m.rx, m.stream.direction)
                     : media_->start(target->rtp, target->rtcp, std::nullopt, std::nullopt, m.stream.direction);
  if (!st) {
    hang_up("media: " + st.error().message());
    return;
  }
  if (media_started_) return;
  media_started_ = true;
  cancel(CallTimer::setup);
  answered_ = clock_.now();
  report_.setup_ms = std::chrono::duration<double, std::milli>(answered_ - started_).count();
  if (const ua::Call* c = ua_->find_call(call_); c && c->flow) call_flow_ = c->flow;
  if (call_flow_) fill_report_from(*call_flow_);
  report_.codec = sdp::primary_codec(m.stream)->encoding;  // media_target() checked there is one
  progress_(fmt::format("call established: {} {} over {}{}", report_.codec, m.srtp ? "SRTP " + m.suite : "RTP, unencrypted",
                        report_.transport, report_.tls_version.empty() ? "" : " (" + report_.tls_version + ")"));
  if (!opts_.raw.dtmf.empty()) (void)media_->send_digits(opts_.raw.dtmf);
  if (opts_.raw.hold_at_s > 0) arm(CallTimer::hold, answered_ + millis(opts_.raw.hold_at_s));
  if (opts_.raw.resume_at_s > 0) arm(CallTimer::resume, answered_ + millis(opts_.raw.resume_at_s));
  if (opts_.transfer_to) {
    report_.transfer_target = opts_.raw.transfer_to;
    arm(CallTimer::transfer, answered_ + millis(opts_.raw.transfer_at_s));
  }
  if (opts_.raw.duration_s > 0) {
    duration_stops_phone_ = false;
    cancel(CallTimer::bye_wait);  // one slot with the BYE wait, as before: the later arm replaces
    arm(CallTimer::duration, answered_ + millis(opts_.raw.duration_s));
  }
}

// A re-INVITE either way: follow a new address or port (RFC 3264 section 8.3.1) and direction, and
// replace only the SRTP context whose key changed (the other keeps its indexes; RFC 4568 7.1.4).
void Phone::update_media(const negotiation::SecureMedia& m) {
  auto target = runtime::media_target(m.stream);
  if (!target) {
    hang_up(target.error().context);
    return;
  }
  std::optional<srtp::Policy> tx, rx;
  if (m.srtp && m.tx_key_changed) tx = m.tx;
  if (m.srtp && m.rx_key_changed) rx = m.rx;
  if (Status st = media_->update(target->rtp, target->rtcp, std::move(tx), std::move(rx), m.stream.direction); !st) {
    hang_up("media: " + st.error().message());
  }
}

void Phone::hang_up(std::string why) {
  if (call_over_) return;
  const bool ours = why == "--duration" || why == "interrupted" || why == "transferred";
  // Our own reasons are progress; any other reason is the call's failure, said once at the end.
  progress_(ours ? fmt::format("hanging up ({})", why) : std::string("hanging up"));
  if (!ours && report_.error.empty()) report_.error = why;
  if (why == "interrupted" && !media_started_ && report_.error.empty()) report_.error = why;
  if (call_ != 0) {
    (void)ua_->hangup(clock_.now(), call_);
    pump();
  }
  if (!media_started_ || !ours) {
    call_done(report_.error);
    return;
  }
  // The BYE's response ends the call (call_state terminated); do not wait for ever.
  cancel(CallTimer::duration);  // the BYE wait replaces a pending --duration
  arm(CallTimer::bye_wait, clock_.now() + std::chrono::seconds(5));
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

void Phone::set_in_use(const std::optional<Flow>& flow, bool in_use) {
  if (!flow || !endpoint_) return;
  // The registrar's connection stays in use while registered, whatever the call does.
  if (!in_use && keeper_ && keeper_->state() == RegistrationKeeper::State::registered && reg_flow_ &&
      reg_flow_->id == flow->id) {
    return;
  }
  endpoint_->set_in_use(*flow, in_use);
}

void Phone::wait_for_next_call(const std::string& why) {
  ++unanswered_calls_;
  CallReport failed = report_;
  if (failed.error.empty()) failed.error = why;
  progress_(fmt::format("call from {} not answered ({}); still waiting for a call", report_.peer.empty() ? "?" : report_.peer,
                        failed.failure()));
  set_in_use(call_flow_, false);
  for (CallTimer k : {CallTimer::answer, CallTimer::setup, CallTimer::duration, CallTimer::bye_wait, CallTimer::transfer}) cancel(k);
  // A fresh report for the next call; what the registration said stays.
  CallReport next;
  next.registration = report_.registration;
  next.keepalive_pings = report_.keepalive_pings;
  next.keepalive_pongs = report_.keepalive_pongs;
  report_ = std::move(next);
  call_ = 0;
  call_started_ = false;
  call_flow_.reset();
  call_over_ = false;
}

void Phone::call_done(std::string error) {
  if (call_over_) return;
  if (opts_.raw.mode == PhoneMode::listen && !media_started_ && !interrupted_ && !finishing_) {
    // Only an answered call ends `listen`: one INVITE from a stranger must not take the phone off the line.
    wait_for_next_call(report_.error.empty() ? error : report_.error);
    return;
  }
  call_over_ = true;
  set_in_use(call_flow_, false);
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
    if (report_.sip_status == 487 && (report_.error.empty() || report_.error.rfind("487", 0) == 0)) report_.result = "cancelled";
  }
  finish();
}

}  // namespace sotto::phone
