// Registrar::handle_register: a REGISTER checked, authenticated and applied to the binding table (RFC 3261
// section 10.3, RFC 5626 outbound, RFC 5627 GRUU), with the changes reported for the store.
#include <algorithm>
#include <cstdio>
#include <ctime>

#include "base/hex.hpp"
#include "core/registrar/registrar.hpp"
#include "core/registrar/registrar_shared.hpp"
#include "core/sip/header_fields.hpp"
#include "core/sip/response_builder.hpp"

namespace sotto::registrar {
namespace {

using detail::ieq;
using detail::printable;
using detail::same_key;

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

}  // namespace

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


}  // namespace sotto::registrar
