// Registrar: construction, replies, digest authentication, lookups, restore and timers. REGISTER itself is
// registrar_register.cpp.
#include "core/registrar/registrar.hpp"

#include <algorithm>

#include "core/registrar/registrar_shared.hpp"
#include "core/sip/header_fields.hpp"
#include "core/sip/response_builder.hpp"

namespace sotto::registrar {
namespace {

using namespace std::chrono_literals;
using detail::ieq;
using detail::printable;
using detail::same_key;

std::string_view strip_brackets(std::string_view h) {
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') return h.substr(1, h.size() - 2);
  return h;
}

// RFC 3263: a contact without a transport parameter is UDP (sip:) or TLS (sips:).
sip::Transport contact_transport(const sip::Uri& u) {
  if (auto t = u.transport()) {
    if (auto p = sip::parse_transport(*t)) return *p;
  }
  return u.scheme == sip::UriScheme::sips ? sip::Transport::tls : sip::Transport::udp;
}

SecureBytes secret_or_random(SecureBytes s, RandomSource& rng) {
  if (!s.empty()) return s;
  SecureBytes r(32);
  rng.fill(r.span());
  return r;
}

}  // namespace

bool directly_reachable(const Binding& b) {
  if (b.outbound || b.contact.params.has("ob") || !b.contact.is_sip()) return false;
  if (contact_transport(b.contact) == sip::Transport::udp) return true;
  const std::uint16_t port = b.contact.port.value_or(sip::default_port(contact_transport(b.contact)));
  return !(ieq(strip_brackets(b.contact.host), strip_brackets(b.source_ip)) && port == b.source_port);
}

Registrar::Registrar(RegistrarConfig config, const Accounts& accounts, RandomSource& rng)
    : config_(std::move(config)),
      accounts_(accounts),
      rng_(rng),
      digest_(DigestServerConfig{config_.realm, config_.nonce_lifetime, config_.max_tracked_nonces},
              secret_or_random(std::move(config_.secret), rng)),
      throttle_(config_.throttle) {}

bool Registrar::is_local(const sip::Uri& uri) const {
  if (!uri.is_sip()) return false;
  const std::string_view host = strip_brackets(uri.host);
  for (const auto& d : config_.domains) {
    if (ieq(host, strip_brackets(d))) return true;
  }
  for (const auto& a : config_.addresses) {
    if (ieq(host, strip_brackets(a))) return true;
  }
  return false;
}

sip::SipMessage Registrar::reply(const sip::SipMessage& request, int status, std::string_view reason) const {
  // A stateless To tag: the same request gets the same tag (and so the same answer) every time.
  std::string seed = request.header(sip::hdr::call_id).value_or(std::string());
  if (auto from = request.header(sip::hdr::from)) seed += "\n" + std::string(from->tag().value_or(""));
  auto r = sip::make_response(request, status, reason, digest_.keyed_hex("to-tag", seed, 8));
  if (r) return std::move(*r);
  return sip::SipMessage::response(status, std::string(reason));  // not reached: `request` is a request
}

// warn-agent = hostport / pseudonym (RFC 3261 20.43): our first domain.
std::string Registrar::warn_agent() const {
  if (!config_.domains.empty() && !config_.domains.front().empty()) return printable(config_.domains.front());
  return "sotto";
}

sip::SipMessage Registrar::bad_request(const sip::SipMessage& request, std::string_view why) const {
  sip::SipMessage r = reply(request, 400, "Bad Request");
  (void)r.add_raw("Warning", "399 " + warn_agent() + " \"" + printable(why) + "\"");
  return r;
}

sip::SipMessage Registrar::challenge(Timestamp now, const RequestContext& ctx, const sip::SipMessage& request,
                                     DigestRole role, bool stale) {
  sip::SipMessage r = role == DigestRole::registrar ? reply(request, 401, "Unauthorized")
                                                    : reply(request, 407, "Proxy Authentication Required");
  bool md5_only = false;
  if (const sip::Header* ua = request.find(sip::HeaderId::user_agent)) {
    for (const std::string& prefix : config_.md5_only_user_agents) {
      if (!prefix.empty() && ua->value.starts_with(prefix)) md5_only = true;
    }
  }
  digest_.add_challenges(now, ctx.source_ip, role, stale, rng_, r, md5_only);
  return r;
}

DigestCheck Registrar::authorize(Timestamp now, const RequestContext& ctx, const sip::SipMessage& request,
                                 DigestRole role, std::optional<sip::SipMessage>& response) {
  DigestCheck c = digest_.check(now, ctx.source_ip, request, role, accounts_);
  switch (c.verdict) {
    case DigestVerdict::missing:
      ++stats_.challenges;
      response = challenge(now, ctx, request, role, false);
      break;
    case DigestVerdict::bad_credentials:
      ++stats_.auth_failed;
      throttle_.failure(now, ctx.source_ip);
      // Exactly what a request without credentials gets: nothing tells an unknown user from a wrong password.
      response = challenge(now, ctx, request, role, false);
      break;
    case DigestVerdict::stale:
      ++stats_.stale;
      response = challenge(now, ctx, request, role, true);
      break;
    case DigestVerdict::ok:
      ++stats_.auth_ok;
      throttle_.success(ctx.source_ip);
      if (c.account) response = transport_refusal(ctx, request, *c.account);
      break;
  }
  return c;
}

std::optional<sip::SipMessage> Registrar::transport_refusal(const RequestContext& ctx, const sip::SipMessage& request,
                                                            const AccountCredentials& account) {
  if (allows(account.transports, ctx.transport)) return std::nullopt;
  ++stats_.transport_refused;
  const std::string why = "Transport " + std::string(sip::transport_name(ctx.transport)) + " not allowed for this account";
  sip::SipMessage r = reply(request, 403, why);
  (void)r.add_raw("Warning", "399 " + warn_agent() + " \"" + why + "\"");
  return r;
}

AuthDecision Registrar::authenticate(Timestamp now, const RequestContext& ctx, const sip::SipMessage& request) {
  AuthDecision d;
  if (!request.is_request() || throttle_.blocked(now, ctx.source_ip)) return d;
  DigestCheck who = authorize(now, ctx, request, DigestRole::proxy, d.response);
  if (!d.response && who.verdict == DigestVerdict::ok) d.user = who.user;
  return d;
}

bool Registrar::usable(Timestamp now, const Binding& b) const {
  return b.expires > now && (b.flow_alive || directly_reachable(b));
}

std::vector<Binding> Registrar::lookup(Timestamp now, std::string_view user) const {
  std::vector<Binding> out;
  for (const Binding& b : table_.of(user)) {
    if (usable(now, b)) out.push_back(b);
  }
  return out;
}

std::optional<Binding> Registrar::lookup_gruu(Timestamp now, const sip::Uri& gruu) const {
  if (!is_local(gruu) || !gruu.params.has("gr")) return std::nullopt;
  if (auto instance = gruu.params.get("gr")) {
    for (const Binding& b : table_.of(gruu.user)) {
      if (b.instance == *instance && !b.pub_gruu.empty() && usable(now, b)) return b;
    }
    return std::nullopt;
  }
  const Binding* b = table_.by_temp_gruu(gruu.user);
  if (b && usable(now, *b)) return *b;
  return std::nullopt;
}

void Registrar::restore(Timestamp now, std::int64_t unix_now, std::vector<Binding> bindings) {
  std::vector<std::string> users;
  for (const Binding& b : bindings) {
    if (std::find(users.begin(), users.end(), b.user) == users.end()) users.push_back(b.user);
  }
  for (const std::string& user : users) {
    std::vector<Binding> working = table_.of(user);
    for (Binding& b : bindings) {
      if (b.user != user || b.expires_unix <= unix_now) continue;
      if (std::any_of(working.begin(), working.end(), [&](const Binding& w) { return same_key(w, b); })) continue;
      // A clock that jumped back, or a bad row, cannot make a binding outlive the longest grant.
      const std::int64_t left = std::min<std::int64_t>(b.expires_unix - unix_now, config_.max_expires);
      b.expires = now + std::chrono::seconds(left);
      b.expires_unix = unix_now + left;
      b.flow_alive = false;
      working.push_back(std::move(b));
    }
    table_.replace(user, std::move(working));
  }
}

std::vector<Binding> Registrar::flow_closed(sip::txn::Flow flow) { return table_.mark_flow_closed(flow); }

std::vector<BindingChange> Registrar::handle_timeout(Timestamp now) {
  if (now >= next_housekeeping_) {
    digest_.expire(now);
    throttle_.expire(now);
    next_housekeeping_ = now + 10s;
  }
  return table_.expire(now);
}

std::optional<Timestamp> Registrar::next_timeout() const {
  std::optional<Timestamp> t = table_.next_expiry();
  if (throttle_.tracked() != 0 || digest_.tracked_nonces() != 0) {
    if (!t || next_housekeeping_ < *t) t = next_housekeeping_;
  }
  return t;
}

RegistrarStats Registrar::stats() const {
  RegistrarStats s = stats_;
  s.throttle = throttle_.stats();
  s.bindings = table_.size();
  return s;
}

}  // namespace sotto::registrar
