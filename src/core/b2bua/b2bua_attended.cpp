// B2bua attended transfers (docs/B2BUA.md "Transfers"): a REFER whose Refer-To carries Replaces naming
// T's dialog in another call (that call's other party R2 is re-INVITEd onto this call's relay side with
// fresh keys and its leg moves here), and an INVITE with Replaces (RFC 3891) taking a leg of ours over.
// The blind transfer, the NOTIFYs and the common steps are in b2bua_transfer.cpp.
#include "base/ascii.hpp"
#include "core/b2bua/b2bua.hpp"
#include "core/b2bua/b2bua_responses.hpp"
#include "core/b2bua/media.hpp"
#include "core/b2bua/replaces.hpp"
#include "core/negotiation/answerer.hpp"
#include "core/negotiation/offerer.hpp"
#include "core/sdp/sdp.hpp"
#include "core/sip/header_fields.hpp"
#include "core/sip/response_builder.hpp"
#include "core/ua/request_parts.hpp"

namespace sotto::b2bua {

using sip::SipMessage;
namespace hdr = sip::hdr;
using detail::Extra;
using detail::busy_with_reinvite;
using detail::kExpectNewPeerFor;
using detail::retry_later;
using detail::warning;
using relay::Side;

// --- attended: REFER with Replaces ---------------------------------------------------------------------

void B2bua::refer_attended(Timestamp now, TxnId id, B2bCall& c, Side side, const SipMessage& req,
                           std::string_view replaces, bool subscription) {
  auto rep = parse_replaces(replaces);
  if (!rep) {
    respond(now, id, req, 400, "Bad Request", {}, warning("Refer-To: " + rep.error().context));
    return;
  }
  Side s2 = Side::a;
  B2bCall* c2 = find_dialog(rep->call_id, rep->to_tag, rep->from_tag, s2);
  if (!c2) {
    respond(now, id, req, 403, "Forbidden", {}, warning("Refer-To: Replaces names no call of this server"));
    return;
  }
  if (c2 == &c) {
    respond(now, id, req, 400, "Bad Request", {}, warning("Refer-To: Replaces names this call"));
    return;
  }
  // T may only hand over its own other call.
  if (party_user(*c2, s2) != party_user(c, side)) {
    respond(now, id, req, 403, "Forbidden", {}, warning("Refer-To: Replaces names a call of another party"));
    return;
  }
  if (c2->phase != B2bCall::Phase::confirmed || !c2->winner || c2->active_transfer()) {
    respond(now, id, req, 491, "Request Pending", {}, retry_later("the other call is not answered or is being transferred", 2));
    return;
  }
  const Side r2side = relay::other(s2);
  Leg& r2 = c2->leg(r2side);
  if (busy_with_reinvite(r2) || busy_with_reinvite(c2->leg(s2))) {
    respond(now, id, req, 491, "Request Pending", {}, retry_later("a re-INVITE of the other call is in progress", 2));
    return;
  }
  if (!r2.session || !r2.dialog || !r2.media || r2.media->rejected) {
    respond(now, id, req, 488, "Not Acceptable Here", {}, warning("the other call has no negotiated audio"));
    return;
  }
  Leg& r1 = c.leg(relay::other(side));
  // R2 is re-INVITEd onto this call's relay side (T's) with fresh keys, with R1's codec(s) and payload
  // numbers so the relay passes R1's media unchanged.
  auto caps = answer_caps(anchor_->local(*c.relay, side), r2.session_id,
                          codecs_of(r1.session->local_sdp.media[*first_audio(r1.session->local_sdp)]), r1.media->stream,
                          sdp::Direction::sendrecv);
  auto reoffer = negotiation::make_reoffer(*r2.session, caps, r2.policy.media, r2.signalling, /*rekey=*/true);
  if (!reoffer) {
    respond(now, id, req, 488, "Not Acceptable Here", {}, warning("offer to the other call's party: " + reoffer.error().context));
    return;
  }
  Extra extra;
  if (!subscription) extra.emplace_back("Refer-Sub", "false");
  respond(now, id, req, 202, "Accepted", {}, std::move(extra));
  Transfer& x = c.transfers.emplace_back();
  const std::size_t xi = c.transfers.size() - 1;
  x.kind = Transfer::Kind::attended;
  x.transferor = side;
  if (auto cs = req.header(hdr::cseq)) x.refer_cseq = cs->number;
  x.subscription = subscription;
  x.other_call = c2->handle;
  x.other_side = r2side;
  notify_transferor(now, c, x, 100, "Trying", false);
  SipMessage inv = r2.dialog->make_request(sip::MethodId::invite);
  (void)inv.add_raw("Allow", kAllowed);
  inv.add(hdr::content_type, std::string("application/sdp"));
  inv.set_body(sdp::serialize(reoffer->sdp));
  auto tid = start_request(now, inv, hop_for(r2.flow, dialog_next_hop(r2), r2.transport),
                           ClientRequest{ClientRequest::Purpose::xfer_reinvite, c.handle, r2side, 0, xi});
  if (!tid) {
    transfer_failed(now, c, c.transfers[xi], 503, "Service Unavailable");
    return;
  }
  r2.invite = std::move(inv);
  r2.invite_txn = *tid;
  r2.pending = std::move(reoffer->pending);
  r2.reinvite_out = true;
  anchor_->expect_new_peer(now + kExpectNewPeerFor, *c.relay, side);  // R2's media may overtake its 200
  // Until R2 answers, call 2's relay sends it nothing: R2 takes our new key when it accepts the offer, and
  // a packet under the old key still on its way would then fail R2's authentication.
  if (c2->relay) anchor_->set_quiet(*c2->relay, r2side, true);
}

void B2bua::on_attended_response(Timestamp now, const ClientRequest& owner, const SipMessage& resp) {
  const int status = resp.status();
  if (status < 200) return;
  B2bCall* c = call_ptr(owner.call);
  if (!c || owner.xfer >= c->transfers.size()) return;
  Transfer& x = c->transfers[owner.xfer];
  auto cseq = resp.header(hdr::cseq);
  if (x.departed) {
    // R2's leg is ours already: a retransmitted 2xx gets the ACK again.
    Leg& moved = c->leg(x.transferor);
    if (status < 300 && cseq && moved.ack && moved.acked_cseq == cseq->number) send_ack(moved, cseq->number);
    return;
  }
  B2bCall* c2 = call_ptr(x.other_call);
  if (!c2 || c2->phase == B2bCall::Phase::ended || !c2->winner) {
    transfer_failed(now, *c, x, 481, "Call/Transaction Does Not Exist");
    return;
  }
  Leg& r2 = c2->leg(x.other_side);
  if (!r2.reinvite_out) return;
  r2.reinvite_out = false;
  if (status >= 300) {
    // R2 refused: both calls go on as they were, unless its dialog is gone (12.2.1.2).
    r2.pending.reset();
    transfer_failed(now, *c, x, status, resp.reason());
    if (c2->relay) anchor_->set_quiet(*c2->relay, x.other_side, false);  // call 2 goes on: R2 hears T again
    if (status == 481 || status == 408) {
      finish(now, *c2, CallResult::answered, 200, "re-INVITE for a transfer: other leg answered " + std::to_string(status));
      send_bye(now, *c2, c2->leg(relay::other(x.other_side)));
      end_call(now, *c2);
    }
    return;
  }
  if (r2.dialog) r2.dialog->on_response(resp);
  if (cseq) send_ack(r2, cseq->number);
  if (x.done || c->phase != B2bCall::Phase::confirmed) {
    // This call ended while R2 was being moved onto its relay: R2 has nowhere to go.
    finish(now, *c2, CallResult::answered, 200, "transfer abandoned: the other call ended");
    send_bye(now, *c2, c2->a);
    send_bye(now, *c2, c2->b());
    end_call(now, *c2);
    return;
  }
  std::string error;
  std::optional<negotiation::Negotiated> done;
  if (!r2.pending) {
    error = "no re-offer pending";
  } else if (auto answer = sdp::parse_sdp(resp.body()); !answer) {
    error = "SDP answer: " + answer.error().context;
  } else if (auto n = negotiation::apply_answer(*r2.pending, *answer, r2.policy.media); !n) {
    error = n.error().context;
  } else {
    done = std::move(*n);
  }
  r2.pending.reset();
  std::optional<negotiation::SecureMedia> m = done ? negotiation::first_accepted(done->media) : std::nullopt;
  if (done && !m) error = "no media stream accepted";
  const LegRecord t_rec = leg_record(*c, x.transferor);
  if (m) {
    relay::LegMedia lm = leg_media(*m, done->session);
    lm.new_peer = true;
    // R2 comes from call 2's relay: if it kept its key, its ROC and replay state go on (docs/RELAY.md).
    if (c2->relay) lm.continue_from = relay::LegOrigin{*c2->relay, x.other_side};
    if (auto st = anchor_->set_leg(now, *c->relay, x.transferor, lm); !st) error = "media relay: " + st.error().context;
  }
  if (!error.empty()) {
    // R2 now expects media from this call's relay that will not come: call 2 cannot go on either.
    transfer_failed(now, *c, x, 488, "Not Acceptable Here");
    finish(now, *c2, CallResult::answered, 200, "transfer failed: " + error);
    send_bye(now, *c2, c2->a);
    send_bye(now, *c2, c2->b());
    end_call(now, *c2);
    return;
  }
  r2.session = done->session;
  r2.media = *m;
  // Call 2 ends here with its own record; R2's leg (its dialog, its new keys) moves to this call.
  LegRecord identity = leg_record(*c2, x.other_side);
  const sip::NameAddr addr = party_address(*c2, x.other_side);
  const sip::Transport transport = r2.transport;
  finish(now, *c2, CallResult::answered, 200, "transferred");
  Leg moved = std::move(r2);
  if (x.other_side == Side::a) {
    c2->a = Leg{};
    c2->a.side = Side::a;
  } else {
    c2->b() = Leg{};
    c2->b().side = Side::b;
  }
  send_bye(now, *c2, c2->leg(relay::other(x.other_side)));  // T's leg of call 2
  end_call(now, *c2);
  identity.stats = relay::LegStats{};
  if (moved.dialog) index_dialog(*c, *moved.dialog);  // R2's dialog now names this call (the last add wins)
  complete_transfer(now, *c, x, std::move(moved), t_rec, std::move(identity), addr, transport);
}

// --- INVITE with Replaces (RFC 3891) ---------------------------------------------------------------------

void B2bua::on_invite_replaces(Timestamp now, TxnId id, Flow flow, const SipMessage& req, const std::string& user,
                               const UserPolicy& policy, const registrar::RequestContext& ctx, std::string_view value) {
  auto rep = parse_replaces(value);
  if (!rep) {
    respond(now, id, req, 400, "Bad Request", {}, warning(rep.error().context));
    return;
  }
  Side s = Side::a;
  B2bCall* c = find_dialog(rep->call_id, rep->to_tag, rep->from_tag, s);
  if (!c || c->phase != B2bCall::Phase::confirmed || !c->winner) {
    // RFC 3891 section 3: no such (confirmed) dialog.
    respond(now, id, req, 481, "Call/Transaction Does Not Exist", {}, warning("Replaces names no call of this server"));
    return;
  }
  if (rep->early_only) {
    respond(now, id, req, 486, "Busy Here", {}, warning("Replaces: early-only, but that call is answered"));
    return;
  }
  // Who may take a leg over: a party to that call, or someone in another call with the party whose
  // leg is replaced (it handed that party over to them: attended transfer done by the phones).
  const std::string replaced = party_user(*c, s);
  bool allowed = user == replaced || user == party_user(*c, relay::other(s));
  for (const auto& [h, other] : calls_) {
    if (allowed) break;
    if (&other == c || other.phase != B2bCall::Phase::confirmed || !other.winner) continue;
    const std::string pa = party_user(other, Side::a), pb = party_user(other, Side::b);
    allowed = (pa == user && pb == replaced) || (pb == user && pa == replaced);
  }
  if (!allowed) {
    respond(now, id, req, 403, "Forbidden", {}, warning("Replaces names a call you are not part of"));
    return;
  }
  Leg& r = c->leg(relay::other(s));
  if (c->active_transfer() || busy_with_reinvite(r) || busy_with_reinvite(c->leg(s))) {
    respond(now, id, req, 491, "Request Pending", {}, retry_later("that call is being transferred or re-negotiated", 2));
    return;
  }
  std::optional<sdp::SessionDescription> offer;
  if (!req.body().empty() && ua::media_type(req) == "application/sdp") {
    if (auto p = sdp::parse_sdp(req.body())) offer = std::move(*p);
  }
  if (!offer || !first_audio(*offer)) {
    respond(now, id, req, 488, "Not Acceptable Here", {}, warning("an INVITE with Replaces needs an SDP offer with audio"));
    return;
  }
  if (!r.session || !r.media || r.media->rejected) {
    respond(now, id, req, 488, "Not Acceptable Here", {}, warning("the other party has no negotiated audio"));
    return;
  }
  Leg leg;
  leg.side = s;
  leg.policy = policy;
  leg.transport = ctx.transport;
  leg.flow = flow;
  leg.signalling = negotiation::SignallingContext{ctx.secure, std::string(sip::transport_name(ctx.transport))};
  leg.session_id = std::to_string(rng_->next_u32() >> 1);
  leg.local_contact = local_contact(ctx.transport, req.request_uri().scheme == sip::UriScheme::sips);
  leg.server_txn = id;
  leg.remote_invite = req;
  if (auto from = req.header(hdr::from)) leg.next_hop = from->uri;
  if (auto contact = req.header(hdr::contact); contact && !contact->wildcard) leg.next_hop = contact->address.uri;
  const std::string tag = ua::random_token(*rng_, 6);
  auto d = dialog::Dialog::from_uas(req, tag, leg.local_contact);
  if (!d) {
    respond(now, id, req, 400, "Bad Request", tag, warning(d.error().context));
    return;
  }
  leg.dialog = std::move(*d);
  index_dialog(*c, *leg.dialog);
  const std::size_t ai = *first_audio(*offer);
  auto caps = answer_caps(anchor_->local(*c->relay, s), leg.session_id, codecs_of(offer->media[ai]), r.media->stream,
                          sdp::Direction::sendrecv);
  auto out = negotiation::make_answer(*offer, caps, policy.media, leg.signalling);
  if (!out) {
    respond(now, id, req, 500, "Server Internal Error", tag, warning(out.error().context));
    return;
  }
  if (auto* rj = std::get_if<negotiation::Rejection>(&*out)) {
    respond(now, id, req, rj->status, rj->reason_phrase, tag, {{"Warning", rj->warning}});
    return;
  }
  auto& a = std::get<negotiation::Answer>(*out);
  auto am = negotiation::first_accepted(a.media);
  if (!am) {
    respond(now, id, req, 488, "Not Acceptable Here", tag, warning("no media stream accepted"));
    return;
  }
  const LegRecord t_rec = leg_record(*c, s);
  relay::LegMedia lm = leg_media(*am, a.session);
  lm.new_peer = true;
  if (auto st = anchor_->set_leg(now, *c->relay, s, lm); !st) {
    respond(now, id, req, 488, "Not Acceptable Here", tag, warning("media relay: " + st.error().context));
    return;
  }
  leg.session = a.session;
  leg.media = *am;
  auto ok = sip::make_response(req, 200, "OK", tag);
  if (!ok) return;
  ua::copy_record_route(req, *ok);
  ok->add(hdr::contact, sip::ContactValue{false, leg.local_contact});
  (void)ok->add_raw("Allow", kAllowed);
  (void)ok->add_raw("Supported", kSupported);
  ok->add(hdr::content_type, std::string("application/sdp"));
  ok->set_body(sdp::serialize(a.sdp));

  Transfer& x = c->transfers.emplace_back();
  x.kind = Transfer::Kind::replaces;
  x.transferor = s;
  x.subscription = false;  // no REFER, no subscription
  LegRecord identity;
  identity.user = user;
  sip::NameAddr addr;
  if (auto from = req.header(hdr::from)) {
    identity.uri = sip::serialize(from->uri);
    addr = sip::NameAddr{from->display_name, from->uri, {}};
  }
  identity.transport = std::string(sip::transport_name(ctx.transport));
  identity.flow = flow;
  identity.signalling_tls = ctx.secure;
  complete_transfer(now, *c, x, std::move(leg), t_rec, std::move(identity), std::move(addr), ctx.transport);
  send_ok(now, c->leg(s), std::move(*ok));  // retransmitted until its ACK (13.3.1.4)
  scan_.insert(c->handle);
}

}  // namespace sotto::b2bua
