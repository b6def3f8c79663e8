// UserAgent: REGISTER (RFC 3261 10.2): binding, refresh before expiry, 423 Min-Expires, removal.
#include <algorithm>
#include <charconv>

#include "core/sip/header_fields.hpp"
#include "core/ua/request_parts.hpp"
#include "core/ua/user_agent.hpp"

namespace sotto::ua {

using sip::SipMessage;
namespace hdr = sip::hdr;

sip::Uri UserAgent::registrar_uri() const {
  // 10.2: the Request-URI names the domain of the registrar, without userinfo.
  sip::Uri u = config_.registrar ? *config_.registrar : config_.aor;
  u.user.clear();
  u.password.reset();
  u.headers.clear();
  if (!config_.registrar) u.params = {};
  return u;
}

Status UserAgent::register_account(Timestamp now) {
  if (!config_.aor.is_sip()) return fail(Errc::invalid_argument, "AOR must be a sip: or sips: URI");
  reg_.min_expires_retried = false;
  return send_register(now, std::max(config_.register_expires, reg_.min_expires));
}

Status UserAgent::unregister(Timestamp now) {
  if (reg_.state == Registration::State::idle && reg_.call_id.empty()) {
    return fail(Errc::invalid_state, "unregister: not registered");
  }
  reg_.refresh_at.reset();
  return send_register(now, 0);
}

Status UserAgent::send_register(Timestamp now, std::uint32_t expires, AuthAttempt auth) {
  const sip::Uri ruri = registrar_uri();
  const sip::Uri next_hop = config_.outbound_proxy ? *config_.outbound_proxy : ruri;
  const std::string transport = hop_transport(next_hop);
  const LocalBinding* b = binding_for(transport);
  if (!b) return fail(Errc::invalid_state, "no local " + transport + " binding to reach registrar " + sip::serialize(next_hop));
  if (reg_.call_id.empty()) {
    reg_.call_id = random_token(*rng_, 16);
    reg_.from_tag = random_token(*rng_, 6);
  }
  if (reg_.contact.uri.host.empty() || expires != 0) {
    reg_.contact = make_contact(config_.aor, *b, config_.aor.scheme == sip::UriScheme::sips);
    if (!config_.contact_user.empty()) reg_.contact.uri.user = config_.contact_user;
  }
  reg_.requested = expires;
  reg_.state = expires == 0 ? Registration::State::unregistering : Registration::State::registering;

  SipMessage req = SipMessage::request(sip::MethodId::register_, ruri);
  req.add(hdr::max_forwards, std::uint8_t{70});
  if (config_.outbound_proxy) {
    sip::NameAddr route{"", *config_.outbound_proxy, {}};
    route.uri.params.set("lr");
    req.add(hdr::route, route);
  }
  sip::NameAddr from{config_.display_name, config_.aor, {}};
  from.params.set("tag", reg_.from_tag);
  req.add(hdr::from, from);
  req.add(hdr::to, sip::NameAddr{config_.display_name, config_.aor, {}});
  req.add(hdr::call_id, reg_.call_id);
  req.add(hdr::cseq, sip::CSeq{++reg_.cseq, sip::MethodId::register_});
  req.add(hdr::contact, sip::ContactValue{false, reg_.contact});
  req.add(hdr::expires, expires);
  add_capability_headers(req, config_);
  req.add(hdr::content_length, std::uint32_t{0});
  auto id = start_request(now, std::move(req), std::nullopt, next_hop, Purpose::register_, 0, auth);
  if (!id) return Unexpected(id.error());
  return {};
}

void UserAgent::on_register_response(Timestamp now, const ClientRequest&, Flow, const SipMessage& resp) {
  const int status = resp.status();
  if (status < 200) return;
  if (status < 300) {
    if (reg_.state == Registration::State::unregistering || reg_.requested == 0) {
      reg_.state = Registration::State::idle;
      reg_.granted = 0;
      reg_.refresh_at.reset();
      UaEvent ev;
      ev.kind = UaEvent::Kind::unregistered;
      ev.status = status;
      emit(std::move(ev));
      return;
    }
    reg_.granted = granted_expires(resp, reg_.contact.uri, reg_.requested);
    reg_.state = Registration::State::registered;
    reg_.min_expires_retried = false;
    reg_.refresh_at = now + refresh_delay(reg_.granted);
    UaEvent ev;
    ev.kind = UaEvent::Kind::registered;
    ev.status = status;
    ev.expires = reg_.granted;
    if (const sip::Header* ft = resp.find("Flow-Timer")) {  // RFC 5626 5.4: delta-seconds
      std::uint32_t v = 0;
      const auto [end, ec] = std::from_chars(ft->value.data(), ft->value.data() + ft->value.size(), v);
      if (ec == std::errc() && end == ft->value.data() + ft->value.size() && v > 0) ev.flow_timer = v;
    }
    emit(std::move(ev));
    return;
  }
  if (status == 423 && !reg_.min_expires_retried) {
    // 10.2.8: Interval Too Brief: ask again with at least Min-Expires.
    if (auto min = resp.header(hdr::min_expires); min && *min > reg_.requested) {
      reg_.min_expires_retried = true;
      reg_.min_expires = *min;
      if (send_register(now, *min)) return;  // a new request: it gets challenged afresh
    }
  }
  on_register_failure(status, resp.reason());
  if (!events_.empty()) events_.back().warning = warning_text(resp);
}

void UserAgent::on_register_failure(int status, std::string reason) {
  reg_.state = Registration::State::idle;
  reg_.refresh_at.reset();
  UaEvent ev;
  ev.kind = UaEvent::Kind::registration_failed;
  ev.status = status;
  ev.reason = std::move(reason);
  emit(std::move(ev));
}

}  // namespace sotto::ua
