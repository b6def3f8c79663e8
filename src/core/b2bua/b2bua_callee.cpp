// B2bua towards callees: one INVITE per binding with leg B's own offer (parallel forking), provisional
// responses and early media passed to the caller, the first 2xx wins and the others are cancelled (or
// sent BYE), failures mapped for the caller, ACK and BYE on leg B.
#include "core/b2bua/b2bua.hpp"
#include "core/b2bua/media.hpp"
#include "core/negotiation/answerer.hpp"
#include "core/negotiation/offerer.hpp"
#include "core/sdp/sdp.hpp"
#include "core/sip/header_fields.hpp"
#include "core/ua/request_parts.hpp"

namespace sotto::b2bua {

using sip::SipMessage;
namespace hdr = sip::hdr;

void B2bua::start_forks(Timestamp now, B2bCall& c, std::vector<registrar::Binding> bindings, const UserPolicy& callee) {
  ForkPlan plan;
  plan.side = relay::Side::b;
  if (auto mf = c.a_invite.header(hdr::max_forwards); mf && *mf > 0) plan.max_forwards = static_cast<std::uint8_t>(*mf - 1);
  if (auto caller_from = c.a_invite.header(hdr::from)) plan.from = sip::NameAddr{caller_from->display_name, caller_from->uri, {}};
  if (auto caller_to = c.a_invite.header(hdr::to)) plan.to = sip::NameAddr{caller_to->display_name, caller_to->uri, {}};
  // RFC 3261 26.2.2 / RFC 5630: a sips: Request-URI means TLS up to the callee's phone.
  plan.sips = c.a_invite.request_uri().scheme == sip::UriScheme::sips;
  plan.trunk = c.trunk_out;
  plan.trunk_caller = c.caller;
  plan.owner = ClientRequest{ClientRequest::Purpose::invite, c.handle, relay::Side::b, 0};
  // Leg B's own offer: the anchor's side-b address, fresh keys, the caller's codecs.
  const relay::AnchorAddress side_b = anchor_->local(*c.relay, relay::Side::b);
  const sdp::Direction dir = c.a_offer && first_audio(*c.a_offer) ? c.a_offer->media_direction(*first_audio(*c.a_offer))
                                                                   : sdp::Direction::sendrecv;
  plan.caps = [&](const std::string& sid) {
    return offer_caps(side_b, sid, c.a_offer ? &*c.a_offer : nullptr, config_.late_offer_codecs, dir);
  };
  std::vector<std::string> why = launch_forks(now, c.forks, std::move(bindings), callee, plan);
  bool any = false;
  for (const auto& f : c.forks) any = any || f.state != Fork::State::done;
  if (!any) {
    std::string text;
    for (std::size_t i = 0; i < why.size(); ++i) text += (i ? "; " : "") + why[i];
    incompatible_destination(now, c, text.empty() ? "no usable binding" : text);
    return;
  }
  c.no_answer_at = now + config_.no_answer_timeout;
}

std::vector<std::string> B2bua::launch_forks(Timestamp now, std::vector<Fork>& forks,
                                             std::vector<registrar::Binding> bindings, const UserPolicy& callee,
                                             const ForkPlan& plan) {
  std::vector<std::string> why;
  for (auto& b : bindings) {
    if (plan.sips && b.transport != sip::Transport::tls) {
      why.push_back(sip::serialize(b.contact) + ": a sips: call cannot reach a phone registered over " +
                    std::string(sip::transport_name(b.transport)));
      continue;
    }
    if (!callee.allows(b.transport)) {
      why.push_back(sip::serialize(b.contact) + ": registered over " + std::string(sip::transport_name(b.transport)) +
                    ", which the account does not allow");
      continue;
    }
    Fork f;
    f.index = forks.size();
    f.transport = b.transport;
    f.leg.side = plan.side;
    f.leg.policy = callee;
    f.leg.transport = b.transport;
    f.leg.signalling = negotiation::SignallingContext{b.transport == sip::Transport::tls,
                                                      std::string(sip::transport_name(b.transport))};
    f.leg.session_id = std::to_string(rng_->next_u32() >> 1);
    f.leg.next_hop = b.contact;
    if (b.flow_alive) f.leg.flow = b.flow;
    f.leg.local_contact = local_contact(b.transport, b.contact.scheme == sip::UriScheme::sips);
    // This leg's own offer: fresh keys under the callee's policy (SDES only over TLS unless that
    // policy allows it).
    auto offer = negotiation::make_offer(plan.caps(f.leg.session_id), callee.media, f.leg.signalling);
    if (!offer) {
      why.push_back(sip::serialize(b.contact) + ": " + offer.error().context);
      continue;
    }
    SipMessage inv = SipMessage::request(sip::MethodId::invite, b.contact);
    inv.add(hdr::max_forwards, plan.max_forwards);
    sip::NameAddr from = plan.from;
    from.params = {};
    from.params.set("tag", ua::random_token(*rng_, 6));
    inv.add(hdr::from, from);
    inv.add(hdr::to, plan.to);
    inv.add(hdr::call_id, ua::random_token(*rng_, 16));
    inv.add(hdr::cseq, sip::CSeq{1, sip::MethodId::invite});
    inv.add(hdr::contact, sip::ContactValue{false, f.leg.local_contact});
    (void)inv.add_raw("Allow", kAllowed);
    (void)inv.add_raw("Supported", kSupported);
    for (const auto& [name, value] : plan.extra) (void)inv.add_raw(name, value);
    inv.add(hdr::content_type, std::string("application/sdp"));
    inv.set_body(sdp::serialize(offer->sdp));
    if (plan.trunk) trunk_invite(*plan.trunk, plan.trunk_caller, inv);
    f.leg.pending = std::move(offer->pending);
    f.binding = std::move(b);
    const Hop hop = hop_for(f.leg.flow, f.leg.next_hop, f.transport);
    f.sent_flow = hop.flow;
    const std::size_t index = f.index;
    forks.push_back(std::move(f));
    ClientRequest owner = plan.owner;
    owner.fork = index;
    owner.side = plan.side;
    auto id = start_request(now, inv, hop, owner);
    Fork& sent = forks[index];
    if (!id) {
      why.push_back(sip::serialize(sent.binding.contact) + ": " + id.error().context);
      sent.state = Fork::State::done;
      sent.status = 503;
      continue;
    }
    sent.leg.invite = std::move(inv);
    sent.leg.invite_txn = *id;
  }
  return why;
}

void B2bua::on_fork_response(Timestamp now, const ClientRequest& owner, Flow flow, const SipMessage& resp) {
  B2bCall* c = call_ptr(owner.call);
  if (!c || owner.fork >= c->forks.size()) return;
  Fork& f = c->forks[owner.fork];
  const int status = resp.status();
  if (status < 200) {
    f.provisional_seen = true;
    if (!flow.is_pending()) f.provisional_flow = flow;
    if (f.cancel_wanted && !f.cancel_sent) {
      cancel_fork(now, *c, f);
      return;
    }
    if (status == 100 || c->phase != B2bCall::Phase::calling || c->a_final_sent) return;
    if (f.state == Fork::State::calling) f.state = Fork::State::early;
    f.reason = resp.reason();
    const bool early_sdp = !resp.body().empty() && c->a_offer && !c->a_answer;
    if (early_sdp) {
      // Early media (183 with SDP, RFC 3960 gateway model): leg B's answer sets the relay, and the
      // caller gets our answer now; the 200 repeats it.
      std::string error;
      if (apply_callee_answer(now, *c, f, resp, error)) {
        f.early_media = true;
        answer_caller(now, *c, 183, f);
        return;
      }
    }
    if (status == 180) {
      if (c->a_180_sent) return;
      c->a_180_sent = true;
      answer_caller(now, *c, 180, f);
      return;
    }
    answer_caller(now, *c, status, f);  // 181, 182, 183 without (usable) SDP
    return;
  }
  if (status < 300) {
    on_fork_2xx(now, *c, f, flow, resp);
    return;
  }
  if (trunk_auth_retry(now, c->trunk_out, f, resp, owner)) return;
  on_fork_failure(now, *c, f, status, resp.reason(), f.warning.empty() ? ua::warning_text(resp) : f.warning);
}

bool B2bua::apply_callee_answer(Timestamp now, B2bCall& c, Fork& f, const SipMessage& resp, std::string& error) {
  if (!f.leg.pending) {
    error = "no offer pending on leg B";
    return false;
  }
  if (resp.body().empty()) {
    error = "2xx without an SDP answer";
    return false;
  }
  auto answer = sdp::parse_sdp(resp.body());
  if (!answer) {
    error = "SDP answer: " + answer.error().context;
    return false;
  }
  auto done = negotiation::apply_answer(*f.leg.pending, *answer, f.leg.policy.media);
  if (!done) {
    error = done.error().context;
    return false;
  }
  auto m = negotiation::first_accepted(done->media);
  if (!m) {
    error = "the callee accepted no media stream";
    return false;
  }
  if (auto st = set_leg(now, c, relay::Side::b, *m, done->session); !st) {
    error = "media relay (leg B): " + st.error().context;
    return false;
  }
  f.leg.session = done->session;
  f.leg.media = *m;
  if (!c.a_offer || c.a_answer) return true;
  // Our answer to the caller: its own keys under its own policy, the codecs the callee kept.
  const std::optional<std::size_t> audio = first_audio(*c.a_offer);
  if (!audio) {
    error = "the caller offered no audio stream";
    return false;
  }
  const std::size_t ai = *audio;
  auto caps = answer_caps(anchor_->local(*c.relay, relay::Side::a), c.a.session_id, codecs_of(c.a_offer->media[ai]),
                          m->stream, sdp::invert(m->stream.direction));
  auto out = negotiation::make_answer(*c.a_offer, caps, c.a.policy.media, c.a.signalling);
  if (!out) {
    error = "answer to the caller: " + out.error().context;
    return false;
  }
  if (auto* r = std::get_if<negotiation::Rejection>(&*out)) {
    error = "answer to the caller: " + r->text;
    return false;
  }
  auto& a = std::get<negotiation::Answer>(*out);
  auto am = negotiation::first_accepted(a.media);
  if (!am) {
    error = "answer to the caller: no media stream";
    return false;
  }
  if (auto st = set_leg(now, c, relay::Side::a, *am, a.session); !st) {
    error = "media relay (leg A): " + st.error().context;
    return false;
  }
  c.a.session = a.session;
  c.a.media = *am;
  c.a_answer = std::move(a);
  return true;
}

Status B2bua::set_leg(Timestamp now, B2bCall& c, relay::Side side, const negotiation::SecureMedia& m,
                      const negotiation::NegotiatedSession& s) {
  if (!c.relay) return fail(Errc::invalid_state, "no relay for this call");
  return anchor_->set_leg(now, *c.relay, side, leg_media(m, s));
}

void B2bua::on_fork_2xx(Timestamp now, B2bCall& c, Fork& f, Flow flow, const SipMessage& resp) {
  auto cseq = resp.header(hdr::cseq);
  if (!cseq) return;
  if (f.leg.ack && f.leg.acked_cseq == cseq->number) {
    send_ack(f.leg, cseq->number);  // a retransmitted 2xx: our ACK was lost (13.2.2.4)
    return;
  }
  auto d = dialog::Dialog::from_uac(f.leg.invite, resp, f.leg.local_contact);
  if (!d) {
    on_fork_failure(now, c, f, 502, "Bad Gateway", "unusable 2xx: " + d.error().context);
    return;
  }
  f.leg.dialog = std::move(*d);
  if (!flow.is_pending()) f.leg.flow = flow;
  send_ack(f.leg, cseq->number);
  if (c.winner || c.phase != B2bCall::Phase::calling || c.a_final_sent) {
    // A second 2xx (another fork), or the call was cancelled / timed out meanwhile: end this dialog.
    f.state = Fork::State::done;
    send_bye(now, c, f.leg);
    return;
  }
  c.winner = f.index;
  f.state = Fork::State::answered;
  cancel_forks(now, c, f.index);
  std::string error;
  if (!apply_callee_answer(now, c, f, resp, error)) {
    send_bye(now, c, f.leg);
    incompatible_destination(now, c, error);
    return;
  }
  f.leg.pending.reset();
  if (!c.a_offer) {
    // Late offer (docs/B2BUA.md): our 200 to the caller carries an offer with the codecs the callee
    // accepted; the caller answers in its ACK.
    const auto& stream = f.leg.media->stream;
    std::vector<sdp::CodecCapability> codecs;
    for (const auto& cc : config_.late_offer_codecs) codecs.push_back(cc);
    auto caps = answer_caps(anchor_->local(*c.relay, relay::Side::a), c.a.session_id, codecs, stream,
                            sdp::invert(stream.direction));
    auto offer = negotiation::make_offer(caps, c.a.policy.media, c.a.signalling);
    if (!offer) {
      send_bye(now, c, f.leg);
      fail_call(now, c, 488, "Not Acceptable Here", CallResult::rejected,
                {{"Warning", "399 sotto " + negotiation::quote_warn_text("offer to the caller: " + offer.error().context)}});
      return;
    }
    c.a_late_offer = std::move(offer->pending);
  }
  c.record.answered = now;
  c.phase = B2bCall::Phase::answering;
  emit(B2buaEvent{B2buaEvent::Kind::call_answered, c.handle, c.record});
  answer_caller(now, c, 200, f);
}

void B2bua::on_fork_failure(Timestamp now, B2bCall& c, Fork& f, int status, std::string reason, std::string warning) {
  if (f.state == Fork::State::done || f.state == Fork::State::answered) return;
  f.state = Fork::State::done;
  f.status = status;
  f.reason = std::move(reason);
  f.warning = std::move(warning);
  if (c.winner || c.a_final_sent || c.phase != B2bCall::Phase::calling) return;
  if (forks_done(c)) all_forks_failed(now, c);
}

bool B2bua::forks_done(const B2bCall& c) const {
  for (const auto& f : c.forks) {
    if (f.state != Fork::State::done) return false;
  }
  return true;
}

void B2bua::all_forks_failed(Timestamp now, B2bCall& c) {
  // RFC 3261 16.7 step 6, simplified: a 6xx wins, then a busy, then the lowest class.
  const Fork* best = nullptr;
  const auto rank = [](int s) { return s >= 600 ? 0 : s == 486 ? 1 : s == 488 ? 2 : 3 + s / 100; };
  for (const auto& f : c.forks) {
    if (!best || rank(f.status) < rank(best->status)) best = &f;
  }
  if (!best) return incompatible_destination(now, c, "no binding answered");
  const int s = best->status;
  const std::vector<std::pair<std::string, std::string>> warn =
      best->warning.empty() ? std::vector<std::pair<std::string, std::string>>{}
                            : std::vector<std::pair<std::string, std::string>>{
                                  {"Warning", "399 sotto " + negotiation::quote_warn_text("callee: " + best->warning)}};
  if (s == 488 || s == 606) {
    // The callee refused leg B's offer, made under the callee's policy: it cannot meet it.
    return incompatible_destination(now, c, "callee answered " + std::to_string(s) +
                                                (best->warning.empty() ? "" : ": " + best->warning));
  }
  if (s == 486 || s == 600) return fail_call(now, c, s, s == 486 ? "Busy Here" : "Busy Everywhere", CallResult::busy, warn);
  if (s == 408 || s == 480) return fail_call(now, c, 480, "Temporarily Unavailable", CallResult::no_answer, warn);
  if (s == 487) return fail_call(now, c, 487, "Request Terminated", CallResult::cancelled);
  if (s == 503) {
    // A transport failure or the callee's own 503: never passed on as 503 (16.7 step 6).
    return fail_call(now, c, 480, "Temporarily Unavailable", CallResult::failed, warn);
  }
  if (s < 400 || s == 401 || s == 407) {
    // Redirects are not followed; the callee's own challenges are not the caller's business.
    return fail_call(now, c, 480, "Temporarily Unavailable", CallResult::rejected, warn);
  }
  fail_call(now, c, s, best->reason.empty() ? "Request Failed" : best->reason,
            s >= 500 && s < 600 ? CallResult::failed : CallResult::rejected, warn);
}

void B2bua::cancel_fork(Timestamp now, B2bCall& c, Fork& f) {
  if (f.state == Fork::State::done || f.state == Fork::State::answered || f.cancel_sent) return;
  if (!f.provisional_seen) {
    f.cancel_wanted = true;  // 9.1: not before a provisional response
    return;
  }
  // 9.1: same Request-URI, Call-ID, From, To, CSeq number and top Via as the INVITE.
  SipMessage cancel = ua::make_cancel(f.leg.invite);
  const Flow flow = f.provisional_flow ? *f.provisional_flow : f.sent_flow;
  auto id = layer_.send_request(now, cancel, flow);
  if (id) client_[*id] = ClientRequest{ClientRequest::Purpose::cancel, c.handle, relay::Side::b, f.index};
  flush_layer();
  f.cancel_sent = true;
}

void B2bua::cancel_forks(Timestamp now, B2bCall& c, std::optional<std::size_t> except) {
  for (auto& f : c.forks) {
    if (except && f.index == *except) continue;
    cancel_fork(now, c, f);
  }
}

void B2bua::send_ack(Leg& leg, std::uint32_t cseq) {
  if (!leg.dialog) return;
  if (!leg.ack || leg.acked_cseq != cseq) {
    leg.ack = leg.dialog->make_ack(cseq);
    // An ACK for an authenticated INVITE (towards a trunk) carries the same credentials (22.1).
    for (auto id : {sip::HeaderId::authorization, sip::HeaderId::proxy_authorization}) {
      if (const sip::Header* h = leg.invite.find(id)) leg.ack->headers().push_back(*h);
    }
    leg.acked_cseq = cseq;
  }
  send_direct(*leg.ack, hop_for(leg.flow, dialog_next_hop(leg), leg.transport));
}

void B2bua::send_bye(Timestamp now, B2bCall& c, Leg& leg) {
  if (!leg.dialog || leg.dialog->state() == dialog::Dialog::State::terminated) return;
  SipMessage bye = leg.dialog->make_request(sip::MethodId::bye);
  leg.dialog->terminate();
  leg.ok.reset();
  (void)start_request(now, bye, hop_for(leg.flow, dialog_next_hop(leg), leg.transport),
                      ClientRequest{ClientRequest::Purpose::bye, c.handle, leg.side, 0});
}

void B2bua::on_stray_response(Timestamp, const SipMessage& resp) {
  // A 2xx retransmitted after the INVITE transaction ended (RFC 6026 Timer M): ACK it again.
  if (resp.status() < 200 || resp.status() >= 300) return;
  auto cseq = resp.header(hdr::cseq);
  auto id = dialog::dialog_id_of(resp);
  if (!cseq || !id || cseq->method != sip::MethodId::invite) return;
  for (auto& [h, c] : calls_) {
    for (auto& f : c.forks) {
      if (f.leg.dialog && f.leg.dialog->id() == *id && f.leg.ack && f.leg.acked_cseq == cseq->number) {
        send_ack(f.leg, cseq->number);
        return;
      }
    }
    // A transfer target that took side a over (our INVITE to it).
    if (c.a.dialog && c.a.dialog->id() == *id && c.a.ack && c.a.acked_cseq == cseq->number) {
      send_ack(c.a, cseq->number);
      return;
    }
  }
}

}  // namespace sotto::b2bua
