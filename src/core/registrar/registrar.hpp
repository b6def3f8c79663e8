#pragma once
// Registrar: the server's registrar (RFC 3261 10.3) with digest authentication, RFC 5626 flows, RFC 5627
// GRUUs and throttling of failed attempts; also the Locations and Authenticator the B2BUA uses. Sans-IO:
// time comes in (monotonic, plus wall-clock seconds for persisted expiry), responses and changes go out.
//
//   registrar::Registrar reg(cfg, accounts, crypto::system_random());
//   auto out = reg.handle_register(now, unix_now, ctx, request);   // persist out.changes, then send
//   if (out.response) send(ctx.flow, *out.response);                // nullopt: drop (blocked source)
//
// Behaviour, defaults and status codes: docs/REGISTRAR.md.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/random_source.hpp"
#include "base/secure_bytes.hpp"
#include "base/time.hpp"
#include "core/registrar/accounts.hpp"
#include "core/registrar/binding_table.hpp"
#include "core/registrar/digest_server.hpp"
#include "core/registrar/failure_throttle.hpp"
#include "core/registrar/locations.hpp"

namespace sotto::registrar {

struct RegistrarConfig {
  std::string realm = "sotto";                     // digest realm (fixed when the data directory is made)
  std::vector<std::string> domains = {"localhost"};  // ours: Request-URI / To hosts we register for
  std::vector<std::string> addresses;              // listener hosts ("127.0.0.1", "::1"), also ours; ports not compared
  std::uint32_t default_expires = 3600;            // when neither the contact nor Expires says
  std::uint32_t min_expires = 60;                  // below: 423 Interval Too Brief + Min-Expires
  std::uint32_t max_expires = 86400;               // above: granted this much
  std::uint32_t flow_timer = 120;                  // RFC 5626 Flow-Timer for outbound over TCP/TLS; 0 = none
  std::size_t max_bindings_per_user = 10;          // above: 403 Too Many Contacts
  bool gruu = true;                                // RFC 5627 pub-gruu / temp-gruu when asked for
  Duration nonce_lifetime = std::chrono::seconds(300);
  std::size_t max_tracked_nonces = 65536;
  ThrottleConfig throttle;
  // User-Agent prefixes that get only the MD5 challenge: clients that fail on a challenge set containing an
  // algorithm they do not know (baresip 1.0 with libre 1.x: "Register: Function not implemented"; sipvicious
  // svcrack, "friendly-scanner", stops with an exception, so its attempts could not be seen being throttled).
  // This costs nothing: MD5 answers are accepted from every client, since every challenge set offers MD5.
  std::vector<std::string> md5_only_user_agents = {"baresip v0.", "baresip v1.", "friendly-scanner"};
  SecureBytes secret;                              // nonce / tag key; empty: 32 random bytes at construction
};

struct RegisterOutcome {
  std::optional<sip::SipMessage> response;  // nullopt: drop without answering (blocked source)
  std::vector<BindingChange> changes;       // already applied here; persist them before sending a 200
  std::optional<std::string> user;          // the authenticated account, when the digest was correct
};

struct RegistrarStats {
  std::uint64_t challenges = 0;   // 401/407 sent for requests without (usable) credentials
  std::uint64_t auth_ok = 0;
  std::uint64_t auth_failed = 0;  // wrong password or unknown user
  std::uint64_t stale = 0;        // correct answer with an expired/foreign nonce or a replayed nc
  std::uint64_t transport_refused = 0;
  ThrottleStats throttle;         // dropped requests, blocks, currently blocked sources
  std::size_t bindings = 0;
};

class Registrar final : public Locations, public Authenticator {
 public:
  Registrar(RegistrarConfig config, const Accounts& accounts, RandomSource& rng);

  // A REGISTER (the caller checks the method). Answers 401 (challenge), 403, 400, 420, 423, 439 or 200.
  RegisterOutcome handle_register(Timestamp now, std::int64_t unix_now, const RequestContext& ctx,
                                  const sip::SipMessage& request);

  // Authenticator: digest with 407/Proxy-Authenticate for any other request. Never pass ACK or CANCEL
  // (RFC 3261 22.1: they cannot be challenged; match them to their INVITE instead).
  AuthDecision authenticate(Timestamp now, const RequestContext& ctx, const sip::SipMessage& request) override;

  // Locations.
  std::vector<Binding> lookup(Timestamp now, std::string_view user) const override;
  std::optional<Binding> lookup_gruu(Timestamp now, const sip::Uri& gruu) const override;

  // True when `uri`'s host is one of the configured domains or listener addresses.
  bool is_local(const sip::Uri& uri) const;

  // Bindings loaded from the database after a restart: those not yet expired (by expires_unix) come back
  // with flow_alive = false. A binding the table already has (same user and contact key) is kept as is.
  void restore(Timestamp now, std::int64_t unix_now, std::vector<Binding> bindings);
  // The connection/flow is gone: its bindings stay but are not alive (lookup skips those only reachable
  // through it). Returns the bindings it marked.
  std::vector<Binding> flow_closed(sip::txn::Flow flow);
  // Expires bindings (returned as removals to persist) and forgets old nonce and throttle records.
  std::vector<BindingChange> handle_timeout(Timestamp now);
  std::optional<Timestamp> next_timeout() const;

  RegistrarStats stats() const;
  std::vector<Binding> bindings() const { return table_.all(); }

 private:
  sip::SipMessage reply(const sip::SipMessage& request, int status, std::string_view reason) const;
  std::string warn_agent() const;
  sip::SipMessage bad_request(const sip::SipMessage& request, std::string_view why) const;
  sip::SipMessage challenge(Timestamp now, const RequestContext& ctx, const sip::SipMessage& request, DigestRole role,
                            bool stale);
  // Runs the digest check and the throttle; sets `response` when the request may not proceed.
  DigestCheck authorize(Timestamp now, const RequestContext& ctx, const sip::SipMessage& request, DigestRole role,
                        std::optional<sip::SipMessage>& response);
  std::optional<sip::SipMessage> transport_refusal(const RequestContext& ctx, const sip::SipMessage& request,
                                                   const AccountCredentials& account);
  bool usable(Timestamp now, const Binding& b) const;

  RegistrarConfig config_;
  const Accounts& accounts_;
  RandomSource& rng_;
  DigestServer digest_;
  FailureThrottle throttle_;
  BindingTable table_;
  RegistrarStats stats_;
  Timestamp next_housekeeping_{};
};

// Whether requests to `b` can be sent to its contact address without the flow it registered over: not an
// outbound binding (RFC 5626), no ";ob" in the contact, and either a UDP contact or a TCP/TLS contact that
// names a listener (an address other than the connection's own source address and port).
bool directly_reachable(const Binding& b);

}  // namespace sotto::registrar
