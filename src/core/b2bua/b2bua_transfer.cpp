// B2bua transfers (docs/B2BUA.md "Transfers"), terminated here: a REFER is never passed to the other
// party. The transferor T sends REFER in its dialog of a call; the other party R stays on its leg with
// its keys; a new leg (the target's, with its own keys) takes T's side of the relay, marked new_peer so
// the relay starts fresh contexts, latching and counters there.
//   blind:     Refer-To a user or number: we call it (forks) from R's identity, as T's account may.
//   attended:  Refer-To with Replaces naming T's dialog in another call: that call's other party is
//              re-INVITEd onto this call's relay with fresh keys, its leg moves here, the other call
//              ends ("transferred").
//   replaces:  an INVITE with Replaces (RFC 3891) takes the place of a leg of ours.
// Blind transfers, NOTIFYs and the steps all share are here; attended and Replaces in b2bua_attended.cpp.
// RFC 3515 (REFER, implicit subscription, message/sipfrag NOTIFYs), RFC 4488 (Refer-Sub), RFC 3891.
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

namespace {

std::size_t idx(Side s) { return static_cast<std::size_t>(s); }

}  // namespace

std::string B2bua::party_user(const B2bCall& c, Side side) const {
  if (const auto& j = c.joined[idx(side)]) return j->user;
  return side == Side::a ? c.caller : c.callee;
}

sip::NameAddr B2bua::party_address(const B2bCall& c, Side side) const {
  if (const auto& j = c.joined_addr[idx(side)]) return *j;
  // The caller as it presented itself; the callee as the caller dialled it.
  if (auto h = side == Side::a ? c.a_invite.header(hdr::from) : c.a_invite.header(hdr::to)) {
    return sip::NameAddr{h->display_name, h->uri, {}};
  }
  return sip::NameAddr{};
}

B2bCall* B2bua::find_dialog(std::string_view call_id, std::string_view tag1, std::string_view tag2, Side& side) {
  // The tags may come in either orientation (a Replaces header names the dialog as its sender sees it).
  for (const auto& [local, remote] : {std::pair{tag1, tag2}, std::pair{tag2, tag1}}) {
    const dialog::DialogId id{std::string(call_id), std::string(local), std::string(remote)};
    B2bCall* c = call_by_dialog(id, side);
    if (!c || c->phase == B2bCall::Phase::ended) continue;
    if (!c->leg(side).dialog || c->leg(side).dialog->state() == dialog::Dialog::State::terminated) continue;
    return c;
  }
  return nullptr;
}

bool B2bua::on_departed_request(Timestamp now, TxnId id, const SipMessage& req) {
  auto did = dialog::dialog_id_of(req);
  if (!did) return false;
  if (B2bCall* found = call_with_dialog(*did)) {  // a departed leg's dialog stays indexed under its call
    B2bCall& c = *found;
    for (auto& d : c.departed) {
      if (!d.dialog || !(d.dialog->id() == *did)) continue;
      // A transferor that left: its BYE (crossing ours, or instead of ours) ends only its own dialog.
      if (req.method().id() == sip::MethodId::bye) {
        d.dialog->terminate();
        respond(now, id, req, 200, "OK");
      } else {
        respond(now, id, req, 481, "Call/Transaction Does Not Exist");
      }
      return true;
    }
  }
  return false;
}

void B2bua::on_refer(Timestamp now, TxnId id, B2bCall& c, Side side, const SipMessage& req) {
  if (c.phase != B2bCall::Phase::confirmed || !c.winner) {
    // Like a re-INVITE before the first INVITE finished (14.2): not yet.
    respond(now, id, req, 491, "Request Pending", {}, retry_later("the call is not answered yet", 2));
    return;
  }
  if (c.active_transfer()) {
    respond(now, id, req, 491, "Request Pending", {}, retry_later("a transfer of this call is in progress", 5));
    return;
  }
  Leg& t = c.leg(side);
  Leg& r = c.leg(relay::other(side));
  if (busy_with_reinvite(t) || busy_with_reinvite(r)) {
    respond(now, id, req, 491, "Request Pending", {}, retry_later("a re-INVITE of this call is in progress", 2));
    return;
  }
  // RFC 3515 2.4.1: exactly one Refer-To.
  if (!req.find(sip::HeaderId::refer_to)) {
    respond(now, id, req, 400, "Bad Request", {}, warning("REFER without Refer-To"));
    return;
  }
  auto refer_to = req.all(hdr::refer_to);
  if (!refer_to) {
    respond(now, id, req, 400, "Bad Request", {}, warning("malformed Refer-To: " + refer_to.error().context));
    return;
  }
  if (refer_to->size() != 1) {
    respond(now, id, req, 400, "Bad Request", {}, warning("more than one Refer-To"));
    return;
  }
  const sip::Uri& target = refer_to->front().uri;
  if (!target.is_sip()) {
    respond(now, id, req, 403, "Forbidden", {}, warning("Refer-To must be a sip: or sips: URI"));
    return;
  }
  bool ours = false;
  for (const auto& d : config_.domains) ours = ours || sotto::iequals(d, target.host);
  if (!ours) {
    respond(now, id, req, 403, "Forbidden", {}, warning("Refer-To: not a domain of this server: " + target.host));
    return;
  }
  // RFC 4488: Refer-Sub: false asks for no implicit subscription (no NOTIFY).
  bool subscription = true;
  if (const sip::Header* rs = req.find("Refer-Sub")) subscription = !sotto::iequals(rs->value, "false");
  if (!r.session || !r.media || r.media->rejected || !first_audio(r.session->local_sdp)) {
    respond(now, id, req, 488, "Not Acceptable Here", {}, warning("the other party has no negotiated audio to transfer"));
    return;
  }
  for (const auto& uh : target.headers) {
    if (sotto::iequals(uh.name, "Replaces")) return refer_attended(now, id, c, side, req, uh.value, subscription);
  }
  if (target.user.empty()) {
    respond(now, id, req, 400, "Bad Request", {}, warning("Refer-To names no user or number"));
    return;
  }
  // The target is routed as a new call from T's account would be: T's rights decide trunk use (never
  // from a trunk to a trunk); the target's own policy and transports apply.
  const std::string transferor = party_user(c, side);
  const bool from_trunk = transferor.starts_with("trunk:");
  std::optional<UserPolicy> policy = policies_->lookup(target.user);
  std::optional<std::size_t> trunk;
  if (!policy && !from_trunk) {
    trunk = outbound_trunk(target.user);
    if (trunk) policy = config_.trunks[*trunk].policy;
  }
  if (!policy) {
    respond(now, id, req, 404, "Not Found", {}, warning("Refer-To: no such user or number: " + target.user));
    return;
  }
  std::vector<registrar::Binding> bindings;
  if (trunk) {
    bindings.push_back(trunk_binding(*trunk, target.user));
  } else if (target.params.has("gr")) {
    if (auto g = locations_->lookup_gruu(now, target); g && g->user == target.user) bindings.push_back(std::move(*g));
  } else {
    bindings = locations_->lookup(now, target.user);
  }

  Extra extra;
  if (!subscription) extra.emplace_back("Refer-Sub", "false");
  respond(now, id, req, 202, "Accepted", {}, std::move(extra));
  Transfer& x = c.transfers.emplace_back();
  const std::size_t xi = c.transfers.size() - 1;
  x.kind = Transfer::Kind::blind;
  x.transferor = side;
  if (auto cs = req.header(hdr::cseq)) x.refer_cseq = cs->number;
  x.subscription = subscription;
  x.target_user = trunk ? trunk_user(config_.trunks[*trunk]) : target.user;
  sip::Uri to_uri = target;
  to_uri.headers.clear();
  x.target = sip::NameAddr{"", to_uri, {}};
  x.trunk = trunk;
  notify_transferor(now, c, x, 100, "Trying", false);

  ForkPlan plan;
  plan.side = side;
  plan.from = party_address(c, relay::other(side));  // the target sees who it will talk to
  plan.to = x.target;
  plan.sips = target.scheme == sip::UriScheme::sips;
  plan.trunk = trunk;
  const std::string remaining = party_user(c, relay::other(side));
  plan.trunk_caller = remaining.starts_with("trunk:") ? transferor : remaining;
  plan.owner = ClientRequest{ClientRequest::Purpose::xfer_invite, c.handle, side, 0, xi};
  plan.extra.emplace_back("Referred-By", sip::serialize(party_address(c, side)));
  // Only R's negotiated codec(s) and telephone-event, with R's payload numbers: no transcoding.
  const relay::AnchorAddress addr = anchor_->local(*c.relay, side);
  const std::vector<sdp::CodecCapability> codecs = codecs_of(r.session->local_sdp.media[*first_audio(r.session->local_sdp)]);
  const sdp::NegotiatedStream stream = r.media->stream;
  plan.caps = [&](const std::string& sid) { return answer_caps(addr, sid, codecs, stream, sdp::Direction::sendrecv); };
  std::vector<std::string> why = launch_forks(now, c.transfers[xi].forks, std::move(bindings), *policy, plan);
  Transfer& sent = c.transfers[xi];
  bool any = false;
  for (const auto& f : sent.forks) any = any || f.state != Fork::State::done;
  // The target may send media as soon as it answers, before its answer reaches us (relay: not an
  // authentication failure of T's side).
  if (any) anchor_->expect_new_peer(now + kExpectNewPeerFor, *c.relay, side);
  if (!any) {
    if (sent.forks.empty() && why.empty()) {
      transfer_failed(now, c, sent, 480, "Temporarily Unavailable");  // not registered
    } else {
      transfer_failed(now, c, sent, 503, "Service Unavailable");
    }
    return;
  }
  sent.no_answer_at = now + config_.no_answer_timeout;
}

void B2bua::on_transfer_response(Timestamp now, const ClientRequest& owner, Flow flow, const SipMessage& resp) {
  B2bCall* c = call_ptr(owner.call);
  if (!c || owner.xfer >= c->transfers.size() || owner.fork >= c->transfers[owner.xfer].forks.size()) return;
  Transfer& x = c->transfers[owner.xfer];
  Fork& f = x.forks[owner.fork];
  const int status = resp.status();
  if (status < 200) {
    f.provisional_seen = true;
    if (!flow.is_pending()) f.provisional_flow = flow;
    if (f.cancel_wanted && !f.cancel_sent) cancel_fork(now, *c, f);
    else if (f.state == Fork::State::calling) f.state = Fork::State::early;
    return;
  }
  if (status >= 300) {
    if (trunk_auth_retry(now, x.trunk, f, resp, owner)) return;
    on_transfer_fork_failure(now, *c, x, f, status, resp.reason());
    return;
  }
  auto cseq = resp.header(hdr::cseq);
  if (!cseq) return;
  if (f.leg.ack && f.leg.acked_cseq == cseq->number) {
    send_ack(f.leg, cseq->number);  // retransmitted 2xx
    return;
  }
  auto d = dialog::Dialog::from_uac(f.leg.invite, resp, f.leg.local_contact);
  if (!d) {
    on_transfer_fork_failure(now, *c, x, f, 502, "Bad Gateway");
    return;
  }
  f.leg.dialog = std::move(*d);
  index_dialog(*c, *f.leg.dialog);  // in-dialog requests from the target find this call
  if (!flow.is_pending()) f.leg.flow = flow;
  send_ack(f.leg, cseq->number);
  if (x.done || x.answered || c->phase != B2bCall::Phase::confirmed) {
    // Another fork won, the transfer failed or the call ended meanwhile.
    f.state = Fork::State::done;
    send_bye(now, *c, f.leg);
    return;
  }
  x.answered = true;
  f.state = Fork::State::answered;
  for (auto& other : x.forks) {
    if (other.index != f.index) cancel_fork(now, *c, other);
  }
  std::string error;
  std::optional<negotiation::Negotiated> done;
  if (!f.leg.pending) {
    error = "no offer pending";
  } else if (resp.body().empty()) {
    error = "2xx without an SDP answer";
  } else if (auto answer = sdp::parse_sdp(resp.body()); !answer) {
    error = "SDP answer: " + answer.error().context;
  } else if (auto n = negotiation::apply_answer(*f.leg.pending, *answer, f.leg.policy.media); !n) {
    error = n.error().context;
  } else {
    done = std::move(*n);
  }
  std::optional<negotiation::SecureMedia> m = done ? negotiation::first_accepted(done->media) : std::nullopt;
  if (done && !m) error = "the target accepted no media stream";
  // T's record with its counters as it leaves, before the relay's side starts afresh for the target.
  const LegRecord t_rec = leg_record(*c, x.transferor);
  if (m) {
    relay::LegMedia lm = leg_media(*m, done->session);
    lm.new_peer = true;
    if (auto st = anchor_->set_leg(now, *c->relay, x.transferor, lm); !st) error = "media relay: " + st.error().context;
  }
  if (!error.empty()) {
    x.answered = false;
    f.state = Fork::State::done;
    send_bye(now, *c, f.leg);
    transfer_failed(now, *c, x, 488, "Not Acceptable Here");
    return;
  }
  f.leg.session = done->session;
  f.leg.media = *m;
  f.leg.pending.reset();
  LegRecord identity;
  identity.user = x.target_user;
  identity.uri = sip::serialize(f.binding.contact);
  identity.transport = std::string(sip::transport_name(f.transport));
  identity.flow = f.leg.flow.value_or(f.sent_flow);
  identity.signalling_tls = f.transport == sip::Transport::tls;
  identity.transfer_target = true;
  sip::NameAddr addr = x.target;
  Leg leg = std::move(f.leg);
  f.leg = Leg{};
  complete_transfer(now, *c, x, std::move(leg), t_rec, std::move(identity), std::move(addr), f.transport);
}

void B2bua::on_transfer_fork_failure(Timestamp now, B2bCall& c, Transfer& x, Fork& f, int status, std::string reason) {
  if (f.state == Fork::State::done || f.state == Fork::State::answered) return;
  f.state = Fork::State::done;
  f.status = status;
  f.reason = std::move(reason);
  if (x.done || x.answered) return;
  for (const auto& other : x.forks) {
    if (other.state != Fork::State::done) return;
  }
  // As for a call (16.7 step 6, simplified): a 6xx, then busy, then the lowest class.
  const Fork* best = nullptr;
  const auto rank = [](int s) { return s >= 600 ? 0 : s == 486 ? 1 : 2 + s / 100; };
  for (const auto& o : x.forks) {
    if (!best || rank(o.status) < rank(best->status)) best = &o;
  }
  const int s = best ? best->status : 480;
  std::string why = best && !best->reason.empty() ? best->reason : "Temporarily Unavailable";
  if (s == 401 || s == 407 || s < 300) return transfer_failed(now, c, x, 480, "Temporarily Unavailable");
  transfer_failed(now, c, x, s, std::move(why));
}

void B2bua::transfer_failed(Timestamp now, B2bCall& c, Transfer& x, int status, std::string reason) {
  if (x.done) return;
  x.done = true;
  x.no_answer_at.reset();
  for (auto& f : x.forks) cancel_fork(now, c, f);
  if (c.relay) anchor_->expect_new_peer(Timestamp{}, *c.relay, x.transferor);  // nobody new is coming
  // The transferor learns the target's final status; the call goes on as it was (T may resume it).
  notify_transferor(now, c, x, status, reason, true);
  if (x.transferor_gone && c.phase != B2bCall::Phase::ended) {
    // Nobody is left to talk to the other party.
    finish(now, c, CallResult::answered, 200, "transfer failed: " + std::to_string(status) + " " + reason);
    send_bye(now, c, c.leg(relay::other(x.transferor)));
    end_call(now, c);
  }
}

void B2bua::notify_transferor(Timestamp now, B2bCall& c, Transfer& x, int status, std::string_view reason, bool final) {
  if (!x.subscription || x.subscription_dead) return;
  Leg& t = x.departed ? c.departed.at(*x.departed) : c.leg(x.transferor);
  if (!t.dialog || t.dialog->state() == dialog::Dialog::State::terminated) return;
  SipMessage n = t.dialog->make_request(sip::MethodId::notify);
  // RFC 3515 2.4.6: the id names the REFER; kept off the first one (some phones match a bare "refer").
  const std::size_t xi = static_cast<std::size_t>(&x - c.transfers.data());
  (void)n.add_raw("Event", xi == 0 || x.refer_cseq == 0 ? std::string("refer") : "refer;id=" + std::to_string(x.refer_cseq));
  (void)n.add_raw("Subscription-State", final ? "terminated;reason=noresource" : "active;expires=60");
  n.add(hdr::content_type, std::string("message/sipfrag;version=2.0"));
  n.set_body("SIP/2.0 " + std::to_string(status) + " " + std::string(reason) + "\r\n");
  (void)start_request(now, n, hop_for(t.flow, dialog_next_hop(t), t.transport),
                      ClientRequest{ClientRequest::Purpose::notify, c.handle, t.side, 0, xi});
}

void B2bua::on_notify_response(const ClientRequest& owner, int status) {
  B2bCall* c = call_ptr(owner.call);
  if (!c || owner.xfer >= c->transfers.size() || status < 300) return;
  // RFC 6665 4.1.2.3 (and 481 in particular): the subscriber is gone; no more NOTIFYs. The transfer
  // itself goes on: it is ours, not the transferor's.
  c->transfers[owner.xfer].subscription_dead = true;
}

void B2bua::complete_transfer(Timestamp now, B2bCall& c, Transfer& x, Leg leg, LegRecord transferor_record,
                              LegRecord identity, sip::NameAddr address, sip::Transport transport) {
  const Side ts = x.transferor;
  const std::size_t si = idx(ts);
  if (c.record_legs.empty()) {
    c.record_legs = {leg_record(c, Side::a), leg_record(c, Side::b)};
    c.live_slot = {0, 1};
  }
  c.record_legs[c.live_slot[si]] = std::move(transferor_record);
  // T's leg leaves the call's side; it stays reachable (NOTIFY, BYE, its BYE answered) in `departed`.
  leg.side = ts;
  if (ts == Side::a) {
    c.departed.push_back(std::move(c.a));
    c.a = std::move(leg);
  } else {
    Fork& old = c.forks.at(*c.winner);
    c.departed.push_back(std::move(old.leg));
    old.leg = Leg{};
    old.leg.side = Side::b;
    Fork nf;
    nf.index = c.forks.size();
    nf.state = Fork::State::answered;
    nf.transport = transport;
    nf.sent_flow = identity.flow;
    nf.binding.user = identity.user;
    if (auto u = sip::parse_uri(identity.uri)) nf.binding.contact = *u;
    nf.binding.transport = transport;
    nf.leg = std::move(leg);
    c.forks.push_back(std::move(nf));
    c.winner = c.forks.size() - 1;
  }
  x.departed = c.departed.size() - 1;
  identity.side = ts;
  identity.transfer_target = true;
  c.joined[si] = std::move(identity);
  c.joined_addr[si] = std::move(address);
  c.record_legs.push_back(leg_record(c, ts));
  c.live_slot[si] = c.record_legs.size() - 1;
  B2buaEvent ev{B2buaEvent::Kind::call_transferred, c.handle, c.record};
  ev.record.legs = c.record_legs;
  emit(std::move(ev));
  x.done = true;
  x.answered = true;
  x.no_answer_at.reset();
  // RFC 3515 2.4.5: the final NOTIFY, then we end T's dialog (it may have sent BYE already).
  notify_transferor(now, c, x, 200, "OK", true);
  send_bye(now, c, c.departed.at(*x.departed));
  resume_if_held(now, c, relay::other(ts));
  scan_.insert(c.handle);
}

void B2bua::resume_if_held(Timestamp now, B2bCall& c, Side side) {
  Leg& y = c.leg(side);
  if (!y.media || !y.session || !y.dialog || busy_with_reinvite(y) || y.media->rejected) return;
  // sendonly/inactive from the anchor's side: T held R before transferring, so R gets sendrecv back, its
  // keys kept (RFC 4568 7.1.4). recvonly: R holds the call itself; that is R's to undo.
  const sdp::Direction d = y.media->stream.direction;
  if (d != sdp::Direction::sendonly && d != sdp::Direction::inactive) return;
  auto caps = offer_caps(anchor_->local(*c.relay, side), y.session_id, &y.session->local_sdp, config_.late_offer_codecs,
                         sdp::Direction::sendrecv);
  auto reoffer = negotiation::make_reoffer(*y.session, caps, y.policy.media, y.signalling);
  if (!reoffer) return;
  SipMessage inv = y.dialog->make_request(sip::MethodId::invite);
  (void)inv.add_raw("Allow", kAllowed);
  inv.add(hdr::content_type, std::string("application/sdp"));
  inv.set_body(sdp::serialize(reoffer->sdp));
  auto tid = start_request(now, inv, hop_for(y.flow, dialog_next_hop(y), y.transport),
                           ClientRequest{ClientRequest::Purpose::reinvite, c.handle, side, 0});
  if (!tid) return;
  y.invite = std::move(inv);
  y.invite_txn = *tid;
  y.pending = std::move(reoffer->pending);
  y.reinvite_out = true;
}

}  // namespace sotto::b2bua
