#pragma once
// TrunkRegistration: the server registering itself at a trunk's registrar (a carrier), sans-IO. It pairs a
// ua::UserAgent (REGISTER, digest, 423, refresh at half the granted expiry, removal) with a
// RegistrationKeeper (back-off after failures and lost connections, RFC 5626 CRLF keep-alives, bounded
// unregister) and asks the io layer for a connection to the registrar, which it keeps: the carrier's calls
// come down it and ours go out on it (RFC 5626 style, the connection is the trust).
//
//   TrunkRegistration r(opts);   r.start(now);
//   while (auto a = r.poll_action()) switch (a->kind) {
//     case connect: router.connect(a->uri, ...) -> r.connected(now, flow, secure) / r.connect_failed(now, why);
//     case send: router.send(a->transmit);   case ping: endpoint.send_ping(a->flow);   case close: ...
//   }
//   on a REGISTER response: r.handle_response(now, flow, msg);   on closure: r.flow_closed(now, flow, why);
//   while (auto c = r.poll_change()) log(c->text);   arm(r.next_timeout());

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/random_source.hpp"
#include "base/time.hpp"
#include "core/auth/digest.hpp"
#include "core/sip/sip_message.hpp"
#include "core/sip/uri.hpp"
#include "core/ua/transmit.hpp"
#include "core/ua/ua_config.hpp"
#include "core/ua/user_agent.hpp"
#include "runtime/registration_keeper.hpp"

namespace sotto::runtime {

struct TrunkRegistrationOptions {
  std::string name;                // the trunk's, for messages
  sip::Uri registrar;              // REGISTER Request-URI and the hop we connect to (sips: = TLS)
  sip::Uri aor;                    // To/From: sips:<username>@<registrar host>
  std::string contact_user;        // Contact user part; empty: the AOR's user
  std::optional<auth::DigestCredentials> credentials;
  std::uint32_t expires = 600;     // asked for; the registrar's grant decides the refresh
  std::vector<ua::LocalBinding> bindings;  // our listeners: Via sent-by and the Contact host:port
  RegistrationKeeperOptions keeper;        // retry_first is forced on: a server never gives up
};

class TrunkRegistration {
 public:
  enum class State : std::uint8_t { idle, connecting, registering, registered, backing_off, unregistering, stopped };

  struct Action {
    enum class Kind : std::uint8_t {
      connect,  // open (or reuse) a connection to `uri`; answer with connected() or connect_failed()
      send,     // send `transmit` (down its flow)
      ping,     // CRLFCRLF keep-alive on `flow`
      close,    // close `flow` (keep-alive unanswered); the loss is already handled
    };
    Kind kind = Kind::send;
    sip::Uri uri;
    ua::Transmit transmit;
    sip::txn::Flow flow;
  };

  // A state change worth one log line (refreshes are not changes).
  struct Change {
    State state;
    std::string text;  // "registered at sips:... as acme (expires 600 s)", "registration failed: 403 ..."
  };

  // `rng` makes Call-ID, tags, branches and cnonces; it must outlive this.
  TrunkRegistration(TrunkRegistrationOptions options, RandomSource& rng);

  void start(Timestamp now);
  void connected(Timestamp now, sip::txn::Flow flow, bool secure);
  void connect_failed(Timestamp now, const std::string& why);
  // A response whose Call-ID is our REGISTER's: handled, true. Anything else: false (not ours).
  bool handle_response(Timestamp now, sip::txn::Flow flow, const sip::SipMessage& resp);
  // Our connection closed (other flows: nothing).
  void flow_closed(Timestamp now, sip::txn::Flow flow, const std::string& why);
  void pong(Timestamp now, sip::txn::Flow flow);
  // Drain: REGISTER with Expires: 0 when registered (bounded by keeper.unregister_timeout), then stopped.
  void stop(Timestamp now);

  void handle_timeout(Timestamp now);
  std::optional<Timestamp> next_timeout() const;
  std::optional<Action> poll_action();
  std::optional<Change> poll_change();

  State state() const noexcept { return state_; }
  const std::string& name() const noexcept { return opts_.name; }
  // The connection the registration lives on, while it is registered (calls of the trunk ride on it).
  std::optional<sip::txn::Flow> registered_flow() const {
    return state_ == State::registered ? flow_ : std::nullopt;
  }
  const std::string& last_error() const noexcept { return last_error_; }
  std::uint32_t expires() const noexcept { return expires_; }          // granted by the last 2xx
  std::optional<Timestamp> expires_at() const noexcept { return expires_at_; }
  std::uint64_t registrations() const noexcept { return registrations_; }  // 2xx, refreshes included
  const RegistrationKeeper& keeper() const noexcept { return keeper_; }
  const TrunkRegistrationOptions& options() const noexcept { return opts_; }

 private:
  // Carries out what the UserAgent and the keeper produced until neither has anything more.
  void settle(Timestamp now);
  void send_register(Timestamp now);
  void lose_flow(Timestamp now, const std::string& why);
  void set_state(State s, std::string text);
  void failed(Timestamp now, const std::string& why);

  TrunkRegistrationOptions opts_;
  RandomSource* rng_;
  std::unique_ptr<ua::UserAgent> ua_;
  RegistrationKeeper keeper_;
  State state_ = State::idle;
  std::optional<sip::txn::Flow> flow_;
  bool awaiting_connect_ = false;
  std::string last_error_;
  std::uint32_t expires_ = 0;
  std::optional<Timestamp> expires_at_;
  std::uint64_t registrations_ = 0;
  std::deque<Action> actions_;
  std::deque<Change> changes_;
};

std::string_view to_string(TrunkRegistration::State s) noexcept;

}  // namespace sotto::runtime
