#include "core/ua/request_parts.hpp"

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <vector>

#include "base/hex.hpp"
#include "core/sip/header_fields.hpp"

namespace sotto::ua {
namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

}  // namespace

std::string random_token(RandomSource& rng, std::size_t bytes) {
  std::vector<std::uint8_t> raw(bytes);
  rng.fill(raw);
  return to_hex(raw);
}

std::string new_branch(RandomSource& rng) { return std::string(sip::kBranchMagicCookie) + random_token(rng, 16); }

sip::Transport transport_of(const sip::Uri& uri) {
  // RFC 5630: sips over TCP means TLS; ;transport=tcp on a sips: URI still gets TLS here.
  if (uri.scheme == sip::UriScheme::sips) return sip::Transport::tls;
  if (auto t = uri.transport()) {
    if (auto p = sip::parse_transport(*t); p && *p != sip::Transport::udp) return *p;
  }
  return sip::Transport::udp;
}

std::string transport_for(const sip::Uri& uri) { return std::string(sip::transport_name(transport_of(uri))); }

bool is_reliable(std::string_view transport) noexcept { return transport != "UDP"; }

std::string hop_key(const sip::Uri& uri) {
  const sip::Transport t = transport_of(uri);
  const std::uint16_t port = uri.port.value_or(sip::default_port(t));
  return std::string(sip::transport_name(t)) + "|" + lower(uri.host) + "|" + std::to_string(port);
}

sip::Via make_via(const LocalBinding& binding, std::string branch) {
  sip::Via v;
  v.transport = binding.transport;
  v.host = binding.host;
  v.port = binding.port;
  v.params.set("branch", branch);
  if (binding.transport == "UDP") v.params.set("rport");
  return v;
}

sip::NameAddr make_contact(const sip::Uri& aor, const LocalBinding& binding, bool sips) {
  sip::NameAddr c;
  c.uri.scheme = sips && binding.transport == "TLS" ? sip::UriScheme::sips : sip::UriScheme::sip;
  c.uri.user = aor.user;
  c.uri.host = binding.host;
  c.uri.port = binding.port;
  if (c.uri.scheme == sip::UriScheme::sip) c.uri.params.set("transport", lower(binding.transport));
  return c;
}

void add_capability_headers(sip::SipMessage& msg, const UaConfig& cfg) {
  (void)msg.add_raw("Allow", kAllowedMethods);
  (void)msg.add_raw("Supported", kSupportedTags);
  if (!cfg.user_agent.empty()) msg.add(sip::hdr::user_agent, cfg.user_agent);
}

std::string warning_text(const sip::SipMessage& msg) {
  const sip::Header* w = msg.find(sip::HeaderId::warning);
  if (!w) return {};
  // warning-value = warn-code SP warn-agent SP warn-text (RFC 3261 20.43)
  const auto q = w->value.find('"');
  if (q == std::string::npos) return w->value;
  return sip::unquoted(std::string_view(w->value).substr(q));
}

sip::SipMessage make_cancel(const sip::SipMessage& invite) {
  sip::SipMessage cancel = sip::SipMessage::request(sip::MethodId::cancel, invite.request_uri());
  for (const auto& h : invite.headers()) {
    if (h.id == sip::HeaderId::via) {
      cancel.headers().push_back(h);
      break;
    }
  }
  for (const auto& h : invite.headers()) {
    if (h.id == sip::HeaderId::route || h.id == sip::HeaderId::from || h.id == sip::HeaderId::to ||
        h.id == sip::HeaderId::call_id) {
      cancel.headers().push_back(h);
    }
  }
  cancel.add(sip::hdr::max_forwards, std::uint8_t{70});
  auto cseq = invite.header(sip::hdr::cseq);
  cancel.add(sip::hdr::cseq, sip::CSeq{cseq ? cseq->number : 1, sip::MethodId::cancel});
  cancel.add(sip::hdr::content_length, std::uint32_t{0});
  return cancel;
}

void copy_record_route(const sip::SipMessage& request, sip::SipMessage& response) {
  auto routes = request.all(sip::hdr::record_route);
  if (!routes) return;  // check_message() validated it; nothing to copy otherwise
  for (const sip::NameAddr& rr : *routes) response.add(sip::hdr::record_route, rr);
}

std::string media_type(const sip::SipMessage& msg) {
  auto ct = msg.header(sip::hdr::content_type);
  if (!ct) return {};
  std::string t = ct->substr(0, ct->find(';'));
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.pop_back();
  return lower(t);
}

}  // namespace sotto::ua
