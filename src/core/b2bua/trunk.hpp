#pragma once
// Trunk: an upstream SIP provider (a carrier) the B2BUA calls out through and takes calls from.
//
//   Trunk t{.name = "carrier", .uri = *sip::parse_uri("sips:sip.carrier.example"), .prefix = "0"};
//   t.credentials = auth::DigestCredentials{"acct", "secret"};    // answers the carrier's 401/407
//   t.numbers = {{"+441234567890", "alice"}};                       // inbound: number -> local user
//   t.source_ips = {"192.0.2.10"};                                  // inbound: only from these addresses
//   cfg.trunks.push_back(t);
//
// Outbound: a local user's INVITE to <prefix><number> (no local account of that name) becomes leg B
// towards `uri` with the Request-URI and To sip(s):<number>@<trunk host>, From
// "<caller>" <sip(s):<caller id>@<trunk host>> (caller id: the caller's number in `numbers`, else the
// username), under `policy`, its 401/407 answered with `credentials`.
// Inbound: an INVITE whose source address is one of `source_ips` and whose Request-URI user is a key of
// `numbers` rings that user's bindings; caller is "trunk:<name>". Anything else goes through the
// normal digest authentication (no unauthenticated calls from elsewhere).
// Registered trunks (`registers`, the server registers at the carrier and keeps that connection, handed
// over with B2bua::set_trunk_flow): an INVITE down that connection is the trunk's whatever its source
// address, its Request-URI user one of `numbers`, or `contact_user` with the To user one of `numbers`;
// outbound calls go down that connection. See docs/B2BUA.md.

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/auth/digest.hpp"
#include "core/b2bua/policies.hpp"
#include "core/sip/uri.hpp"

namespace sotto::b2bua {

struct Trunk {
  std::string name;
  sip::Uri uri;  // where leg B goes: host[:port], transport (sips: = TLS)
  std::optional<auth::DigestCredentials> credentials;
  UserPolicy policy;                         // leg B's media policy and transport
  std::map<std::string, std::string> numbers;  // inbound: Request-URI user -> local account
  std::string prefix;                        // outbound: dialled numbers starting with it (stripped)
  std::vector<std::string> source_ips;       // inbound: addresses the carrier's requests come from
  bool registers = false;                    // the server registers at the carrier (register = true)
  std::string contact_user;                  // the Contact user registered; inbound Request-URIs may carry it
  // P-Asserted-Identity (RFC 3325) on outbound INVITEs: this URI, its user replaced by the caller's own
  // number when `numbers` maps one to the caller.
  std::optional<sip::Uri> pai;
};

// The leg-B user of a trunk in records: "trunk:<name>".
inline std::string trunk_user(const Trunk& t) { return "trunk:" + t.name; }

}  // namespace sotto::b2bua
