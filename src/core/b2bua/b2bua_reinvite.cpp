// B2bua re-INVITEs (RFC 3261 14, RFC 3264 8): an offer from one leg (hold, resume, new address, rekey)
// becomes our re-offer on the other leg, with that leg's keys kept (RFC 4568 7.1.4: each leg's keys
// are its own, so a peer that rekeys changes only its own leg); the other leg's answer sets the relay
// and our answer to the requester.
#include "core/b2bua/b2bua.hpp"
#include "core/b2bua/b2bua_responses.hpp"
#include "core/b2bua/media.hpp"
#include "core/negotiation/answerer.hpp"
#include "core/negotiation/offerer.hpp"
#include "core/sdp/sdp.hpp"
#include "core/sip/header_fields.hpp"
#include "core/sip/response_builder.hpp"
#include "core/ua/request_parts.hpp"

namespace sotto::b2bua {

using sip::SipMessage;
namespace hdr = sip::hdr;

using detail::warning;

void B2bua::on_reinvite(Timestamp now, TxnId id, Flow, B2bCall& c, relay::Side side, const SipMessage& req) {
  if (c.phase != B2bCall::Phase::confirmed || !c.winner) {
    respond(now, id, req, 491, "Request Pending");  // 14.2: the first INVITE is not finished
    return;
  }
  Leg& x = c.leg(side);
  Leg& y = c.leg(relay::other(side));
  if (x.ok || x.ok_offer || x.reinvite_offer || y.reinvite_out || y.reinvite_offer || x.reinvite_out) {
    respond(now, id, req, 491, "Request Pending");  // 14.2: glare
    return;
  }
  if (req.body().empty()) {
    // RFC 3261 14.2 / RFC 3264 8: we offer in the 200 what this leg has now (keys kept), the answer
    // comes in the ACK. Some PBXs send this to refresh a session; the other leg is not involved.
    const std::optional<std::size_t> i = x.session ? first_audio(x.session->local_sdp) : std::nullopt;
    if (!i) {
      respond(now, id, req, 488, "Not Acceptable Here", {}, warning("no negotiated audio stream to offer"));
      return;
    }
    auto caps = offer_caps(anchor_->local(*c.relay, x.side), x.session_id, &x.session->local_sdp,
                           config_.late_offer_codecs, x.session->local_sdp.media_direction(*i));
    auto reoffer = negotiation::make_reoffer(*x.session, caps, x.policy.media, x.signalling);
    if (!reoffer) {
      respond(now, id, req, 488, "Not Acceptable Here", {}, warning("offer in 200: " + reoffer.error().context));
      return;
    }
    auto ok = sip::make_response(req, 200, "OK");
    if (!ok) return;
    ok->add(hdr::contact, sip::ContactValue{false, x.local_contact});
    (void)ok->add_raw("Allow", kAllowed);
    ok->add(hdr::content_type, std::string("application/sdp"));
    ok->set_body(sdp::serialize(reoffer->sdp));
    x.server_txn = id;
    x.remote_invite = req;
    x.ok_offer = std::move(reoffer->pending);
    send_ok(now, x, std::move(*ok));
    scan_.insert(c.handle);  // its 2xx retransmission timer
    return;
  }
  auto offer = sdp::parse_sdp(req.body());
  if (!offer || !first_audio(*offer)) {
    respond(now, id, req, 488, "Not Acceptable Here", {},
            warning(offer ? "re-offer without an audio stream" : "malformed SDP offer: " + offer.error().context));
    return;
  }
  if (!y.session || !y.dialog) {
    respond(now, id, req, 500, "Server Internal Error", {}, warning("the other leg has no negotiated session"));
    return;
  }
  const std::size_t i = *first_audio(*offer);
  // Towards the other leg we do what the requester asked of us: it holds (sendonly), we send only.
  const sdp::Direction dir = offer->media_direction(i);
  auto reoffer = negotiation::make_reoffer(*y.session,
                                           offer_caps(anchor_->local(*c.relay, y.side), y.session_id, &*offer,
                                                      config_.late_offer_codecs, dir),
                                           y.policy.media, y.signalling);
  if (!reoffer) {
    respond(now, id, req, 488, "Not Acceptable Here", {}, warning("re-offer to the other leg: " + reoffer.error().context));
    return;
  }
  SipMessage inv = y.dialog->make_request(sip::MethodId::invite);
  (void)inv.add_raw("Allow", kAllowed);
  inv.add(hdr::content_type, std::string("application/sdp"));
  inv.set_body(sdp::serialize(reoffer->sdp));
  auto tid = start_request(now, inv, hop_for(y.flow, dialog_next_hop(y), y.transport),
                           ClientRequest{ClientRequest::Purpose::reinvite, c.handle, y.side, 0});
  if (!tid) {
    respond(now, id, req, 500, "Server Internal Error", {}, warning(tid.error().context));
    return;
  }
  x.server_txn = id;
  x.remote_invite = req;
  x.reinvite_offer = std::move(*offer);
  y.invite = std::move(inv);
  y.invite_txn = *tid;
  y.pending = std::move(reoffer->pending);
  y.reinvite_out = true;
}

void B2bua::on_reinvite_response(Timestamp now, const ClientRequest& owner, const SipMessage& resp) {
  B2bCall* cp = call_ptr(owner.call);
  if (!cp || !cp->winner || cp->phase == B2bCall::Phase::ended) return;
  B2bCall& c = *cp;
  const int status = resp.status();
  if (status < 200) return;
  Leg& y = c.leg(owner.side);
  Leg& x = c.leg(relay::other(owner.side));
  auto cseq = resp.header(hdr::cseq);
  if (status < 300 && cseq && y.ack && y.acked_cseq == cseq->number) {
    send_ack(y, cseq->number);  // retransmitted 2xx
    return;
  }
  if (!y.reinvite_out) return;
  y.reinvite_out = false;
  const auto refuse_x = [&](int st, std::string reason, std::vector<std::pair<std::string, std::string>> extra) {
    if (x.reinvite_offer) respond(now, x.server_txn, x.remote_invite, st, reason, {}, std::move(extra));
    x.reinvite_offer.reset();
    y.pending.reset();
  };
  if (status >= 300) {
    // The other leg refused: so is the requester, and the session goes on as before (14.1).
    std::vector<std::pair<std::string, std::string>> extra;
    if (const sip::Header* w = resp.find(sip::HeaderId::warning)) extra.emplace_back("Warning", w->value);
    refuse_x(status == 491 ? 491 : status >= 500 ? 500 : status, status == 491 ? "Request Pending" : resp.reason(), extra);
    if (status == 481 || status == 408) {
      // 12.2.1.2: that dialog is gone: end the call.
      finish(now, c, CallResult::answered, 200, "re-INVITE: other leg answered " + std::to_string(status));
      send_bye(now, c, x);
      end_call(now, c);
    }
    return;
  }
  if (y.dialog) y.dialog->on_response(resp);
  if (cseq) send_ack(y, cseq->number);
  std::string error;
  std::optional<negotiation::Negotiated> done;
  if (!y.pending) {
    error = "no re-offer pending";
  } else if (auto answer = sdp::parse_sdp(resp.body()); !answer) {
    error = "SDP answer: " + answer.error().context;
  } else if (auto n = negotiation::apply_answer(*y.pending, *answer, y.policy.media); !n) {
    error = n.error().context;
  } else {
    done = std::move(*n);
  }
  std::optional<negotiation::SecureMedia> ym = done ? negotiation::first_accepted(done->media) : std::nullopt;
  if (done && !ym) error = "the other leg accepted no media stream";
  if (ym) {
    if (auto st = set_leg(now, c, y.side, *ym, done->session); !st) error = "media relay: " + st.error().context;
  }
  if (!error.empty()) {
    // Never fail open: the other leg's answer is unusable, so the call ends.
    refuse_x(488, "Not Acceptable Here", warning(error));
    finish(now, c, CallResult::answered, 200, "re-INVITE failed: " + error);
    send_bye(now, c, x);
    send_bye(now, c, y);
    end_call(now, c);
    return;
  }
  y.session = done->session;
  y.media = *ym;
  y.pending.reset();
  if (!x.reinvite_offer || !x.session) return;
  const sdp::SessionDescription& offer = *x.reinvite_offer;
  auto caps = answer_caps(anchor_->local(*c.relay, x.side), x.session_id, codecs_of(offer.media[*first_audio(offer)]),
                          ym->stream, sdp::invert(ym->stream.direction));
  auto out = negotiation::make_answer(offer, caps, x.policy.media, x.signalling, *x.session);
  if (!out) {
    refuse_x(500, "Server Internal Error", warning(out.error().context));
    return;
  }
  if (auto* r = std::get_if<negotiation::Rejection>(&*out)) {
    refuse_x(r->status, r->reason_phrase, {{"Warning", r->warning}});
    return;
  }
  auto& a = std::get<negotiation::Answer>(*out);
  auto xm = negotiation::first_accepted(a.media);
  if (!xm) {
    refuse_x(488, "Not Acceptable Here", warning("no media stream left"));
    return;
  }
  if (auto st = set_leg(now, c, x.side, *xm, a.session); !st) {
    refuse_x(488, "Not Acceptable Here", warning("media relay: " + st.error().context));
    return;
  }
  x.session = a.session;
  x.media = *xm;
  auto ok = sip::make_response(x.remote_invite, 200, "OK");
  x.reinvite_offer.reset();
  if (!ok) return;
  ok->add(hdr::contact, sip::ContactValue{false, x.local_contact});
  (void)ok->add_raw("Allow", kAllowed);
  ok->add(hdr::content_type, std::string("application/sdp"));
  ok->set_body(sdp::serialize(a.sdp));
  send_ok(now, x, std::move(*ok));
  scan_.insert(c.handle);  // its 2xx retransmission timer
}

}  // namespace sotto::b2bua
