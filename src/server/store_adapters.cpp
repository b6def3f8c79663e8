#include "server/store_adapters.hpp"

#include <fmt/format.h>

namespace sotto::server {

std::optional<registrar::AccountCredentials> StoreAccounts::find(std::string_view user) const {
  auto u = store_.find_user(user);
  if (!u || !*u) return std::nullopt;
  registrar::AccountCredentials c;
  c.ha1_md5 = (*u)->credentials.ha1_md5;
  c.ha1_sha256 = (*u)->credentials.ha1_sha256;
  c.transports = (*u)->policy.transports.bits();  // the same bit values (registrar/accounts.hpp)
  return c;
}

std::optional<b2bua::UserPolicy> StorePolicies::lookup(std::string_view user) const {
  auto u = store_.find_user(user);
  if (!u || !*u) return std::nullopt;
  b2bua::UserPolicy p;
  p.media.mode = (*u)->policy.srtp;
  p.media.suites = (*u)->policy.suites;
  p.allowed_transports.clear();
  for (store::Transport t : {store::Transport::tls, store::Transport::tcp, store::Transport::udp}) {
    if ((*u)->policy.transports.has(t)) p.allowed_transports.push_back(from_store(t));
  }
  return p;
}

store::Transport to_store(sip::Transport t) noexcept {
  switch (t) {
    case sip::Transport::tls: return store::Transport::tls;
    case sip::Transport::tcp: return store::Transport::tcp;
    case sip::Transport::udp: return store::Transport::udp;
  }
  return store::Transport::udp;
}

sip::Transport from_store(store::Transport t) noexcept {
  switch (t) {
    case store::Transport::tls: return sip::Transport::tls;
    case store::Transport::tcp: return sip::Transport::tcp;
    case store::Transport::udp: return sip::Transport::udp;
  }
  return sip::Transport::udp;
}

store::BindingRecord to_record(const registrar::Binding& b, std::int64_t unix_now) {
  store::BindingRecord r;
  r.user = b.user;
  r.contact = sip::serialize(b.contact);
  r.instance = b.instance;
  r.reg_id = b.reg_id;
  r.transport = to_store(b.transport);
  r.source_ip = b.source_ip;
  r.source_port = b.source_port;
  r.call_id = b.call_id;
  r.cseq = b.cseq;
  r.expires_unix = b.expires_unix;
  r.pub_gruu = b.pub_gruu;
  r.outbound = b.outbound;
  r.flow = fmt::format("{} {}", sip::transport_name(b.transport), store::source_text(b.source_ip, b.source_port));
  for (char& c : r.flow) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  r.updated_unix = unix_now;
  return r;
}

std::vector<registrar::Binding> from_records(const std::vector<store::BindingRecord>& records) {
  std::vector<registrar::Binding> out;
  for (const store::BindingRecord& r : records) {
    auto contact = sip::parse_uri(r.contact);
    if (!contact) continue;  // written by us; a hand-edited row that does not parse is skipped
    registrar::Binding b;
    b.user = r.user;
    b.contact = *contact;
    b.instance = r.instance;
    b.reg_id = r.reg_id;
    b.flow_alive = false;
    b.transport = from_store(r.transport);
    b.source_ip = r.source_ip;
    b.source_port = r.source_port;
    b.call_id = r.call_id;
    b.cseq = r.cseq;
    b.expires_unix = r.expires_unix;
    b.pub_gruu = r.pub_gruu;
    b.outbound = r.outbound;
    out.push_back(std::move(b));
  }
  return out;
}

}  // namespace sotto::server
