// B2bua towards trunks (upstream providers): which INVITEs are a trunk's (inbound by source address and
// number, outbound by prefix), leg B's INVITE towards the carrier and the carrier's digest challenges.
#include <algorithm>

#include "base/ascii.hpp"
#include "core/b2bua/b2bua.hpp"
#include "core/sip/header_fields.hpp"
#include "core/ua/request_parts.hpp"

namespace sotto::b2bua {

using sip::SipMessage;
namespace hdr = sip::hdr;

std::optional<std::size_t> B2bua::inbound_trunk(const registrar::RequestContext& ctx, const SipMessage& req) const {
  const sip::Uri& ruri = req.request_uri();
  for (std::size_t i = 0; i < config_.trunks.size(); ++i) {
    const Trunk& t = config_.trunks[i];
    const bool from_carrier = std::find(t.source_ips.begin(), t.source_ips.end(), ctx.source_ip) != t.source_ips.end();
    if (from_carrier && t.numbers.count(ruri.user)) return i;
  }
  return std::nullopt;
}

std::optional<std::size_t> B2bua::outbound_trunk(std::string_view dialled) const {
  // The longest matching prefix wins ("00" international before "0" national); ties: the first listed.
  std::optional<std::size_t> best;
  for (std::size_t i = 0; i < config_.trunks.size(); ++i) {
    const Trunk& t = config_.trunks[i];
    if (t.prefix.empty() || dialled.size() <= t.prefix.size() || !dialled.starts_with(t.prefix)) continue;
    if (!best || t.prefix.size() > config_.trunks[*best].prefix.size()) best = i;
  }
  return best;
}

registrar::Binding B2bua::trunk_binding(std::size_t trunk, std::string_view dialled) const {
  const Trunk& t = config_.trunks.at(trunk);
  registrar::Binding b;
  b.user = trunk_user(t);
  b.contact = t.uri;
  b.contact.user = std::string(dialled.substr(t.prefix.size()));
  b.transport = ua::transport_of(t.uri);
  b.flow_alive = false;  // no connection of its own: the hop is the URI (io connects or reuses)
  return b;
}

void B2bua::trunk_invite(std::size_t trunk, const std::string& caller, SipMessage& inv) const {
  const Trunk& t = config_.trunks.at(trunk);
  sip::Uri host = t.uri;
  host.user.clear();
  host.params = {};
  host.headers.clear();
  // From: the caller's own number on this trunk (its DID: the first of `numbers` mapped to the caller),
  // else the trunk account, else the caller's account name; at the carrier's host, the caller's account
  // as display name. The digest username goes in the credentials only.
  sip::NameAddr from = *inv.header(hdr::from);
  from.uri = host;
  from.uri.user = t.credentials ? t.credentials->username : caller;
  for (const auto& [number, user] : t.numbers) {
    if (user == caller) {
      from.uri.user = number;
      break;
    }
  }
  from.display_name = caller;
  inv.remove(sip::HeaderId::from);
  inv.add(hdr::from, from);
  sip::Uri to_uri = host;
  to_uri.user = inv.request_uri().user;
  inv.remove(sip::HeaderId::to);
  inv.add(hdr::to, sip::NameAddr{"", to_uri, {}});
}

bool B2bua::trunk_auth_retry(Timestamp now, std::optional<std::size_t> trunk, Fork& f, const SipMessage& resp,
                             ClientRequest owner) {
  if (!trunk || (resp.status() != 401 && resp.status() != 407)) return false;
  const Trunk& t = config_.trunks.at(*trunk);
  auto [it, inserted] = trunk_digest_.try_emplace(*trunk, t.credentials, *rng_);
  auto header = it->second.authorize(f.leg.invite, resp, f.auth);
  if (!header) {
    f.warning = "trunk " + t.name + ": " + header.error().context;
    return false;
  }
  // 22.2: the same request with credentials, the next CSeq, a new branch.
  SipMessage inv = f.leg.invite;
  inv.remove(sip::HeaderId::authorization);
  inv.remove(sip::HeaderId::proxy_authorization);
  inv.headers().push_back(*header);
  auto cseq = inv.header(hdr::cseq);
  if (!cseq) return false;
  inv.remove(sip::HeaderId::cseq);
  inv.add(hdr::cseq, sip::CSeq{cseq->number + 1, sip::MethodId::invite});
  const Hop hop = hop_for(std::nullopt, f.leg.next_hop, f.transport);
  owner.fork = f.index;
  auto id = start_request(now, inv, hop, owner);
  if (!id) {
    f.warning = "trunk " + t.name + ": " + id.error().context;
    return false;
  }
  f.sent_flow = hop.flow;
  f.provisional_seen = false;
  f.provisional_flow.reset();
  f.leg.invite = std::move(inv);
  f.leg.invite_txn = *id;
  return true;
}

}  // namespace sotto::b2bua
