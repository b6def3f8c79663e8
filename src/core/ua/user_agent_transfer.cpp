// UserAgent as transferor (RFC 3515, RFC 5589 section 4): the REFER in the call's dialog, its 2xx, and
// the NOTIFYs of the implicit "refer" subscription (message/sipfrag, RFC 3420) until a final status.
// The subscription shares the call's dialog (RFC 5057): a NOTIFY that arrives after a BYE (a B2BUA that
// ends our leg first) is still answered and counted until the transfer is decided.
#include "core/negotiation/rejection.hpp"
#include "core/sip/header_fields.hpp"
#include "core/ua/request_parts.hpp"
#include "core/ua/user_agent.hpp"

namespace sotto::ua {

using sip::SipMessage;
using sip::txn::TxnId;
namespace hdr = sip::hdr;

Status UserAgent::transfer(Timestamp now, CallHandle h, const sip::Uri& target, TransferOptions options) {
  Call* c = call_ptr(h);
  if (!c) return fail(Errc::not_found, "transfer: no call " + std::to_string(h));
  if (c->phase != Call::Phase::confirmed || !c->dialog) {
    return fail(Errc::invalid_state, "transfer: call " + std::to_string(h) + " is not established");
  }
  if (c->transfer && !c->transfer->done) {
    return fail(Errc::invalid_state, "transfer: call " + std::to_string(h) + " already has a transfer in progress");
  }
  if (options.timeout <= Duration::zero()) return fail(Errc::invalid_argument, "transfer: timeout must be positive");
  auto refer = in_dialog_request(*c, sip::MethodId::refer);
  if (!refer) return Unexpected(refer.error());
  sip::NameAddr refer_to;
  refer_to.uri = target;
  refer->add(hdr::refer_to, refer_to);
  sip::NameAddr referred_by;  // RFC 3892: who asked for the transfer
  referred_by.display_name = config_.display_name;
  referred_by.uri = config_.aor;
  refer->add(hdr::referred_by, referred_by);
  const std::uint32_t cseq = refer->header(hdr::cseq) ? refer->header(hdr::cseq)->number : 0;
  Transfer t;
  t.target = target;
  t.refer_cseq = cseq;
  t.deadline = now + options.timeout;
  c->transfer = std::move(t);
  auto id = start_request(now, std::move(*refer), c->flow, dialog_next_hop(*c), Purpose::refer, h);
  if (!id) {
    c->transfer.reset();
    return Unexpected(id.error());
  }
  pump(now);
  return {};
}

void UserAgent::transfer_event(Call& c, UaEvent::Kind kind, int status, std::string reason) {
  if (c.transfer && status != 0) c.transfer->progress.push_back(std::to_string(status) + " " + reason);
  UaEvent ev;
  ev.kind = kind;
  ev.call = c.handle;
  ev.status = status;
  ev.reason = std::move(reason);
  emit(std::move(ev));
}

void UserAgent::on_refer_response(Timestamp, const ClientRequest& owner, const SipMessage& resp) {
  Call* c = call_ptr(owner.call);
  if (!c || !c->transfer || c->transfer->done) return;
  const int status = resp.status();
  if (status < 200) return;
  if (auto cseq = resp.header(hdr::cseq)) c->transfer->refer_cseq = cseq->number;  // after a digest retry
  if (status < 300) {
    c->transfer->accepted = true;
    transfer_event(*c, UaEvent::Kind::transfer_progress, status, resp.reason());
    return;
  }
  c->transfer->done = true;
  c->transfer->final_status = SipfragStatus{status, resp.reason()};
  transfer_event(*c, UaEvent::Kind::transfer_failed, status, resp.reason());
}

void UserAgent::on_refer_failure(CallHandle h, int status, std::string reason) {
  Call* c = call_ptr(h);
  if (!c || !c->transfer || c->transfer->done) return;
  c->transfer->done = true;
  c->transfer->final_status = SipfragStatus{status, reason};
  transfer_event(*c, UaEvent::Kind::transfer_failed, status, "REFER: " + reason);
}

void UserAgent::on_notify(Timestamp now, TxnId id, Call& c, const SipMessage& req) {
  const sip::Header* event = req.find(sip::HeaderId::event);
  if (!event || !is_refer_event(event->value)) {
    // RFC 6665 8.2.1: a package we did not subscribe to.
    respond(now, id, req, 489, "Bad Event");
    return;
  }
  if (!c.transfer) {
    respond(now, id, req, 481, "Subscription Does Not Exist");  // RFC 6665 4.1.3: we sent no REFER
    return;
  }
  if (media_type(req) != "message/sipfrag") {
    respond(now, id, req, 415, "Unsupported Media Type", {},
            "399 " + std::string(negotiation::kWarnAgent) + " " +
                negotiation::quote_warn_text("NOTIFY body must be message/sipfrag (RFC 3515 2.4.5), got '" +
                                             media_type(req) + "'"));
    return;
  }
  auto frag = parse_sipfrag_status(req.body());
  if (!frag) {
    respond(now, id, req, 400, "Bad Request", {},
            "399 " + std::string(negotiation::kWarnAgent) + " " + negotiation::quote_warn_text(frag.error().context));
    return;
  }
  respond(now, id, req, 200, "OK");
  Transfer& t = *c.transfer;
  if (t.done) return;  // a late or repeated NOTIFY after the outcome
  const sip::Header* sub = req.find(sip::HeaderId::subscription_state);
  const bool terminated = sub && sub->value.rfind("terminated", 0) == 0;
  if (frag->status >= 200) {
    t.done = true;
    t.final_status = *frag;
    transfer_event(c, frag->status < 300 ? UaEvent::Kind::transfer_succeeded : UaEvent::Kind::transfer_failed,
                   frag->status, frag->reason);
    return;
  }
  transfer_event(c, UaEvent::Kind::transfer_progress, frag->status, frag->reason);
  if (terminated) {
    // RFC 3515 2.4.7: the subscription ended, and no final status will come.
    t.done = true;
    transfer_event(c, UaEvent::Kind::transfer_failed, 0, "subscription terminated without a final status");
  }
}

void UserAgent::check_transfer_deadlines(Timestamp now) {
  for (auto& [h, c] : calls_) {
    if (!c.transfer || c.transfer->done || c.transfer->deadline > now) continue;
    c.transfer->done = true;
    transfer_event(c, UaEvent::Kind::transfer_failed, 408, "no final NOTIFY for the transfer in time");
  }
}

}  // namespace sotto::ua
