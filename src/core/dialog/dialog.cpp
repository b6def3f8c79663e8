#include "core/dialog/dialog.hpp"

#include <algorithm>

namespace sotto::dialog {
namespace {

using sip::SipMessage;
namespace hdr = sip::hdr;

Result<sip::Uri> contact_uri(const SipMessage& m) {
  auto c = m.header(hdr::contact);
  if (!c) return fail(Errc::malformed_input, "Contact: missing (a dialog needs the remote target)");
  if (c->wildcard) return fail(Errc::malformed_input, "Contact: '*' cannot be a remote target");
  return c->address.uri;
}

std::vector<sip::NameAddr> record_routes(const SipMessage& m) {
  auto rr = m.all(hdr::record_route);
  return rr ? *rr : std::vector<sip::NameAddr>{};
}

}  // namespace

Result<Dialog> Dialog::from_uac(const SipMessage& request, const SipMessage& response, sip::NameAddr local_contact) {
  auto from = request.header(hdr::from);
  auto to = response.header(hdr::to);
  auto cid = request.header(hdr::call_id);
  auto cseq = request.header(hdr::cseq);
  if (!from || !to || !cid || !cseq) return fail(Errc::malformed_input, "dialog: request or response lacks From/To/Call-ID/CSeq");
  if (!from->tag()) return fail(Errc::invalid_argument, "dialog: our request has no From tag");
  if (!to->tag()) return fail(Errc::malformed_input, "dialog: response without To tag cannot create a dialog");
  auto target = contact_uri(response);
  if (!target) return Unexpected(target.error());
  Dialog d;
  d.id_ = DialogId{*cid, std::string(*from->tag()), std::string(*to->tag())};
  d.state_ = response.status() >= 200 ? State::confirmed : State::early;
  d.secure_ = request.request_uri().scheme == sip::UriScheme::sips;
  d.local_ = *from;
  d.remote_ = *to;
  d.local_contact_ = std::move(local_contact);
  d.remote_target_ = *target;
  d.route_set_ = record_routes(response);
  std::reverse(d.route_set_.begin(), d.route_set_.end());  // 12.1.2: reverse order for the UAC
  d.local_cseq_ = cseq->number;
  return d;
}

Result<Dialog> Dialog::from_uas(const SipMessage& request, std::string local_tag, sip::NameAddr local_contact) {
  auto from = request.header(hdr::from);
  auto to = request.header(hdr::to);
  auto cid = request.header(hdr::call_id);
  auto cseq = request.header(hdr::cseq);
  if (!from || !to || !cid || !cseq) return fail(Errc::malformed_input, "dialog: request lacks From/To/Call-ID/CSeq");
  auto target = contact_uri(request);
  if (!target) return Unexpected(target.error());
  Dialog d;
  d.id_ = DialogId{*cid, std::move(local_tag), std::string(from->tag().value_or(""))};
  d.state_ = State::confirmed;
  d.secure_ = request.request_uri().scheme == sip::UriScheme::sips;
  d.local_ = *to;
  d.local_.params.set("tag", d.id_.local_tag);
  d.remote_ = *from;
  d.local_contact_ = std::move(local_contact);
  d.remote_target_ = *target;
  d.route_set_ = record_routes(request);  // 12.1.1: in order
  d.remote_cseq_ = cseq->number;
  d.local_cseq_ = 0;  // 12.1.1: empty; first request of ours picks one
  return d;
}

SipMessage Dialog::make_request(sip::Method method) {
  if (local_cseq_ == 0) local_cseq_ = 1;
  else ++local_cseq_;
  // 12.2.1.1: loose routing when the first route has ;lr, else strict routing.
  SipMessage r;
  if (route_set_.empty()) {
    r = SipMessage::request(method, remote_target_);
  } else if (route_set_.front().uri.lr()) {
    r = SipMessage::request(method, remote_target_);
    for (const auto& route : route_set_) r.add(hdr::route, route);
  } else {
    sip::Uri ruri = route_set_.front().uri;
    ruri.params.remove("method");
    r = SipMessage::request(method, ruri);
    for (std::size_t i = 1; i < route_set_.size(); ++i) r.add(hdr::route, route_set_[i]);
    r.add(hdr::route, sip::NameAddr{"", remote_target_, {}});
  }
  r.add(hdr::max_forwards, std::uint8_t{70});
  r.add(hdr::from, local_);
  r.add(hdr::to, remote_);
  r.add(hdr::call_id, id_.call_id);
  r.add(hdr::cseq, sip::CSeq{local_cseq_, method});
  r.add(hdr::contact, sip::ContactValue{false, local_contact_});
  return r;
}

SipMessage Dialog::make_ack(std::uint32_t invite_cseq) const {
  Dialog copy = *this;
  copy.local_cseq_ = invite_cseq - 1;  // make_request increments
  SipMessage ack = copy.make_request(sip::MethodId::ack);
  ack.remove(sip::HeaderId::contact);
  ack.add(hdr::content_length, std::uint32_t{0});
  return ack;
}

Status Dialog::on_request(const SipMessage& req) {
  auto cseq = req.header(hdr::cseq);
  if (!cseq) return fail(Errc::malformed_input, "CSeq: missing");
  const bool ack_or_cancel = req.method() == sip::MethodId::ack || req.method() == sip::MethodId::cancel;
  if (!ack_or_cancel) {
    if (remote_cseq_ && cseq->number <= *remote_cseq_) {
      return fail(Errc::invalid_state, "CSeq " + std::to_string(cseq->number) + " not above " +
                                           std::to_string(*remote_cseq_) + " (RFC 3261 12.2.2)");
    }
    remote_cseq_ = cseq->number;
  }
  if (req.method() == sip::MethodId::invite || req.method() == sip::MethodId::update) {
    if (auto c = contact_uri(req)) remote_target_ = *c;
  }
  if (req.method() == sip::MethodId::bye) state_ = State::terminated;
  return {};
}

void Dialog::on_response(const SipMessage& resp) {
  if (resp.status() < 200 || resp.status() >= 300) return;
  if (state_ == State::early) state_ = State::confirmed;
  auto cseq = resp.header(hdr::cseq);
  if (cseq && (cseq->method == sip::MethodId::invite || cseq->method == sip::MethodId::update)) {
    if (auto c = contact_uri(resp)) remote_target_ = *c;
  }
}

Result<DialogId> dialog_id_of(const SipMessage& m) {
  auto from = m.header(hdr::from);
  auto to = m.header(hdr::to);
  auto cid = m.header(hdr::call_id);
  if (!from || !to || !cid) return fail(Errc::malformed_input, "dialog id: From/To/Call-ID missing");
  // Requests we receive: From = remote, To = local. Responses we receive: From = local, To = remote.
  const bool from_is_local = m.is_response();
  std::string local = std::string((from_is_local ? from : to)->tag().value_or(""));
  std::string remote = std::string((from_is_local ? to : from)->tag().value_or(""));
  return DialogId{*cid, local, remote};
}

}  // namespace sotto::dialog
