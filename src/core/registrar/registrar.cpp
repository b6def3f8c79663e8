#include "core/registrar/registrar.hpp"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <ctime>

#include "base/hex.hpp"
#include "core/sip/header_fields.hpp"
#include "core/sip/response_builder.hpp"

namespace sotto::registrar {
namespace {

using namespace std::chrono_literals;

bool ieq(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

std::string_view strip_brackets(std::string_view h) {
  if (h.size() >= 2 && h.front() == '[' && h.back() == ']') return h.substr(1, h.size() - 2);
  return h;
}

// Peer text in a reason phrase or Warning: printable ASCII without quotes or backslashes, at most 120 bytes.
std::string printable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 120)) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(u < 0x20 || u > 0x7e || c == '"' || c == '\\' ? '?' : c);
  }
  return out;
}

bool has_token(const sip::SipMessage& m, sip::HeaderId id, std::string_view token) {
  for (std::string_view v : m.values(id)) {
    if (ieq(v, token)) return true;
  }
  return false;
}

// "+sip.instance" value: "<urn:uuid:...>" (quoted) -> urn:uuid:...
std::string instance_of(const sip::Params& p) {
  auto v = p.get("+sip.instance");
  if (!v) return {};
  std::string s = sip::unquoted(*v);
  if (s.size() >= 2 && s.front() == '<' && s.back() == '>') s = s.substr(1, s.size() - 2);
  return s;
}

// RFC 5626 4.1: a URN in <>; we take any printable text without quotes, brackets or spaces.
bool valid_instance(std::string_view v) {
  if (v.empty() || v.size() > 256) return false;
  return std::all_of(v.begin(), v.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u > 0x20 && u < 0x7f && c != '"' && c != '\\' && c != '<' && c != '>';
  });
}

Result<std::uint32_t> uint_param(std::string_view v, std::string_view what, std::uint64_t max) {
  if (v.empty() || v.size() > 10) return fail(Errc::malformed_input, std::string(what) + ": expected a number");
  std::uint64_t n = 0;
  for (char c : v) {
    if (c < '0' || c > '9') return fail(Errc::malformed_input, std::string(what) + ": expected a number");
    n = n * 10 + static_cast<std::uint64_t>(c - '0');
  }
  if (n > max) return fail(Errc::malformed_input, std::string(what) + ": out of range");
  return static_cast<std::uint32_t>(n);
}

// RFC 3263: a contact without a transport parameter is UDP (sip:) or TLS (sips:).
sip::Transport contact_transport(const sip::Uri& u) {
  if (auto t = u.transport()) {
    if (auto p = sip::parse_transport(*t)) return *p;
  }
  return u.scheme == sip::UriScheme::sips ? sip::Transport::tls : sip::Transport::udp;
}

// RFC 5626 6 / RFC 5627: two contacts with instance ids are the same binding when instance (and reg-id)
// match; otherwise (one without an instance: a phone that started or stopped sending one) the contact URIs
// are compared (RFC 3261 10.3 step 7, 19.1.4).
bool same_key(const Binding& a, const Binding& b) {
  if (!a.instance.empty() && !b.instance.empty()) return a.instance == b.instance && a.reg_id == b.reg_id;
  return sip::uri_equivalent(a.contact, b.contact);
}

// What a store keys a binding on (instance and reg-id, else the contact as written): when a refresh changes it,
// the change is reported as removed + added so that the old row goes.
std::string identity(const Binding& b) {
  if (!b.instance.empty()) return "i " + b.instance + " " + std::to_string(b.reg_id);
  return "c " + sip::serialize(b.contact);
}

std::uint32_t seconds_left(Timestamp now, Timestamp until) {
  if (until <= now) return 0;
  return static_cast<std::uint32_t>(std::chrono::ceil<std::chrono::seconds>(until - now).count());
}

// SIP-date (RFC 3261 20.17, RFC 1123): "Sun, 06 Dec 2026 22:07:34 GMT".
std::string sip_date(std::int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  if (!gmtime_r(&t, &tm)) return {};
  // Names written here, not by strftime: they must not follow the process locale.
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  if (tm.tm_wday < 0 || tm.tm_wday > 6 || tm.tm_mon < 0 || tm.tm_mon > 11) return {};
  char buf[48];
  const int n = std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday], tm.tm_mday,
                              kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min, tm.tm_sec);
  if (n <= 0 || static_cast<std::size_t>(n) >= sizeof buf) return {};
  return std::string(buf, static_cast<std::size_t>(n));
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

RegisterOutcome Registrar::handle_register(Timestamp now, std::int64_t unix_now, const RequestContext& ctx,
                                           const sip::SipMessage& request) {
  RegisterOutcome out;
  if (!request.is_request()) return out;
  if (throttle_.blocked(now, ctx.source_ip)) return out;

  auto call_id = request.header(sip::hdr::call_id);
  auto cseq = request.header(sip::hdr::cseq);
  auto to = request.header(sip::hdr::to);
  if (!call_id || !cseq || !to) {
    out.response = bad_request(request, !call_id ? call_id.error().context
                                        : !cseq  ? cseq.error().context
                                                 : to.error().context);
    return out;
  }
  // 10.3 step 1: is this registrar responsible for the Request-URI's domain?
  if (!is_local(request.request_uri())) {
    out.response = reply(request, 403, "Domain Not Served Here");
    return out;
  }
  // 10.3 step 2: Require option tags we do not support.
  std::string unsupported;
  for (std::string_view tag : request.values(sip::HeaderId::require)) {
    if (ieq(tag, "outbound") || (config_.gruu && ieq(tag, "gruu"))) continue;
    if (!unsupported.empty()) unsupported += ", ";
    unsupported += printable(tag);
  }
  if (!unsupported.empty()) {
    out.response = reply(request, 420, "Bad Extension");
    (void)out.response->add_raw("Unsupported", unsupported);
    return out;
  }
  // 10.3 step 3: authentication.
  DigestCheck who = authorize(now, ctx, request, DigestRole::registrar, out.response);
  if (who.verdict == DigestVerdict::ok) out.user = who.user;
  if (out.response) return out;
  // 10.3 step 5-6: the address-of-record is ours and belongs to the authenticated user.
  if (!is_local(to->uri) || to->uri.user != who.user) {
    out.response = reply(request, 403, "Forbidden");
    return out;
  }
  const std::string& user = who.user;

  auto contacts = request.all(sip::hdr::contact);
  if (!contacts) {
    out.response = bad_request(request, contacts.error().context);
    return out;
  }
  std::optional<std::uint32_t> header_expires;
  if (request.find(sip::HeaderId::expires)) {
    auto e = request.header(sip::hdr::expires);
    if (!e) {
      out.response = bad_request(request, e.error().context);
      return out;
    }
    header_expires = *e;
  }
  const bool want_outbound = has_token(request, sip::HeaderId::supported, "outbound");
  const bool want_gruu = config_.gruu && has_token(request, sip::HeaderId::supported, "gruu");

  std::vector<Binding> working = table_.of(user);
  std::vector<BindingChange> changes;
  std::vector<bool> touched(working.size(), false);
  bool used_outbound = false;

  const bool wildcard = std::any_of(contacts->begin(), contacts->end(), [](const auto& c) { return c.wildcard; });
  if (wildcard) {
    // 10.3 step 6: "*" only alone and with Expires: 0; bindings of this Call-ID with a newer CSeq stay.
    if (contacts->size() != 1 || header_expires != std::optional<std::uint32_t>(0)) {
      out.response = bad_request(request, "Contact: * must be the only Contact and come with Expires: 0");
      return out;
    }
    std::vector<Binding> keep;
    for (const Binding& b : working) {
      if (b.call_id == *call_id && cseq->number <= b.cseq) keep.push_back(b);
      else changes.push_back({BindingChangeKind::removed, b});
    }
    working = std::move(keep);
  } else {
    for (const sip::ContactValue& c : *contacts) {
      if (!c.address.uri.is_sip()) {
        out.response = bad_request(request, "Contact: only sip: and sips: URIs can be registered");
        return out;
      }
      Binding n;
      n.user = user;
      n.contact = c.address.uri;
      n.instance = instance_of(c.address.params);
      if (c.address.params.has("+sip.instance") && !valid_instance(n.instance)) {
        out.response = bad_request(request, "Contact +sip.instance: expected \"<URN>\"");
        return out;
      }
      std::uint32_t expires = header_expires.value_or(config_.default_expires);
      if (c.address.params.has("expires")) {
        auto e = uint_param(c.address.params.get("expires").value_or(""), "Contact expires", 0xffffffffu);
        if (!e) {
          out.response = bad_request(request, e.error().context);
          return out;
        }
        expires = *e;
      }
      if (expires != 0 && expires < config_.min_expires) {
        // 10.3 step 7: the whole request fails; nothing is changed.
        out.response = reply(request, 423, "Interval Too Brief");
        out.response->add(sip::hdr::min_expires, config_.min_expires);
        return out;
      }
      expires = std::min(expires, config_.max_expires);
      if (c.address.params.has("reg-id") && !n.instance.empty() && want_outbound) {
        auto r = uint_param(c.address.params.get("reg-id").value_or(""), "Contact reg-id", 0x7fffffffu);
        if (!r || *r == 0) {
          out.response = bad_request(request, r ? "Contact reg-id: must be 1 or more" : r.error().context);
          return out;
        }
        n.reg_id = *r;
        n.outbound = true;
        // RFC 5626 6: we are not the first hop and there is no Path (which we do not support).
        if (request.count(sip::HeaderId::via) > 1) {
          out.response = reply(request, 439, "First Hop Lacks Outbound Support");
          return out;
        }
        used_outbound = true;
      }
      n.flow = ctx.flow;
      n.flow_alive = true;
      n.transport = ctx.transport;
      n.source_ip = ctx.source_ip;
      n.source_port = ctx.source_port;
      n.call_id = *call_id;
      n.cseq = cseq->number;
      n.expires = now + std::chrono::seconds(expires);
      n.expires_unix = unix_now + static_cast<std::int64_t>(expires);

      auto it = std::find_if(working.begin(), working.end(), [&](const Binding& b) { return same_key(b, n); });
      if (it != working.end()) {
        const std::size_t i = static_cast<std::size_t>(it - working.begin());
        const bool same_request = i < touched.size() && touched[i];
        if (!same_request && it->call_id == n.call_id && n.cseq <= it->cseq) {
          // 10.3 step 7: an older or repeated REGISTER of the same Call-ID must not undo a newer one.
          out.response = bad_request(request, "CSeq " + std::to_string(n.cseq) + " is not above " +
                                                  std::to_string(it->cseq) + " of this Call-ID");
          return out;
        }
        if (expires == 0) {
          changes.push_back({BindingChangeKind::removed, *it});
          working.erase(it);
          if (i < touched.size()) touched.erase(touched.begin() + static_cast<std::ptrdiff_t>(i));
          continue;
        }
        if (n.call_id == it->call_id) n.temp_gruu = it->temp_gruu;  // RFC 5627 5.3: valid while the Call-ID is
        if (identity(*it) != identity(n)) {
          changes.push_back({BindingChangeKind::removed, *it});
          *it = std::move(n);
          changes.push_back({BindingChangeKind::added, *it});
        } else {
          *it = std::move(n);
          changes.push_back({BindingChangeKind::refreshed, *it});
        }
        if (i < touched.size()) touched[i] = true;
      } else if (expires != 0) {
        working.push_back(std::move(n));
        touched.push_back(true);
        changes.push_back({BindingChangeKind::added, working.back()});
      }
    }
    if (working.size() > config_.max_bindings_per_user) {
      out.response = reply(request, 403, "Too Many Contacts");
      return out;
    }
  }

  // GRUUs (RFC 5627 3.1 public: the AOR with ;gr=<instance>; temporary: an opaque user part with ;gr).
  for (std::size_t i = 0; i < working.size(); ++i) {
    Binding& b = working[i];
    if (i >= touched.size() || !touched[i]) continue;
    if (!want_gruu || b.instance.empty()) {
      b.pub_gruu.clear();
      b.temp_gruu.clear();
      continue;
    }
    sip::Uri pub;
    pub.scheme = to->uri.scheme;
    pub.user = user;
    pub.host = to->uri.host;
    pub.params.set("gr", b.instance);
    b.pub_gruu = sip::serialize(pub);
    if (b.temp_gruu.empty()) {
      std::uint8_t r[10];
      rng_.fill(r);
      sip::Uri temp;
      temp.scheme = to->uri.scheme;
      temp.user = "tgruu." + to_hex(r);
      temp.host = to->uri.host;
      temp.params.set("gr");
      b.temp_gruu = sip::serialize(temp);
    }
  }
  // The changes carry the bindings as stored (with their GRUUs).
  for (BindingChange& ch : changes) {
    if (ch.kind == BindingChangeKind::removed) continue;
    for (const Binding& b : working) {
      if (same_key(b, ch.binding)) ch.binding = b;
    }
  }
  table_.replace(user, working);
  out.changes = std::move(changes);

  // 10.3 step 8: 200 with every current binding, and the Date (some phones set their clock from it).
  sip::SipMessage ok = reply(request, 200, "OK");
  if (std::string d = sip_date(unix_now); !d.empty()) ok.add(sip::hdr::date, d);
  for (const Binding& b : working) {
    sip::ContactValue cv;
    cv.address.uri = b.contact;
    cv.address.params.set("expires", std::to_string(seconds_left(now, b.expires)));
    if (!b.instance.empty()) cv.address.params.set("+sip.instance", "\"<" + b.instance + ">\"");
    if (b.reg_id != 0) cv.address.params.set("reg-id", std::to_string(b.reg_id));
    if (!b.pub_gruu.empty()) cv.address.params.set("pub-gruu", "\"" + b.pub_gruu + "\"");
    if (!b.temp_gruu.empty()) cv.address.params.set("temp-gruu", "\"" + b.temp_gruu + "\"");
    ok.add(sip::hdr::contact, cv);
  }
  if (used_outbound) {
    ok.add(sip::hdr::require, std::string("outbound"));
    if (config_.flow_timer != 0 && sip::is_reliable(ctx.transport)) {
      (void)ok.add_raw("Flow-Timer", std::to_string(config_.flow_timer));
    }
  }
  out.response = std::move(ok);
  return out;
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
