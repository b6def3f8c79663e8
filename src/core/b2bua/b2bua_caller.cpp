// B2bua towards callers and in-dialog peers: new INVITEs (authentication, routing to the callee's
// bindings, 488 for an offer the caller's policy refuses), CANCEL (9.2), ACK, BYE, re-INVITE, and the
// responses we send on leg A.
#include "base/ascii.hpp"
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
using detail::Extra;
using detail::warning;

void B2bua::on_request(Timestamp now, TxnId id, Flow flow, const SipMessage& req) {
  const sip::MethodId m = req.method().id();
  if (m == sip::MethodId::ack) return on_ack(now, req);
  if (m == sip::MethodId::cancel) return on_cancel(now, id, req);
  auto to = req.header(hdr::to);
  if (to && to->tag()) {
    auto did = dialog::dialog_id_of(req);
    relay::Side side = relay::Side::a;
    B2bCall* c = did ? call_by_dialog(*did, side) : nullptr;
    if ((!c || c->phase == B2bCall::Phase::ended) && on_departed_request(now, id, req)) return;
    if (!c || c->phase == B2bCall::Phase::ended) {
      respond(now, id, req, 481, "Call/Transaction Does Not Exist");  // 12.2.2
      return;
    }
    on_in_dialog(now, id, flow, *c, side, req);
    return;
  }
  switch (m) {
    case sip::MethodId::invite: on_new_invite(now, id, flow, req); break;
    case sip::MethodId::options: respond(now, id, req, 200, "OK", {}, {{"Allow", std::string(kAllowed)}}); break;
    case sip::MethodId::bye:
    case sip::MethodId::info: respond(now, id, req, 481, "Call/Transaction Does Not Exist"); break;
    case sip::MethodId::refer:
      // RFC 3515 allows it, but a transfer here moves one of our calls: it must come in that call's dialog.
      respond(now, id, req, 403, "Forbidden", {}, warning("REFER is only accepted inside a call's dialog"));
      break;
    default: respond(now, id, req, 405, "Method Not Allowed", {}, {{"Allow", std::string(kAllowed)}}); break;
  }
}

void B2bua::on_new_invite(Timestamp now, TxnId id, Flow flow, const SipMessage& req) {
  registrar::RequestContext ctx = flows_[flow.id];
  // 8.2.2.3: the only extension a Require may name is replaces (RFC 3891).
  if (auto req_tags = req.all(hdr::require); req_tags && !req_tags->empty()) {
    std::vector<std::string> unsupported;
    for (const auto& t : *req_tags) {
      if (!sotto::iequals(t, "replaces")) unsupported.push_back(t);
    }
    if (!unsupported.empty()) {
      auto resp = sip::make_response(req, 420, "Bad Extension", ua::random_token(*rng_, 6));
      if (resp) {
        for (const auto& t : unsupported) resp->add(hdr::unsupported, t);
        (void)send_response(now, id, std::move(*resp));
      }
      return;
    }
  }
  if (auto mf = req.header(hdr::max_forwards); mf && *mf == 0) {
    respond(now, id, req, 483, "Too Many Hops");  // 16.3 step 3, as a proxy would
    return;
  }
  // A trunk's call (its source address, one of its numbers) is not challenged; everything else is.
  const std::optional<std::size_t> trunk_in = inbound_trunk(ctx, req);
  registrar::AuthDecision who;
  if (!trunk_in) {
    who = auth_->authenticate(now, ctx, req);
    if (who.response) {
      (void)send_response(now, id, std::move(*who.response));
      return;
    }
    if (!who.user) return;  // a blocked source: no answer at all
  }
  const std::string caller = trunk_in ? trunk_user(config_.trunks[*trunk_in]) : *who.user;
  const std::optional<UserPolicy> caller_policy =
      trunk_in ? std::optional<UserPolicy>(config_.trunks[*trunk_in].policy) : policies_->lookup(caller);
  if (!caller_policy) {
    respond(now, id, req, 403, "Forbidden", {}, warning("no policy for account " + caller));
    return;
  }
  if (!caller_policy->allows(ctx.transport)) {
    respond(now, id, req, 403, "Forbidden", {},
            warning("calls over " + std::string(sip::transport_name(ctx.transport)) + " are not allowed for this account"));
    return;
  }
  if (const sip::Header* replaces = req.find("Replaces"); replaces && !trunk_in) {
    // RFC 3891: this INVITE takes the place of one of our dialogs.
    on_invite_replaces(now, id, flow, req, caller, *caller_policy, ctx, replaces->value);
    return;
  }
  const sip::Uri& ruri = req.request_uri();
  bool ours = false;
  for (const auto& d : config_.domains) ours = ours || sotto::iequals(d, ruri.host);
  if (!ruri.is_sip() || !ours) {
    respond(now, id, req, 403, "Forbidden", {}, warning("not a domain of this server: " + ruri.host));
    return;
  }
  std::string callee = trunk_in ? trunk_callee(*trunk_in, req) : ruri.user;
  std::optional<UserPolicy> callee_policy = callee.empty() ? std::nullopt : policies_->lookup(callee);
  // A dialled number with a trunk's prefix (and no local account of that name) goes out to the trunk;
  // never for a call that came in from a trunk (no relaying between carriers).
  const std::optional<std::size_t> trunk_out =
      callee_policy || trunk_in ? std::nullopt : outbound_trunk(callee);
  if (trunk_out) callee_policy = config_.trunks[*trunk_out].policy;
  if (!callee_policy) {
    respond(now, id, req, 404, "Not Found");
    return;
  }
  std::optional<sdp::SessionDescription> offer;
  if (!req.body().empty()) {
    if (ua::media_type(req) != "application/sdp") {
      respond(now, id, req, 415, "Unsupported Media Type", {}, {{"Accept", "application/sdp"}});
      return;
    }
    auto parsed = sdp::parse_sdp(req.body());
    if (!parsed) {
      respond(now, id, req, 488, "Not Acceptable Here", {}, warning("malformed SDP offer: " + parsed.error().context));
      return;
    }
    offer = std::move(*parsed);
  }
  const negotiation::SignallingContext sig_a{ctx.secure, std::string(sip::transport_name(ctx.transport))};
  if (offer) {
    // The caller's offer under the caller's policy, before anything is set up: 488 + Warning 305
    // naming what is missing, as the phone does (core/negotiation/rejection.hpp).
    auto check = negotiation::make_answer(*offer, offer_caps({"127.0.0.1", 9}, "0", &*offer, config_.late_offer_codecs),
                                          caller_policy->media, sig_a);
    if (!check) {
      respond(now, id, req, 500, "Server Internal Error", {}, warning("caller's media policy: " + check.error().context));
      return;
    }
    if (auto* r = std::get_if<negotiation::Rejection>(&*check)) {
      respond(now, id, req, r->status, r->reason_phrase, {}, {{"Warning", r->warning}});
      return;
    }
    if (!first_audio(*offer)) {
      // Only audio is relayed; an offer without an RTP audio stream has nothing to call with.
      const negotiation::Rejection r = negotiation::reject_offer("no RTP audio stream offered");
      respond(now, id, req, r.status, r.reason_phrase, {}, {{"Warning", r.warning}});
      return;
    }
  }
  std::vector<registrar::Binding> bindings;
  if (trunk_out) {
    bindings.push_back(trunk_binding(*trunk_out, callee));
    callee = trunk_user(config_.trunks[*trunk_out]);
  } else if (ruri.params.has("gr")) {
    // RFC 5627: a GRUU names one binding (one phone), not every phone of the account.
    if (auto g = locations_->lookup_gruu(now, ruri); g && g->user == callee) bindings.push_back(std::move(*g));
  } else {
    bindings = locations_->lookup(now, callee);
  }

  const CallHandle h = next_call_++;
  B2bCall& c = calls_[h];
  c.handle = h;
  scan_.insert(h);
  c.caller = caller;
  c.callee = callee;
  c.caller_ctx = ctx;
  c.trunk_in = trunk_in;
  c.trunk_out = trunk_out;
  c.caller_ctx.flow = flow;
  c.a_invite = req;
  c.a_txn = id;
  c.a_tag = ua::random_token(*rng_, 6);
  c.a_offer = std::move(offer);
  c.a.side = relay::Side::a;
  c.a.policy = *caller_policy;
  c.a.signalling = sig_a;
  c.a.transport = ctx.transport;
  c.a.flow = flow;
  c.a.session_id = std::to_string(rng_->next_u32() >> 1);
  c.a.local_contact = local_contact(ctx.transport, ruri.scheme == sip::UriScheme::sips);
  c.a.server_txn = id;
  c.a.remote_invite = req;
  if (auto from = req.header(hdr::from)) {
    c.a.next_hop = from->uri;
    c.record.from = sip::serialize(from->uri);
  }
  if (auto contact = req.header(hdr::contact); contact && !contact->wildcard) c.a.next_hop = contact->address.uri;
  if (auto cid = req.header(hdr::call_id)) c.record.call_id = *cid;
  c.record.to = sip::serialize(ruri);
  c.record.started = now;
  server_calls_[id] = h;
  auto d = dialog::Dialog::from_uas(req, c.a_tag, c.a.local_contact);
  if (!d) {
    finish(now, c, CallResult::failed, 400, "unusable INVITE: " + d.error().context);
    respond(now, id, req, 400, "Bad Request", c.a_tag, warning(d.error().context));
    end_call(now, c);
    return;
  }
  c.a.dialog = std::move(*d);
  index_dialog(c, *c.a.dialog);
  respond(now, id, req, 100, "Trying");
  if (bindings.empty()) {
    fail_call(now, c, 480, "Temporarily Unavailable", CallResult::rejected);
    return;
  }
  auto relay = anchor_->open(now);
  if (!relay) {
    fail_call(now, c, 503, "Service Unavailable", CallResult::failed, warning("media relay: " + relay.error().context));
    return;
  }
  c.relay = *relay;
  c.record.relay = *relay;
  emit(B2buaEvent{B2buaEvent::Kind::call_started, h, c.record});
  start_forks(now, c, bindings, *callee_policy);
}

void B2bua::fail_call(Timestamp now, B2bCall& c, int status, std::string reason, CallResult result, Extra extra) {
  if (c.a_final_sent) return;
  // The record first (issue 8, section 5): the server writes it before the final response goes out.
  finish(now, c, result, status, reason);
  c.a_final_sent = true;
  respond(now, c.a_txn, c.a_invite, status, reason, c.a_tag, std::move(extra));
  end_call(now, c);
}

void B2bua::incompatible_destination(Timestamp now, B2bCall& c, std::string why) {
  cancel_forks(now, c, std::nullopt);
  if (c.a_final_sent) return;
  finish(now, c, CallResult::failed, 503, "Incompatible destination: " + why);
  c.a_final_sent = true;
  // As carriers refuse it: Q.850 cause 88 (RFC 3326).
  respond(now, c.a_txn, c.a_invite, 503, "Service Unavailable", c.a_tag,
          {{"Reason", "Q.850;cause=88;text=\"Incompatible destination\""}});
  end_call(now, c);
}

void B2bua::answer_caller(Timestamp now, B2bCall& c, int status, const Fork& f) {
  auto resp = sip::make_response(c.a_invite, status, status == 200 ? "OK" : f.reason.empty() ? "Session Progress" : f.reason,
                                 c.a_tag);
  if (!resp) return;
  ua::copy_record_route(c.a_invite, *resp);
  resp->add(hdr::contact, sip::ContactValue{false, c.a.local_contact});
  if (status == 200) {
    (void)resp->add_raw("Allow", kAllowed);
    (void)resp->add_raw("Supported", kSupported);
  }
  std::string body;
  if (c.a_answer && (status == 200 || status == 183 || f.early_media)) body = sdp::serialize(c.a_answer->sdp);
  else if (status == 200 && c.a_late_offer) body = sdp::serialize(c.a_late_offer->sdp);
  if (!body.empty()) {
    resp->add(hdr::content_type, std::string("application/sdp"));
    resp->set_body(std::move(body));
  }
  if (status >= 200) {
    c.a_final_sent = true;
    send_ok(now, c.a, std::move(*resp));
    scan_.insert(c.handle);  // its 2xx retransmission timer
  } else {
    (void)send_response(now, c.a_txn, std::move(*resp));
  }
}

void B2bua::send_ok(Timestamp now, Leg& leg, SipMessage ok) {
  if (!config_.server.empty() && !ok.find(sip::HeaderId::server)) ok.add(hdr::server, config_.server);
  (void)layer_.send_response(now, leg.server_txn, ok);
  flush_layer();
  // 13.3.1.4: the UAS core retransmits the 2xx, T1 doubling up to T2, until the ACK or 64*T1.
  leg.ok = std::move(ok);
  leg.ok_interval = config_.timers.t1;
  leg.ok_next = now + leg.ok_interval;
  leg.ack_deadline = now + 64 * config_.timers.t1;
}

void B2bua::end_call(Timestamp now, B2bCall& c) {
  c.phase = B2bCall::Phase::ended;
  c.no_answer_at.reset();
  c.a.ok.reset();
  if (c.a.dialog) c.a.dialog->terminate();
  for (auto& f : c.forks) {
    f.leg.ok.reset();
    if (f.leg.dialog) f.leg.dialog->terminate();
  }
  for (auto& x : c.transfers) {
    if (x.done) continue;
    x.done = true;
    x.no_answer_at.reset();
    for (auto& f : x.forks) cancel_fork(now, c, f);  // an answer after this gets ACK and BYE
  }
  for (auto& d : c.departed) {
    if (d.dialog) d.dialog->terminate();
  }
  // Kept for 64*T1 to ACK retransmitted 2xx and answer late requests, then purged.
  if (c.purge_at) purge_q_.erase({*c.purge_at, c.handle});
  c.purge_at = now + 64 * config_.timers.t1;
  purge_q_.insert({*c.purge_at, c.handle});
  scan_.erase(c.handle);
}

void B2bua::on_cancel(Timestamp now, TxnId id, const SipMessage& req) {
  // 9.2: the INVITE server transaction the CANCEL names.
  const TxnId invite = layer_.find_invite_for_cancel(req);
  auto it = server_calls_.find(invite);
  B2bCall* c = invite != 0 && it != server_calls_.end() ? call_ptr(it->second) : nullptr;
  if (!c) {
    respond(now, id, req, 481, "Call/Transaction Does Not Exist");
    return;
  }
  respond(now, id, req, 200, "OK", c->a_tag);
  if (c->a_final_sent) return;  // answered already: the CANCEL has no effect
  cancel_forks(now, *c, std::nullopt);
  fail_call(now, *c, 487, "Request Terminated", CallResult::cancelled);
}

void B2bua::on_ack(Timestamp now, const SipMessage& ack) {
  auto did = dialog::dialog_id_of(ack);
  relay::Side side = relay::Side::a;
  B2bCall* c = did ? call_by_dialog(*did, side) : nullptr;
  auto cseq = ack.header(hdr::cseq);
  if (!c || !cseq) return;
  Leg& leg = c->leg(side);
  if (!leg.ok) return;
  auto ok_cseq = leg.ok->header(hdr::cseq);
  if (!ok_cseq || ok_cseq->number != cseq->number) return;
  leg.ok.reset();
  if (side == relay::Side::a && c->phase == B2bCall::Phase::answering) {
    c->phase = B2bCall::Phase::confirmed;
    if (c->a_late_offer) {
      // Late offer: the caller's answer to the offer in our 200 rides in this ACK (RFC 3261 13.2.1).
      std::string error;
      if (ack.body().empty()) {
        error = "ACK without the SDP answer to our offer";
      } else if (auto sdp_answer = sdp::parse_sdp(ack.body()); !sdp_answer) {
        error = "SDP answer in ACK: " + sdp_answer.error().context;
      } else if (auto done = negotiation::apply_answer(*c->a_late_offer, *sdp_answer, leg.policy.media); !done) {
        error = done.error().context;
      } else if (auto m = negotiation::first_accepted(done->media); !m) {
        error = "the caller accepted no media stream";
      } else if (auto st = set_leg(now, *c, relay::Side::a, *m, done->session); !st) {
        error = "media relay: " + st.error().context;
      } else {
        leg.session = done->session;
        leg.media = *m;
        c->a_late_offer.reset();
      }
      if (!error.empty()) {
        finish(now, *c, CallResult::failed, 488, "caller's answer: " + error);
        send_bye(now, *c, c->a);
        send_bye(now, *c, c->b());
        end_call(now, *c);
      }
    }
  }
  if (leg.ok_offer) {
    // A re-INVITE without offer: the answer to the offer in our 200 is in this ACK.
    negotiation::PendingOffer pending = std::move(*leg.ok_offer);
    leg.ok_offer.reset();
    std::string error;
    if (ack.body().empty()) {
      error = "ACK without the SDP answer to our offer";
    } else if (auto sdp_answer = sdp::parse_sdp(ack.body()); !sdp_answer) {
      error = "SDP answer in ACK: " + sdp_answer.error().context;
    } else if (auto done = negotiation::apply_answer(pending, *sdp_answer, leg.policy.media); !done) {
      error = done.error().context;
    } else if (auto m = negotiation::first_accepted(done->media); !m) {
      error = "no media stream accepted";
    } else if (auto st = set_leg(now, *c, side, *m, done->session); !st) {
      error = "media relay: " + st.error().context;
    } else {
      leg.session = done->session;
      leg.media = *m;
    }
    if (!error.empty()) {
      // Never fail open: the session cannot go on with media we could not agree.
      finish(now, *c, CallResult::answered, 200, "re-INVITE answer in ACK: " + error);
      send_bye(now, *c, c->a);
      if (c->winner) send_bye(now, *c, c->b());
      end_call(now, *c);
    }
  }
}

void B2bua::on_in_dialog(Timestamp now, TxnId id, Flow flow, B2bCall& c, relay::Side side, const SipMessage& req) {
  Leg& leg = c.leg(side);
  if (auto st = leg.dialog->on_request(req); !st) {
    respond(now, id, req, 500, "Server Internal Error", {}, warning(st.error().context));
    return;
  }
  if (!flow.is_pending() && !dead_flows_.count(flow.id)) leg.flow = flow;
  switch (req.method().id()) {
    case sip::MethodId::bye: on_bye(now, id, c, side, req); break;
    case sip::MethodId::invite: on_reinvite(now, id, flow, c, side, req); break;
    case sip::MethodId::info: on_info(now, id, c, side, req); break;
    case sip::MethodId::refer: on_refer(now, id, c, side, req); break;
    case sip::MethodId::notify: respond(now, id, req, 481, "Subscription Does Not Exist"); break;  // we subscribe to nothing
    case sip::MethodId::options: respond(now, id, req, 200, "OK", {}, {{"Allow", std::string(kAllowed)}}); break;
    default: respond(now, id, req, 405, "Method Not Allowed", {}, {{"Allow", std::string(kAllowed)}}); break;
  }
}

void B2bua::on_bye(Timestamp now, TxnId id, B2bCall& c, relay::Side side, const SipMessage& req) {
  if (Transfer* x = c.active_transfer(); x && side == x->transferor && !x->departed) {
    // The transferor hangs up before the target answered (some phones do right after the 202): it
    // leaves, the other party waits for the target (docs/B2BUA.md "Transfers").
    respond(now, id, req, 200, "OK");
    Leg& t = c.leg(side);
    if (t.dialog) t.dialog->terminate();
    t.ok.reset();
    x->transferor_gone = true;
    return;
  }
  const bool from_caller = side == relay::Side::a;
  finish(now, c, c.record.answered ? CallResult::answered : CallResult::cancelled, c.record.answered ? 200 : 487,
         from_caller ? "BYE from caller" : "BYE from callee");
  respond(now, id, req, 200, "OK");
  if (from_caller) {
    if (c.winner) send_bye(now, c, c.b());
    cancel_forks(now, c, std::nullopt);
    if (!c.a_final_sent) {
      c.a_final_sent = true;
      respond(now, c.a_txn, c.a_invite, 487, "Request Terminated", c.a_tag);
    }
  } else {
    send_bye(now, c, c.a);
  }
  end_call(now, c);
}

void B2bua::hang_up(Timestamp now, CallHandle h, const std::string& reason) {
  B2bCall* c = call_ptr(h);
  if (c == nullptr || c->phase == B2bCall::Phase::ended) return;
  if (!c->a_final_sent) {
    cancel_forks(now, *c, std::nullopt);
    fail_call(now, *c, 503, "Service Unavailable", CallResult::failed, warning(reason));
  } else {
    finish(now, *c, c->record.answered ? CallResult::answered : CallResult::failed, c->record.answered ? 200 : c->record.status,
           reason);
    send_bye(now, *c, c->a);
    if (c->winner) send_bye(now, *c, c->b());
    end_call(now, *c);
  }
  pump(now);
}

void B2bua::on_info(Timestamp now, TxnId id, B2bCall& c, relay::Side side, const SipMessage& req) {
  respond(now, id, req, 200, "OK");
  if (c.phase != B2bCall::Phase::confirmed || !c.winner) return;
  Leg& other = c.leg(relay::other(side));
  if (!other.dialog || other.dialog->state() == dialog::Dialog::State::terminated) return;
  SipMessage info = other.dialog->make_request(sip::MethodId::info);
  if (const sip::Header* ct = req.find(sip::HeaderId::content_type)) info.headers().push_back(*ct);
  info.set_body(req.body());
  (void)start_request(now, info, hop_for(other.flow, dialog_next_hop(other), other.transport),
                      ClientRequest{ClientRequest::Purpose::info, c.handle, other.side, 0});
}

}  // namespace sotto::b2bua
