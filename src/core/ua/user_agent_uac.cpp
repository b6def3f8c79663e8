// UserAgent as UAC of calls: INVITE with our offer, 1xx/2xx/failure, ACK for every 2xx (13.2.2.4),
// CANCEL (9.1), BYE (15.1), re-INVITE for hold/resume with 491 glare back-off (14.1), INFO.
#include "core/negotiation/offerer.hpp"
#include "core/sdp/sdp.hpp"
#include "core/sip/header_fields.hpp"
#include "core/ua/request_parts.hpp"
#include "core/ua/user_agent.hpp"

namespace sotto::ua {

using sip::SipMessage;
namespace hdr = sip::hdr;

Result<CallHandle> UserAgent::call(Timestamp now, const sip::Uri& target, const CallOptions& options) {
  if (!target.is_sip()) return fail(Errc::invalid_argument, "call target " + sip::serialize(target) + ": not a sip: or sips: URI");
  if (options.rtp_port == 0) return fail(Errc::invalid_argument, "call: RTP port 0");
  const sip::Uri next_hop = config_.outbound_proxy ? *config_.outbound_proxy : target;
  const std::string transport = hop_transport(next_hop);
  const LocalBinding* b = binding_for(transport);
  if (!b) return fail(Errc::invalid_state, "no local " + transport + " binding to reach " + sip::serialize(next_hop));

  Call c;
  c.handle = next_call_;
  c.outgoing = true;
  c.media = options;
  c.session_id = std::to_string(rng_->next_u32() >> 1);
  c.signalling = negotiation::SignallingContext{transport == "TLS", transport};
  c.next_hop = next_hop;
  c.local_tag = random_token(*rng_, 6);
  c.local_contact = make_contact(config_.aor, *b, target.scheme == sip::UriScheme::sips);
  auto offer = negotiation::make_offer(local_caps(config_, options, c.session_id, sdp::Direction::sendrecv),
                                       config_.media_policy, c.signalling);
  if (!offer) return Unexpected(offer.error());
  c.offer_warnings = offer->warnings;  // reported with media_ready

  SipMessage inv = SipMessage::request(sip::MethodId::invite, target);
  inv.add(hdr::max_forwards, std::uint8_t{70});
  if (config_.outbound_proxy) {
    sip::NameAddr route{"", *config_.outbound_proxy, {}};
    route.uri.params.set("lr");
    inv.add(hdr::route, route);
  }
  sip::NameAddr from{config_.display_name, config_.aor, {}};
  from.params.set("tag", c.local_tag);
  inv.add(hdr::from, from);
  inv.add(hdr::to, sip::NameAddr{"", target, {}});
  inv.add(hdr::call_id, random_token(*rng_, 16));
  inv.add(hdr::cseq, sip::CSeq{1, sip::MethodId::invite});
  inv.add(hdr::contact, sip::ContactValue{false, c.local_contact});
  add_capability_headers(inv, config_);
  inv.add(hdr::content_type, std::string("application/sdp"));
  inv.set_body(sdp::serialize(offer->sdp));
  c.pending_offer = std::move(offer->pending);

  auto id = start_request(now, inv, std::nullopt, next_hop, Purpose::invite, c.handle);
  if (!id) return Unexpected(id.error());
  c.invite = client_[*id].request;
  c.invite_txn = *id;
  calls_.emplace(c.handle, std::move(c));
  return next_call_++;
}

void UserAgent::on_invite_response(Timestamp now, const ClientRequest& owner, Flow flow, const SipMessage& resp) {
  Call* c = call_ptr(owner.call);
  if (!c) return;
  const int status = resp.status();
  const bool initial = owner.purpose == Purpose::invite;
  if (status < 200) {
    if (!initial) return;
    c->provisional_seen = true;
    if (!flow.is_pending()) c->provisional_flow = flow;
    if (c->cancel_wanted && !c->cancel_sent && c->phase == Call::Phase::calling) send_cancel(now, *c);
    if (status == 180 && !c->ringing_reported) {
      c->ringing_reported = true;
      emit_state(*c, CallState::ringing, status, resp.reason());
    } else if (status != 100 && status != 180) {
      emit_state(*c, CallState::progress, status, resp.reason());
    }
    return;
  }
  if (status < 300) {
    on_invite_2xx(now, *c, owner, flow, resp);
    return;
  }
  if (initial) {
    if (c->phase == Call::Phase::ended) return;
    const bool cancelled = c->cancel_sent && status == 487;
    emit_state(*c, cancelled ? CallState::terminated : CallState::failed, status, resp.reason(), warning_text(resp));
    end_call(now, *c);
    return;
  }
  // Our re-INVITE was refused: the session stays as it was (14.1).
  c->reinvite_out = false;
  c->pending_offer.reset();
  if (status == 491) {
    // 14.1: retry after 2.1-4 s if we own the Call-ID (we sent the first INVITE), else 0-2 s; 10 ms units.
    const std::uint32_t ticks = rng_->next_u32();
    const auto delay = c->outgoing ? std::chrono::milliseconds(2100 + 10 * (ticks % 191))
                                   : std::chrono::milliseconds(10 * (ticks % 201));
    c->glare_retry_at = now + delay;
    return;
  }
  UaEvent ev;
  ev.kind = UaEvent::Kind::reinvite_failed;
  ev.call = c->handle;
  ev.status = status;
  ev.reason = resp.reason();
  ev.warning = warning_text(resp);
  emit(std::move(ev));
  if (status == 481 || status == 408) send_bye(now, *c);  // 12.2.1.2: the dialog is gone
}

void UserAgent::on_invite_2xx(Timestamp now, Call& c, const ClientRequest& owner, Flow flow, const SipMessage& resp) {
  auto cseq = resp.header(hdr::cseq);
  if (!cseq) return;
  if (c.ack && c.acked_cseq == cseq->number) {
    send_ack(c, cseq->number);  // a retransmitted 2xx: our ACK was lost (13.2.2.4)
    return;
  }
  const bool initial = owner.purpose == Purpose::invite;
  if (initial) {
    auto d = dialog::Dialog::from_uac(owner.request, resp, c.local_contact);
    if (!d) {
      emit_state(c, CallState::failed, resp.status(), "unusable 2xx: " + d.error().context);
      end_call(now, c);
      return;
    }
    c.dialog = std::move(*d);
    if (!flow.is_pending() && !owner.to_uri) c.flow = flow;
  } else if (c.dialog) {
    c.dialog->on_response(resp);
  }
  if (!c.dialog) return;
  send_ack(c, cseq->number);
  if (c.cancel_wanted || c.phase == Call::Phase::ended || c.phase == Call::Phase::ending) {
    // hangup() raced with the 2xx (9.1): the call exists now, so end it with BYE.
    if (c.phase != Call::Phase::ended && c.phase != Call::Phase::ending) {
      emit_state(c, CallState::terminated, resp.status(), "hung up");
    }
    if (c.phase != Call::Phase::ending) send_bye(now, c);
    return;
  }
  if (!c.pending_offer) return;
  std::string error;
  if (resp.body().empty()) {
    error = "2xx without an SDP answer";
  } else if (auto answer = sdp::parse_sdp(resp.body()); !answer) {
    error = "SDP answer: " + answer.error().context;
  } else if (auto done = negotiation::apply_answer(*c.pending_offer, *answer, config_.media_policy); !done) {
    error = done.error().context;
  } else {
    c.pending_offer.reset();
    c.reinvite_out = false;
    c.session = done->session;
    c.phase = Call::Phase::confirmed;
    if (initial) emit_state(c, CallState::established, resp.status(), resp.reason());
    UaEvent ev;
    ev.kind = initial ? UaEvent::Kind::media_ready : UaEvent::Kind::media_updated;
    ev.call = c.handle;
    std::vector<std::string> warnings = c.offer_warnings;
    warnings.insert(warnings.end(), done->warnings.begin(), done->warnings.end());
    ev.media = negotiation::first_accepted(done->media);
    ev.media_warnings = std::move(warnings);
    emit(std::move(ev));
    return;
  }
  // Never fail open: the call is ACKed (13.2.2.4 demands it) and ended at once.
  c.pending_offer.reset();
  c.reinvite_out = false;
  emit_state(c, CallState::failed, resp.status(), error);
  send_bye(now, c);
}

void UserAgent::on_stray_response(Timestamp, Flow, const SipMessage& resp) {
  // A 2xx retransmitted after the INVITE transaction ended (RFC 6026 Timer M): ACK it again.
  if (resp.status() < 200 || resp.status() >= 300) return;
  auto cseq = resp.header(hdr::cseq);
  auto id = dialog::dialog_id_of(resp);
  if (!cseq || !id || cseq->method != sip::MethodId::invite) return;
  Call* c = call_by_dialog(*id);
  if (c && c->ack && c->acked_cseq == cseq->number) send_ack(*c, cseq->number);
}

void UserAgent::send_ack(Call& c, std::uint32_t cseq) {
  if (!c.dialog) return;
  if (!c.ack || c.acked_cseq != cseq) {
    SipMessage ack = c.dialog->make_ack(cseq);
    // An ACK for an authenticated INVITE carries the same credentials (22.1).
    for (auto id : {sip::HeaderId::authorization, sip::HeaderId::proxy_authorization}) {
      if (const sip::Header* h = c.invite.find(id)) ack.headers().push_back(*h);
    }
    c.ack = std::move(ack);
    c.acked_cseq = cseq;
  }
  send_direct(*c.ack, c.flow, dialog_next_hop(c));
}

void UserAgent::send_cancel(Timestamp now, Call& c) {
  // 9.1: same Request-URI, Call-ID, From, To, CSeq number and top Via (branch) as the INVITE.
  SipMessage cancel = make_cancel(c.invite);
  // Through the transaction layer as is: start_request would replace the Via.
  const auto owner_it = client_.find(c.invite_txn);
  const Flow flow = c.provisional_flow ? *c.provisional_flow : owner_it != client_.end() ? owner_it->second.flow : Flow{};
  auto id = layer_.send_request(now, cancel, flow);
  if (id) client_[*id] = ClientRequest{Purpose::cancel, c.handle, cancel, flow, c.next_hop, {}};
  flush_layer();
  c.cancel_sent = true;
}

void UserAgent::send_bye(Timestamp now, Call& c) {
  if (!c.dialog) {
    end_call(now, c);
    return;
  }
  auto bye = in_dialog_request(c, sip::MethodId::bye);
  c.phase = Call::Phase::ending;
  c.ok.reset();
  if (!bye || !start_request(now, std::move(*bye), c.flow, dialog_next_hop(c), Purpose::bye, c.handle)) {
    if (!c.reported_end) emit_state(c, CallState::terminated, 0, "BYE could not be sent");
    end_call(now, c);
  }
}

Result<SipMessage> UserAgent::in_dialog_request(Call& c, sip::Method method) {
  if (!c.dialog) return fail(Errc::invalid_state, "call " + std::to_string(c.handle) + " has no dialog");
  SipMessage req = c.dialog->make_request(std::move(method));
  if (!config_.user_agent.empty()) req.add(hdr::user_agent, config_.user_agent);
  return req;
}

Status UserAgent::send_reinvite(Timestamp now, Call& c) {
  if (!c.session) return fail(Errc::invalid_state, "call " + std::to_string(c.handle) + ": no negotiated session yet");
  const auto dir = c.local_hold ? sdp::Direction::sendonly : sdp::Direction::sendrecv;
  // RFC 4568 section 8.3, per message: the re-offer's keys ride the flow this re-INVITE will take (the
  // dialog's next hop may be UDP in a call set up over TLS), not the one that set the call up.
  const std::string transport = hop_for(c.flow, dialog_next_hop(c)).transport;
  c.signalling = negotiation::SignallingContext{transport == "TLS", transport};
  auto offer = negotiation::make_reoffer(*c.session, local_caps(config_, c.media, c.session_id, dir),
                                         config_.media_policy, c.signalling);
  if (!offer) return Unexpected(offer.error());
  auto inv = in_dialog_request(c, sip::MethodId::invite);
  if (!inv) return Unexpected(inv.error());
  add_capability_headers(*inv, config_);
  inv->remove(sip::HeaderId::user_agent);
  if (!config_.user_agent.empty()) inv->add(hdr::user_agent, config_.user_agent);
  inv->add(hdr::content_type, std::string("application/sdp"));
  inv->set_body(sdp::serialize(offer->sdp));
  auto id = start_request(now, *inv, c.flow, dialog_next_hop(c), Purpose::reinvite, c.handle);
  if (!id) return Unexpected(id.error());
  c.pending_offer = std::move(offer->pending);
  c.invite = client_[*id].request;
  c.invite_txn = *id;
  c.reinvite_out = true;
  return {};
}

Status UserAgent::hangup(Timestamp now, CallHandle h) {
  Call* c = call_ptr(h);
  if (!c) return fail(Errc::not_found, "hangup: no call " + std::to_string(h));
  switch (c->phase) {
    case Call::Phase::calling:
      c->cancel_wanted = true;
      if (c->provisional_seen && !c->cancel_sent) send_cancel(now, *c);
      pump(now);
      return {};
    case Call::Phase::ringing_in:
      return reject(now, h, 603);
    case Call::Phase::answered:
      c->bye_after_ack = true;  // 15: the callee may not send BYE before the ACK
      return {};
    case Call::Phase::confirmed:
      send_bye(now, *c);
      pump(now);
      return {};
    case Call::Phase::ending:
    case Call::Phase::ended:
      break;
  }
  return fail(Errc::invalid_state, "hangup: call " + std::to_string(h) + " is already ending");
}

Status UserAgent::hold(Timestamp now, CallHandle h, bool on) {
  Call* c = call_ptr(h);
  if (!c) return fail(Errc::not_found, "hold: no call " + std::to_string(h));
  if (c->phase != Call::Phase::confirmed) return fail(Errc::invalid_state, "hold: call " + std::to_string(h) + " is not established");
  if (c->reinvite_out || c->ok) return fail(Errc::invalid_state, "hold: a re-INVITE is already in progress");
  const bool before = c->local_hold;
  c->local_hold = on;
  c->glare_retry_at.reset();
  auto st = send_reinvite(now, *c);
  if (!st) c->local_hold = before;
  pump(now);
  return st;
}

Status UserAgent::send_info(Timestamp now, CallHandle h, std::string content_type, std::string body) {
  Call* c = call_ptr(h);
  if (!c) return fail(Errc::not_found, "send_info: no call " + std::to_string(h));
  if (c->phase != Call::Phase::confirmed) return fail(Errc::invalid_state, "send_info: call " + std::to_string(h) + " is not established");
  auto info = in_dialog_request(*c, sip::MethodId::info);
  if (!info) return Unexpected(info.error());
  if (!content_type.empty()) info->add(hdr::content_type, content_type);
  info->set_body(std::move(body));
  auto id = start_request(now, std::move(*info), c->flow, dialog_next_hop(*c), Purpose::info, h);
  pump(now);
  if (!id) return Unexpected(id.error());
  return {};
}

}  // namespace sotto::ua
