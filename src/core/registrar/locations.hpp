#pragma once
// What the B2BUA asks of the registrar: where a user can be reached now (its bindings, each with the
// flow it registered over, RFC 5626), and who sent a request (digest authentication of INVITE, REFER,
// ... with 407 challenges; the registrar's own REGISTER handling lives beside it).
//
//   for (const registrar::Binding& b : locations.lookup(now, "bob")) fork_to(b.contact, b.flow);
//   auto who = auth.authenticate(now, ctx, invite);
//   if (who.response) send(*who.response);   else if (who.user) call_from(*who.user);   // else: drop
//
// Implementations: registrar::Registrar (core/registrar); tests use fakes.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/time.hpp"
#include "core/sip/sip_message.hpp"
#include "core/sip/transport.hpp"
#include "core/sip/uri.hpp"
#include "core/transaction/transaction_layer.hpp"

namespace sotto::registrar {

// How a request reached us: the flow (responses and, with RFC 5626, requests to the binding go back down
// it), its transport, and the peer's address (for throttling and records).
struct RequestContext {
  sip::txn::Flow flow;
  sip::Transport transport = sip::Transport::tls;
  std::string source_ip;         // "127.0.0.1", "::1"
  std::uint16_t source_port = 0;
  bool secure = false;           // TLS
};

struct Binding {
  std::string user;              // account name (the AOR's user part)
  sip::Uri contact;              // as registered (without the expires parameter)
  std::string instance;          // +sip.instance (RFC 5626) without quotes and <>: "urn:uuid:...", empty when none
  std::uint32_t reg_id = 0;      // reg-id (RFC 5626), 0 when none
  sip::txn::Flow flow;           // the flow it registered over
  bool flow_alive = true;        // false once that connection closed (until the phone registers again)
  sip::Transport transport = sip::Transport::tls;
  std::string source_ip;
  std::uint16_t source_port = 0;
  std::string call_id;           // of the REGISTER
  std::uint32_t cseq = 0;
  std::int64_t expires_unix = 0; // wall-clock expiry (persisted)
  Timestamp expires{};           // monotonic expiry
  std::string pub_gruu;          // RFC 5627, empty when the client did not ask
  std::string temp_gruu;         // RFC 5627 temporary GRUU (sip:tgruu.<random>@domain;gr), empty when none
  // RFC 5626: requests to this binding must go down `flow` (outbound); without it they go to `contact`
  // unless the contact is unreachable from here (then also down `flow`).
  bool outbound = false;
};

class Locations {
 public:
  virtual ~Locations() = default;
  // Unexpired bindings of `user` whose flow is alive or whose contact can be reached directly; empty when
  // the user is unknown or not registered.
  virtual std::vector<Binding> lookup(Timestamp now, std::string_view user) const = 0;
  // The binding a GRUU (RFC 5627, a Request-URI with ;gr) names, if any.
  virtual std::optional<Binding> lookup_gruu(Timestamp now, const sip::Uri& gruu) const = 0;
};

// Digest authentication (RFC 3261 22, RFC 7616) of requests other than REGISTER: INVITE, REFER, ...
struct AuthDecision {
  std::optional<std::string> user;             // authenticated account name
  std::optional<sip::SipMessage> response;     // 407 challenge, 403, ... to send instead of proceeding
  // Neither: drop silently (a source blocked after too many failures; counted, summarised in the log).
};

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  virtual AuthDecision authenticate(Timestamp now, const RequestContext& ctx, const sip::SipMessage& request) = 0;
};

}  // namespace sotto::registrar
