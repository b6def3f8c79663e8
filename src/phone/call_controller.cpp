// CallController: outgoing side, shared helpers and the event pump. Incoming requests are handled in
// call_controller_incoming.cpp.
#include "phone/call_controller.hpp"

#include "base/hex.hpp"
#include "core/sdp/sdp.hpp"
#include "core/sip/header_fields.hpp"
#include "core/sip/response_builder.hpp"
#include "crypto/random.hpp"

namespace sotto::phone {

namespace hdr = sip::hdr;
using sip::SipMessage;

namespace {

std::string random_token(std::size_t bytes) {
  std::vector<std::uint8_t> b(bytes);
  crypto::random_bytes(b);
  return to_hex(b);
}

std::string warning_of(const SipMessage& m) {
  const sip::Header* w = m.find("Warning");
  return w ? w->value : std::string();
}

}  // namespace

CallController::CallController(CallControllerConfig config)
    : cfg_(std::move(config)), local_tag_(random_token(6)), call_id_(random_token(12)) {}

std::string CallController::new_branch() const { return std::string(sip::kBranchMagicCookie) + random_token(10); }

// Our Via with a fresh branch (RFC 3261 8.1.1.7) and rport (RFC 3581).
std::string CallController::via_value() const {
  return "SIP/2.0/" + cfg_.via_transport + " " + cfg_.via_host + ":" + std::to_string(cfg_.via_port) +
         ";branch=" + new_branch() + ";rport";
}

void CallController::prepend_via(SipMessage& m) const {
  m.headers().insert(m.headers().begin(), sip::Header{"Via", sip::HeaderId::via, via_value()});
}

SipMessage CallController::new_request(sip::Method m, const sip::Uri& ruri) {
  SipMessage r = SipMessage::request(m, ruri);
  (void)r.add_raw("Via", via_value());
  r.add(hdr::max_forwards, std::uint8_t{70});
  return r;
}

sip::NameAddr CallController::contact_for(const sip::Uri& request_uri) const {
  sip::NameAddr c = cfg_.contact;
  if (request_uri.scheme != sip::UriScheme::sips) c.uri.scheme = sip::UriScheme::sip;
  return c;
}

sdp::LocalCapabilities CallController::capabilities(std::uint16_t port, sdp::Direction dir) const {
  sdp::LocalCapabilities caps;
  caps.username = "sotto";
  caps.session_id = std::to_string(crypto::random_u32());
  caps.address = cfg_.media_ip;
  caps.address_type = cfg_.media_ip.find(':') == std::string::npos ? "IP4" : "IP6";
  sdp::MediaCapabilities audio;
  audio.port = port;
  audio.protos = {"RTP/AVP"};
  audio.codecs = {{"PCMU", 8000, {}, {}, {}}, {"PCMA", 8000, {}, {}, {}},
                  {"telephone-event", 8000, {}, std::uint8_t{101}, std::string("0-16")}};
  audio.ptime = 20;
  audio.direction = dir;
  caps.media.push_back(audio);
  return caps;
}

Status CallController::call(Timestamp now, const sip::Uri& target, Flow flow, bool secure, std::uint16_t rtp_port) {
  if (state_ != State::idle) return fail(Errc::invalid_state, "a call is already in progress");
  flow_ = flow;
  secure_ = secure;
  rtp_port_ = rtp_port;
  peer_ = sip::serialize(target);
  negotiation::SignallingContext sig{secure, cfg_.via_transport};
  auto offer = negotiation::make_offer(capabilities(rtp_port, sdp::Direction::sendrecv), cfg_.media, sig);
  if (!offer) return Unexpected(offer.error());
  pending_ = offer->pending;
  SipMessage inv = new_request(sip::MethodId::invite, target);
  sip::NameAddr from = cfg_.local;
  from.params.set("tag", local_tag_);
  inv.add(hdr::from, from);
  inv.add(hdr::to, sip::NameAddr{"", target, {}});
  inv.add(hdr::call_id, call_id_);
  inv.add(hdr::cseq, sip::CSeq{++cseq_, sip::MethodId::invite});
  inv.add(hdr::contact, sip::ContactValue{false, contact_for(target)});
  (void)inv.add_raw("Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO");
  (void)inv.add_raw("User-Agent", cfg_.user_agent);
  (void)inv.add_raw("Content-Type", "application/sdp");
  inv.set_body(sdp::serialize(offer->sdp));
  invite_ = inv;
  auto id = layer_.send_request(now, inv, flow);
  if (!id) return Unexpected(id.error());
  invite_txn_ = *id;
  state_ = State::calling;
  drain_layer(now);
  return {};
}

void CallController::handle_message(Timestamp now, Flow flow, bool secure, SipMessage msg) {
  if (msg.is_request() && msg.method() == sip::MethodId::invite && state_ == State::idle) {
    flow_ = flow;
    secure_ = secure;
  }
  layer_.handle_message(now, flow, std::move(msg));
  drain_layer(now);
}

void CallController::handle_timeout(Timestamp now) {
  layer_.handle_timeout(now);
  if (ok_retransmit_at_ && *ok_retransmit_at_ <= now && our_ok_) {
    // 13.3.1.4: retransmit the 2xx over UDP until the ACK, T1 doubling to T2, give up after 64*T1.
    if (now - ok_first_sent_ >= std::chrono::seconds(32)) {
      ok_retransmit_at_.reset();
      send_bye(now);
      finish(CallEvent{CallEvent::Kind::failed, 408, "No ACK", "", "no ACK for our 200 OK within 32 s", peer_, {}, false});
    } else {
      out_.push_back(sip::txn::LayerTransmit{flow_, *our_ok_, true});
      ok_interval_ = std::min<sip::txn::Duration>(2 * ok_interval_, std::chrono::seconds(4));
      ok_retransmit_at_ = now + ok_interval_;
    }
  }
  drain_layer(now);
}

void CallController::handle_transport_error(Timestamp now) {
  if (state_ == State::ended) return;
  finish(CallEvent{CallEvent::Kind::failed, 503, "Service Unavailable", "", "the connection to the peer failed", peer_, {}, false});
  (void)now;
}

void CallController::drain_layer(Timestamp now) {
  while (auto ev = layer_.poll_event()) on_layer_event(now, std::move(*ev));
}

void CallController::on_layer_event(Timestamp now, sip::txn::LayerEvent ev) {
  using K = sip::txn::LayerEvent::Kind;
  switch (ev.kind) {
    case K::request:
      if (ev.message) on_request(now, ev.id, ev.flow, std::move(*ev.message));
      break;
    case K::response:
      if (!ev.message) break;
      if (ev.id == invite_txn_) on_invite_response(now, *ev.message);
      else if (ev.id == reinvite_txn_) on_reinvite_response(now, *ev.message);
      else if (ev.id == bye_txn_ && ev.message->status() >= 200) finish(CallEvent{CallEvent::Kind::ended, 0, "", "", "", peer_, {}, false});
      break;
    case K::stray_response:
      // A 2xx retransmitted after the INVITE transaction ended: ACK it again (13.2.2.4).
      if (ev.message && dialog_ && ev.message->status() >= 200 && ev.message->status() < 300) {
        auto c = ev.message->header(hdr::cseq);
        if (c && c->method == sip::MethodId::invite) send_ack(*ev.message);
      }
      break;
    case K::timeout:
      if (ev.id == invite_txn_ && (state_ == State::calling || state_ == State::ringing_out)) {
        finish(CallEvent{CallEvent::Kind::failed, 408, "Request Timeout", "", "no final response to the INVITE", peer_, {}, false});
      } else if (ev.id == bye_txn_) {
        finish(CallEvent{CallEvent::Kind::ended, 0, "", "", "no response to BYE", peer_, {}, false});
      }
      break;
    case K::transport_error:
      handle_transport_error(now);
      break;
    case K::terminated:
      break;
  }
}

void CallController::on_invite_response(Timestamp now, const SipMessage& r) {
  const int code = r.status();
  if (code == 100) {
    events_.push_back(CallEvent{CallEvent::Kind::trying, code, r.reason(), "", "", peer_, {}, false});
    return;
  }
  if (code < 200) {
    provisional_seen_ = true;
    if (state_ == State::calling) state_ = State::ringing_out;
    events_.push_back(CallEvent{CallEvent::Kind::ringing, code, r.reason(), "", "", peer_, {}, false});
    if (cancel_pending_) hangup(now);
    return;
  }
  if (code < 300) {
    if (state_ == State::established || state_ == State::terminating || state_ == State::ended) {
      send_ack(r);  // retransmitted 2xx
      return;
    }
    auto d = dialog::Dialog::from_uac(*invite_, r, contact_for(invite_->request_uri()));
    if (!d) {
      finish(CallEvent{CallEvent::Kind::failed, code, r.reason(), "", "unusable 2xx: " + d.error().message(), peer_, {}, false});
      return;
    }
    dialog_ = std::move(*d);
    send_ack(r);
    auto answer = sdp::parse_sdp(r.body());
    Result<negotiation::Negotiated> n = answer ? negotiation::apply_answer(*pending_, *answer, cfg_.media)
                                               : Result<negotiation::Negotiated>(Unexpected(answer.error()));
    if (!n || n->media.empty() || n->media.front().rejected) {
      // Never fail open: the answer does not give us the media security we asked for.
      const std::string why = !n ? n.error().message() : "the answer rejected the audio stream";
      send_bye(now);
      finish(CallEvent{CallEvent::Kind::failed, code, r.reason(), warning_of(r), "ending the call: " + why, peer_, {}, false});
      return;
    }
    session_ = n->session;
    state_ = State::established;
    events_.push_back(CallEvent{CallEvent::Kind::answered, code, r.reason(), "", "", peer_, n->media.front(), false});
    if (cancel_pending_) hangup(now);
    return;
  }
  if ((code == 401 || code == 407) && cfg_.credentials && auth_attempts_ < 2) {
    const sip::Header* h = r.find(code == 401 ? "WWW-Authenticate" : "Proxy-Authenticate");
    auto ch = h ? auth::parse_challenge(h->value) : Result<auth::DigestChallenge>(fail(Errc::malformed_input, "no challenge"));
    if (ch && !(auth_attempts_ > 0 && !ch->stale)) {
      ++auth_attempts_;
      SipMessage again = *invite_;
      again.remove(sip::HeaderId::via);
      (void)again.add_raw("Via", via_value());
      again.set(hdr::cseq, sip::CSeq{++cseq_, sip::MethodId::invite});
      auto a = auth::answer_challenge(*ch, *cfg_.credentials, "INVITE", sip::serialize(invite_->request_uri()), ++nc_,
                                      random_token(8));
      if (a) {
        (void)again.add_raw(code == 401 ? "Authorization" : "Proxy-Authorization", auth::serialize(*a));
        invite_ = again;
        auto id = layer_.send_request(now, again, flow_);
        if (id) {
          invite_txn_ = *id;
          return;
        }
      }
    }
    finish(CallEvent{CallEvent::Kind::failed, code, r.reason(), warning_of(r),
                     "authentication rejected (check --account and --password)", peer_, {}, false});
    return;
  }
  finish(CallEvent{CallEvent::Kind::failed, code, r.reason(), warning_of(r), "", peer_, {}, false});
}

Status CallController::hold(Timestamp now, bool on) {
  if (state_ != State::established || !dialog_ || !session_) return fail(Errc::invalid_state, "no established call");
  if (reinvite_txn_ != 0) return fail(Errc::invalid_state, "a re-INVITE is already in progress");
  negotiation::SignallingContext sig{secure_, cfg_.via_transport};
  auto offer = negotiation::make_reoffer(
      *session_, capabilities(rtp_port_, on ? sdp::Direction::sendonly : sdp::Direction::sendrecv), cfg_.media, sig);
  if (!offer) return Unexpected(offer.error());
  SipMessage inv = dialog_->make_request(sip::MethodId::invite);
  prepend_via(inv);
  (void)inv.add_raw("Content-Type", "application/sdp");
  inv.set_body(sdp::serialize(offer->sdp));
  auto id = layer_.send_request(now, inv, flow_);
  if (!id) return Unexpected(id.error());
  reinvite_txn_ = *id;
  reinvite_pending_ = offer->pending;
  drain_layer(now);
  return {};
}

void CallController::on_reinvite_response(Timestamp now, const SipMessage& r) {
  if (r.status() < 200) return;
  reinvite_txn_ = 0;
  if (r.status() >= 300) {
    // RFC 3261 14.1: a failed re-INVITE leaves the session as it was.
    events_.push_back(CallEvent{CallEvent::Kind::media_updated, r.status(), r.reason(), warning_of(r),
                                "re-INVITE refused", peer_, {}, false});
    return;
  }
  send_ack(r);
  auto answer = sdp::parse_sdp(r.body());
  auto n = answer ? negotiation::apply_answer(*reinvite_pending_, *answer, cfg_.media)
                  : Result<negotiation::Negotiated>(Unexpected(answer.error()));
  if (!n || n->media.empty() || n->media.front().rejected) {
    send_bye(now);
    finish(CallEvent{CallEvent::Kind::failed, r.status(), r.reason(), warning_of(r),
                     "ending the call: re-INVITE answer: " + (n ? std::string("stream rejected") : n.error().message()),
                     peer_, {}, false});
    return;
  }
  session_ = n->session;
  events_.push_back(CallEvent{CallEvent::Kind::media_updated, r.status(), r.reason(), "", "", peer_, n->media.front(), false});
}

void CallController::send_ack(const SipMessage& ok) {
  if (!dialog_) return;
  auto c = ok.header(hdr::cseq);
  SipMessage ack = dialog_->make_ack(c ? c->number : cseq_);
  prepend_via(ack);
  out_.push_back(sip::txn::LayerTransmit{flow_, std::move(ack), false});
}

void CallController::send_bye(Timestamp now) {
  if (!dialog_) return;
  SipMessage bye = dialog_->make_request(sip::MethodId::bye);
  prepend_via(bye);
  bye.add(hdr::content_length, std::uint32_t{0});
  auto id = layer_.send_request(now, bye, flow_);
  if (id) bye_txn_ = *id;
  state_ = State::terminating;
}

void CallController::hangup(Timestamp now) {
  switch (state_) {
    case State::established:
      send_bye(now);
      break;
    case State::calling:
      cancel_pending_ = true;  // 9.1: CANCEL only once a provisional response arrived
      break;
    case State::ringing_out: {
      SipMessage cancel = SipMessage::request(sip::MethodId::cancel, invite_->request_uri());
      if (const sip::Header* v = invite_->find(sip::HeaderId::via)) cancel.headers().push_back(*v);
      cancel.add(hdr::max_forwards, std::uint8_t{70});
      for (auto id : {sip::HeaderId::from, sip::HeaderId::to, sip::HeaderId::call_id}) {
        if (const sip::Header* h = invite_->find(id)) cancel.headers().push_back(*h);
      }
      cancel.add(hdr::cseq, sip::CSeq{invite_->header(hdr::cseq)->number, sip::MethodId::cancel});
      cancel.add(hdr::content_length, std::uint32_t{0});
      (void)layer_.send_request(now, cancel, flow_);
      state_ = State::terminating;
      break;
    }
    case State::ringing_in:
      if (remote_invite_) respond(now, remote_invite_txn_, *remote_invite_, 486, "Busy Here");
      finish(CallEvent{CallEvent::Kind::ended, 486, "Busy Here", "", "", peer_, {}, false});
      break;
    default:
      break;
  }
  drain_layer(now);
}

void CallController::finish(CallEvent ev) {
  if (state_ == State::ended) return;
  state_ = State::ended;
  ok_retransmit_at_.reset();
  events_.push_back(std::move(ev));
}

std::optional<sip::txn::LayerTransmit> CallController::poll_transmit() {
  if (auto t = layer_.poll_transmit()) return t;
  if (out_.empty()) return std::nullopt;
  auto t = std::move(out_.front());
  out_.pop_front();
  return t;
}

std::optional<CallEvent> CallController::poll_event() {
  if (events_.empty()) return std::nullopt;
  CallEvent e = std::move(events_.front());
  events_.pop_front();
  return e;
}

std::optional<Timestamp> CallController::next_timeout() const {
  auto a = layer_.next_timeout();
  if (!ok_retransmit_at_) return a;
  if (!a) return ok_retransmit_at_;
  return std::min(*a, *ok_retransmit_at_);
}

}  // namespace sotto::phone
