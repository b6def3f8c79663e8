// UserAgent as UAS: new INVITEs (180, 200 with our answer or the negotiator's 488), ACK, CANCEL (9.2),
// in-dialog BYE / INFO / OPTIONS / re-INVITE (12.2.2, 14.2), 481 for unknown dialogs, 405 otherwise.
#include "core/negotiation/answerer.hpp"
#include "core/sdp/sdp.hpp"
#include "core/sip/header_fields.hpp"
#include "core/sip/response_builder.hpp"
#include "core/ua/dtmf_relay.hpp"
#include "core/ua/request_parts.hpp"
#include "core/ua/user_agent.hpp"

namespace sotto::ua {

using sip::SipMessage;
using sip::txn::TxnId;
namespace hdr = sip::hdr;

namespace {

std::string reason_for(int status) {
  switch (status) {
    case 480: return "Temporarily Unavailable";
    case 486: return "Busy Here";
    case 488: return "Not Acceptable Here";
    case 600: return "Busy Everywhere";
    case 603: return "Decline";
    default: return status < 500 ? "Request Failed" : status < 600 ? "Server Error" : "Global Failure";
  }
}

}  // namespace

void UserAgent::add_allow_accept(SipMessage& resp) const {
  (void)resp.add_raw("Allow", kAllowedMethods);
  (void)resp.add_raw("Accept", kAcceptedBodies);
  (void)resp.add_raw("Supported", kSupportedTags);
}

void UserAgent::on_request(Timestamp now, TxnId id, Flow flow, const SipMessage& req) {
  const sip::MethodId m = req.method().id();
  if (m == sip::MethodId::ack) {
    on_ack(now, req);
    return;
  }
  if (m == sip::MethodId::cancel) {
    on_cancel(now, id, req);
    return;
  }
  auto to = req.header(hdr::to);
  if (to && to->tag()) {
    auto did = dialog::dialog_id_of(req);
    Call* c = did ? call_by_dialog(*did) : nullptr;
    // A NOTIFY of our transfer's subscription outlives the call's BYE (RFC 5057 dialog usages).
    const bool transfer_notify = c && m == sip::MethodId::notify && c->transfer && !c->transfer->done;
    if (!c || (c->phase == Call::Phase::ended && !transfer_notify)) {
      respond(now, id, req, 481, "Call/Transaction Does Not Exist");  // 12.2.2
      return;
    }
    if (!flow.is_pending() && !dead_flows_.count(flow.id)) c->flow = flow;
    on_in_dialog(now, id, flow, *c, req);
    return;
  }
  switch (m) {
    case sip::MethodId::invite: on_new_invite(now, id, flow, req); break;
    case sip::MethodId::options: respond(now, id, req, 200, "OK"); break;  // 11.2
    case sip::MethodId::bye:
    case sip::MethodId::info: respond(now, id, req, 481, "Call/Transaction Does Not Exist"); break;
    default: respond(now, id, req, 405, "Method Not Allowed"); break;  // 8.2.1, with Allow
  }
}

void UserAgent::on_new_invite(Timestamp now, TxnId id, Flow flow, const SipMessage& req) {
  // 8.2.2.3: we support no extension that a Require could name.
  if (auto req_tags = req.all(hdr::require); req_tags && !req_tags->empty()) {
    auto resp = sip::make_response(req, 420, "Bad Extension", random_token(*rng_, 6));
    if (resp) {
      for (const auto& t : *req_tags) resp->add(hdr::unsupported, t);
      (void)send_response(now, id, std::move(*resp));
    }
    return;
  }
  const bool secure = flows_.count(flow.id) && flows_[flow.id].secure;
  Call c;
  c.handle = next_call_++;
  c.outgoing = false;
  c.phase = Call::Phase::ringing_in;
  c.media = config_.incoming_media;
  c.session_id = std::to_string(rng_->next_u32() >> 1);
  c.signalling = negotiation::SignallingContext{secure, secure ? "TLS" : flow.reliable ? "TCP" : "UDP"};
  c.local_tag = random_token(*rng_, 6);
  if (!flow.is_pending()) c.flow = flow;
  c.server_txn = id;
  c.remote_invite = req;
  const LocalBinding* b = binding_for(c.signalling.transport);
  if (!b && !config_.bindings.empty()) b = &config_.bindings.front();
  if (b) c.local_contact = make_contact(config_.aor, *b, req.request_uri().scheme == sip::UriScheme::sips);
  server_calls_[id] = c.handle;

  UaEvent incoming;
  incoming.kind = UaEvent::Kind::incoming_call;
  incoming.call = c.handle;
  incoming.secure = secure;
  if (auto from = req.header(hdr::from)) incoming.from = *from;
  emit(std::move(incoming));

  const auto refuse = [&](int status, std::string reason, std::string warning_value, std::string warning) {
    respond(now, id, req, status, reason, c.local_tag, warning_value);
    emit_state(c, CallState::failed, status, std::move(reason), std::move(warning));
    end_call(now, c);
    calls_.emplace(c.handle, std::move(c));
  };
  const auto warn = [](const std::string& text) {
    return "399 " + std::string(negotiation::kWarnAgent) + " " + negotiation::quote_warn_text(text);
  };
  if (req.body().empty()) {
    const std::string text = "INVITE without an SDP offer is not supported";
    return refuse(488, "Not Acceptable Here", warn(text), text);
  }
  if (media_type(req) != "application/sdp") {
    const std::string text = "body type " + media_type(req) + " is not application/sdp";
    return refuse(415, "Unsupported Media Type", warn(text), text);
  }
  auto offer = sdp::parse_sdp(req.body());
  if (!offer) {
    const std::string text = "malformed SDP offer: " + offer.error().context;
    return refuse(488, "Not Acceptable Here", warn(text), text);
  }
  auto outcome = negotiation::make_answer(*offer, local_caps(config_, c.media, c.session_id, sdp::Direction::sendrecv),
                                          config_.media_policy, c.signalling);
  if (!outcome) {
    const std::string text = "local media configuration: " + outcome.error().context;
    return refuse(500, "Server Internal Error", warn(text), text);
  }
  if (auto* r = std::get_if<negotiation::Rejection>(&*outcome)) {
    return refuse(r->status, r->reason_phrase, r->warning, r->text);
  }
  auto d = dialog::Dialog::from_uas(req, c.local_tag, c.local_contact);
  if (!d) return refuse(400, "Bad Request", warn(d.error().context), d.error().context);
  c.dialog = std::move(*d);
  c.answer = std::get<negotiation::Answer>(std::move(*outcome));

  auto ringing = sip::make_response(req, 180, "Ringing", c.local_tag);
  if (ringing) {
    copy_record_route(req, *ringing);
    ringing->add(hdr::contact, sip::ContactValue{false, c.local_contact});
    (void)send_response(now, id, std::move(*ringing));
  }
  emit_state(c, CallState::ringing, 180, "Ringing");
  const CallHandle h = c.handle;
  calls_.emplace(h, std::move(c));
  if (config_.auto_answer) (void)answer(now, h);
}

Status UserAgent::answer(Timestamp now, CallHandle h, std::optional<CallOptions> options) {
  Call* c = call_ptr(h);
  if (!c) return fail(Errc::not_found, "answer: no call " + std::to_string(h));
  if (c->phase != Call::Phase::ringing_in || !c->answer) {
    return fail(Errc::invalid_state, "answer: call " + std::to_string(h) + " is not ringing");
  }
  if (options) {
    auto offer = sdp::parse_sdp(c->remote_invite.body());
    if (!offer) return fail(Errc::invalid_state, "answer: offer no longer parses");
    auto outcome = negotiation::make_answer(*offer, local_caps(config_, *options, c->session_id, sdp::Direction::sendrecv),
                                            config_.media_policy, c->signalling);
    if (!outcome) return Unexpected(outcome.error());
    auto* a = std::get_if<negotiation::Answer>(&*outcome);
    if (!a) return fail(Errc::invalid_argument, "answer: " + std::get<negotiation::Rejection>(*outcome).text);
    c->media = *options;
    c->answer = std::move(*a);
  }
  send_ok_with_answer(now, *c, false);
  c->phase = Call::Phase::answered;
  pump(now);
  return {};
}

void UserAgent::send_ok_with_answer(Timestamp now, Call& c, bool reinvite) {
  auto ok = sip::make_response(c.remote_invite, 200, "OK", c.local_tag);
  if (!ok || !c.answer) return;
  copy_record_route(c.remote_invite, *ok);
  ok->add(hdr::contact, sip::ContactValue{false, c.local_contact});
  add_allow_accept(*ok);
  ok->add(hdr::content_type, std::string("application/sdp"));
  ok->set_body(sdp::serialize(c.answer->sdp));
  if (!config_.user_agent.empty()) ok->add(hdr::server, config_.user_agent);
  (void)layer_.send_response(now, c.server_txn, *ok);
  flush_layer();
  // 13.3.1.4: the UAS core retransmits the 2xx, T1 doubling up to T2, until the ACK or 64*T1.
  c.ok = std::move(*ok);
  c.ok_answers_reinvite = reinvite;
  c.ok_interval = config_.timers.t1;
  c.ok_next = now + c.ok_interval;
  c.ack_deadline = now + 64 * config_.timers.t1;
  c.session = c.answer->session;
  UaEvent ev;
  ev.kind = reinvite ? UaEvent::Kind::media_updated : UaEvent::Kind::media_ready;
  ev.call = c.handle;
  ev.media = negotiation::first_accepted(c.answer->media);
  ev.media_warnings = c.answer->warnings;
  emit(std::move(ev));
}

Status UserAgent::reject(Timestamp now, CallHandle h, int status) {
  Call* c = call_ptr(h);
  if (!c) return fail(Errc::not_found, "reject: no call " + std::to_string(h));
  if (c->phase != Call::Phase::ringing_in) return fail(Errc::invalid_state, "reject: call " + std::to_string(h) + " is not ringing");
  if (status < 300 || status > 699) return fail(Errc::invalid_argument, "reject: status " + std::to_string(status) + " is not 300-699");
  const std::string reason = reason_for(status);
  respond(now, c->server_txn, c->remote_invite, status, reason, c->local_tag);
  emit_state(*c, CallState::terminated, status, reason);
  end_call(now, *c);
  pump(now);
  return {};
}

void UserAgent::on_ack(Timestamp now, const SipMessage& ack) {
  auto did = dialog::dialog_id_of(ack);
  Call* c = did ? call_by_dialog(*did) : nullptr;
  auto cseq = ack.header(hdr::cseq);
  if (!c || !c->ok || !cseq) return;
  auto ok_cseq = c->ok->header(hdr::cseq);
  if (!ok_cseq || ok_cseq->number != cseq->number) return;
  const bool reinvite = c->ok_answers_reinvite;
  c->ok.reset();
  if (c->phase == Call::Phase::answered) c->phase = Call::Phase::confirmed;
  if (!reinvite && c->phase == Call::Phase::confirmed) emit_state(*c, CallState::established, 200, "OK");
  if (c->bye_after_ack) {
    c->bye_after_ack = false;
    send_bye(now, *c);
  }
}

void UserAgent::on_cancel(Timestamp now, TxnId id, const SipMessage& req) {
  // 9.2: find the INVITE server transaction the CANCEL names.
  const TxnId invite = layer_.find_invite_for_cancel(req);
  auto it = server_calls_.find(invite);
  Call* c = invite != 0 && it != server_calls_.end() ? call_ptr(it->second) : nullptr;
  if (!c) {
    respond(now, id, req, 481, "Call/Transaction Does Not Exist");
    return;
  }
  respond(now, id, req, 200, "OK", c->local_tag);
  if (c->phase != Call::Phase::ringing_in) return;  // already answered: the CANCEL has no effect
  respond(now, c->server_txn, c->remote_invite, 487, "Request Terminated", c->local_tag);
  emit_state(*c, CallState::terminated, 487, "Request Terminated");
  end_call(now, *c);
}

void UserAgent::on_in_dialog(Timestamp now, TxnId id, Flow flow, Call& c, const SipMessage& req) {
  if (auto st = c.dialog->on_request(req); !st) {
    respond(now, id, req, 500, "Server Internal Error", {}, "399 sotto " + negotiation::quote_warn_text(st.error().context));
    return;
  }
  switch (req.method().id()) {
    case sip::MethodId::bye:
      respond(now, id, req, 200, "OK");
      if (c.phase == Call::Phase::ringing_in) {
        respond(now, c.server_txn, c.remote_invite, 487, "Request Terminated", c.local_tag);
      }
      emit_state(c, CallState::terminated, 0, "BYE received");
      end_call(now, c);
      break;
    case sip::MethodId::invite: on_reinvite(now, id, flow, c, req); break;
    case sip::MethodId::info: {
      respond(now, id, req, 200, "OK");
      UaEvent ev;
      ev.kind = UaEvent::Kind::info_received;
      ev.call = c.handle;
      ev.content_type = media_type(req);
      ev.body = req.body();
      if (ev.content_type == kDtmfRelayType) ev.dtmf = parse_dtmf_relay(req.body());
      emit(std::move(ev));
      break;
    }
    case sip::MethodId::options: respond(now, id, req, 200, "OK"); break;
    case sip::MethodId::notify: on_notify(now, id, c, req); break;
    default: respond(now, id, req, 405, "Method Not Allowed"); break;
  }
}

void UserAgent::on_reinvite(Timestamp now, TxnId id, Flow flow, Call& c, const SipMessage& req) {
  if (c.phase != Call::Phase::confirmed) {
    respond(now, id, req, 500, "Server Internal Error");  // 14.2: the first INVITE is not finished
    return;
  }
  if (c.reinvite_out || c.ok) {
    respond(now, id, req, 491, "Request Pending");  // 14.2: glare
    return;
  }
  const auto warn = [](const std::string& text) {
    return "399 " + std::string(negotiation::kWarnAgent) + " " + negotiation::quote_warn_text(text);
  };
  auto offer = req.body().empty() ? Result<sdp::SessionDescription>(fail(Errc::unsupported, "re-INVITE without an SDP offer is not supported"))
                                  : sdp::parse_sdp(req.body());
  if (!offer) {
    respond(now, id, req, 488, "Not Acceptable Here", {}, warn(offer.error().context));
    return;
  }
  const auto dir = c.local_hold ? sdp::Direction::sendonly : sdp::Direction::sendrecv;
  // RFC 4568 section 8.3: keys are only as secret as the flow that carries them. The offer and our
  // answer ride the flow this re-INVITE came on, whatever carried the call before (it may be UDP in a
  // call set up over TLS).
  const std::string transport = flow_transport(flow, dialog_next_hop(c));
  c.signalling = negotiation::SignallingContext{transport == "TLS", transport};
  auto outcome = c.session ? negotiation::make_answer(*offer, local_caps(config_, c.media, c.session_id, dir),
                                                      config_.media_policy, c.signalling, *c.session)
                           : negotiation::make_answer(*offer, local_caps(config_, c.media, c.session_id, dir),
                                                      config_.media_policy, c.signalling);
  if (!outcome) {
    respond(now, id, req, 500, "Server Internal Error", {}, warn(outcome.error().context));
    return;
  }
  if (auto* r = std::get_if<negotiation::Rejection>(&*outcome)) {
    // The re-offer is refused; the session goes on with what was agreed before (14.2).
    respond(now, id, req, r->status, r->reason_phrase, {}, r->warning);
    return;
  }
  c.server_txn = id;
  c.remote_invite = req;
  c.answer = std::get<negotiation::Answer>(std::move(*outcome));
  send_ok_with_answer(now, c, true);
}

}  // namespace sotto::ua
