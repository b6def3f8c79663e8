// CallController: requests from the peer — a new INVITE, re-INVITE, ACK, BYE, CANCEL, OPTIONS, INFO.
#include <variant>

#include "core/sdp/sdp.hpp"
#include "core/sip/header_fields.hpp"
#include "core/sip/response_builder.hpp"
#include "phone/call_controller.hpp"

namespace sotto::phone {

namespace hdr = sip::hdr;
using sip::SipMessage;

void CallController::respond(Timestamp now, sip::txn::TxnId id, const SipMessage& req, int status,
                             std::string_view reason, const std::string& body, const std::string& warning) {
  const bool dialog_creating = req.method() == sip::MethodId::invite && status > 100;
  auto r = sip::make_response(req, status, reason, dialog_creating || (dialog_ && status >= 200) ? local_tag_ : "");
  if (!r) return;
  if (!warning.empty()) (void)r->add_raw("Warning", warning);
  if (req.method() == sip::MethodId::invite && status >= 180 && status < 300) {
    r->add(hdr::contact, sip::ContactValue{false, contact_for(req.request_uri())});
  }
  if (status == 405 || req.method() == sip::MethodId::options || (status >= 200 && status < 300 && req.method() == sip::MethodId::invite)) {
    (void)r->add_raw("Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO");
  }
  if (!body.empty()) {
    (void)r->add_raw("Content-Type", "application/sdp");
    r->set_body(body);
  }
  if (status >= 200 && status < 300 && req.method() == sip::MethodId::invite && !flow_.reliable) {
    our_ok_ = *r;
    ok_first_sent_ = now;
    ok_interval_ = std::chrono::milliseconds(500);
    ok_retransmit_at_ = now + ok_interval_;
  }
  (void)layer_.send_response(now, id, *r);
}

void CallController::on_request(Timestamp now, sip::txn::TxnId id, Flow flow, SipMessage req) {
  const sip::MethodId m = req.method().id();
  if (m == sip::MethodId::ack) {
    ok_retransmit_at_.reset();  // 13.3.1.4: the ACK stops the 2xx retransmissions
    return;
  }
  const auto to = req.header(hdr::to);
  const bool in_dialog = to && to->tag().has_value();
  if (m == sip::MethodId::invite && !in_dialog) {
    if (state_ != State::idle) {
      respond(now, id, req, 486, "Busy Here");
      return;
    }
    flow_ = flow;
    on_incoming_invite(now, id, std::move(req));
    return;
  }
  if (m == sip::MethodId::options && !in_dialog) {
    respond(now, id, req, 200, "OK");
    return;
  }
  if (m == sip::MethodId::cancel) {
    respond(now, id, req, 200, "OK");
    if (state_ == State::ringing_in && remote_invite_) {
      respond(now, remote_invite_txn_, *remote_invite_, 487, "Request Terminated");
      finish(CallEvent{CallEvent::Kind::ended, 487, "Request Terminated", "", "the caller cancelled", peer_, {}, true});
    }
    return;
  }
  // Everything else belongs to our dialog.
  auto did = dialog::dialog_id_of(req);
  if (!dialog_ || !did || did->call_id != dialog_->id().call_id || did->local_tag != dialog_->id().local_tag) {
    respond(now, id, req, 481, "Call/Transaction Does Not Exist");
    return;
  }
  if (Status st = dialog_->on_request(req); !st) {
    respond(now, id, req, 500, "Server Internal Error", {}, "399 sotto \"" + st.error().context + "\"");
    return;
  }
  switch (m) {
    case sip::MethodId::bye:
      respond(now, id, req, 200, "OK");
      finish(CallEvent{CallEvent::Kind::ended, 0, "", "", "", peer_, {}, true});
      break;
    case sip::MethodId::invite:
      on_reinvite(now, id, req);
      break;
    case sip::MethodId::options:
    case sip::MethodId::info:
      respond(now, id, req, 200, "OK");
      break;
    default:
      respond(now, id, req, 405, "Method Not Allowed");
      break;
  }
}

void CallController::on_incoming_invite(Timestamp now, sip::txn::TxnId id, SipMessage req) {
  remote_invite_ = req;
  remote_invite_txn_ = id;
  rtp_port_ = answer_rtp_port_;
  if (auto from = req.header(hdr::from)) peer_ = sip::serialize(from->uri);
  events_.push_back(CallEvent{CallEvent::Kind::incoming, 0, "", "", "", peer_, {}, true});
  auto offer = sdp::parse_sdp(req.body());
  if (!offer) {
    respond(now, id, req, 488, "Not Acceptable Here", {}, "399 sotto \"unreadable SDP offer: " + offer.error().context + "\"");
    finish(CallEvent{CallEvent::Kind::failed, 488, "Not Acceptable Here", "", "unreadable SDP offer: " + offer.error().message(), peer_, {}, true});
    return;
  }
  negotiation::SignallingContext sig{secure_, cfg_.via_transport};
  auto outcome = negotiation::make_answer(*offer, capabilities(answer_rtp_port_, sdp::Direction::sendrecv), cfg_.media, sig);
  if (!outcome) {
    respond(now, id, req, 500, "Server Internal Error");
    finish(CallEvent{CallEvent::Kind::failed, 500, "Server Internal Error", "", outcome.error().message(), peer_, {}, true});
    return;
  }
  if (auto* rej = std::get_if<negotiation::Rejection>(&*outcome)) {
    respond(now, id, req, rej->status, rej->reason_phrase, {}, rej->warning);
    finish(CallEvent{CallEvent::Kind::failed, rej->status, rej->reason_phrase, rej->warning, rej->message, peer_, {}, true});
    return;
  }
  auto& answer = std::get<negotiation::Answer>(*outcome);
  auto d = dialog::Dialog::from_uas(req, local_tag_, contact_for(req.request_uri()));
  if (!d) {
    respond(now, id, req, 400, "Bad Request", {}, "399 sotto \"" + d.error().context + "\"");
    finish(CallEvent{CallEvent::Kind::failed, 400, "Bad Request", "", d.error().message(), peer_, {}, true});
    return;
  }
  dialog_ = std::move(*d);
  respond(now, id, req, 180, "Ringing");
  state_ = State::ringing_in;
  events_.push_back(CallEvent{CallEvent::Kind::ringing, 180, "Ringing", "", "", peer_, {}, true});
  if (!cfg_.auto_answer) return;
  respond(now, id, req, 200, "OK", sdp::serialize(answer.sdp));
  session_ = answer.session;
  state_ = State::established;
  if (answer.media.empty()) return;
  events_.push_back(CallEvent{CallEvent::Kind::answered, 200, "OK", "", "", peer_, answer.media.front(), true});
}

void CallController::on_reinvite(Timestamp now, sip::txn::TxnId id, const SipMessage& req) {
  auto offer = sdp::parse_sdp(req.body());
  if (!offer || !session_) {
    respond(now, id, req, 488, "Not Acceptable Here");
    return;
  }
  negotiation::SignallingContext sig{secure_, cfg_.via_transport};
  // Hold is the peer's business: we answer with the inverse direction (build_answer does it).
  auto outcome = negotiation::make_answer(*offer, capabilities(answer_rtp_port_, sdp::Direction::sendrecv), cfg_.media,
                                          sig, *session_);
  if (!outcome || std::holds_alternative<negotiation::Rejection>(*outcome)) {
    // RFC 3261 14.2: a refused re-INVITE leaves the session as it was.
    if (outcome) {
      const auto& rej = std::get<negotiation::Rejection>(*outcome);
      respond(now, id, req, rej.status, rej.reason_phrase, {}, rej.warning);
    } else {
      respond(now, id, req, 500, "Server Internal Error");
    }
    return;
  }
  auto& answer = std::get<negotiation::Answer>(*outcome);
  respond(now, id, req, 200, "OK", sdp::serialize(answer.sdp));
  session_ = answer.session;
  if (!answer.media.empty()) {
    events_.push_back(CallEvent{CallEvent::Kind::media_updated, 200, "OK", "", "", peer_, answer.media.front(), true});
  }
}

}  // namespace sotto::phone
