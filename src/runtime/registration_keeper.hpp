#pragma once
// RegistrationKeeper: keeps one registration alive, sans-IO. It decides when to (re-)register, backs off
// after a failure or a lost connection (1, 2, 4 ... s up to a cap), runs the RFC 5626 4.4.1 CRLF
// keep-alive of the registrar's flow (the registrar's Flow-Timer, RFC 5626 5.4, overrides the interval),
// watches that the UserAgent refreshes the binding before it expires, and bounds the unregister on exit.
// The REGISTER itself (digest, 423, refresh timing) stays in ua::UserAgent; the phone and the server's
// trunks carry out the actions with one timer.
//
//   RegistrationKeeper k(opts);   k.start(now);                  // -> Action::register_
//   on the UA's registered event:  k.on_registered(now, expires, flow_timer, reliable);
//   on timer:  k.handle_timeout(now);  while (auto a = k.poll_action()) carry_out(*a);  arm(k.next_timeout());

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>

#include "base/time.hpp"
#include "runtime/keepalive.hpp"

namespace sotto::runtime {

struct RegistrationKeeperOptions {
  Duration first_timeout = std::chrono::seconds(30);  // the first registration must succeed by then
  Duration keepalive_interval{};                      // 0 = no keep-alive (--keepalive)
  Duration backoff_base = std::chrono::seconds(1);    // first retry after a failure or a lost flow
  Duration backoff_cap = std::chrono::seconds(64);    // retries never wait longer than this
  Duration unregister_timeout = std::chrono::seconds(4);  // how long exit waits for the 200 to REGISTER 0
  std::function<double()> fraction;                   // [0, 1): where in 80-100 % a keep-alive falls
  // A server's trunk: failures before the first success back off and retry like later ones (no give_up,
  // no first_timeout); the phone gives up instead.
  bool retry_first = false;
};

class RegistrationKeeper {
 public:
  enum class State : std::uint8_t { idle, registering, registered, backing_off, unregistering, done };

  struct Action {
    enum class Kind : std::uint8_t {
      register_,   // connect to the registrar (or reuse the flow) and send REGISTER
      ping,        // send a CRLFCRLF keep-alive on the registrar's flow
      flow_dead,   // no pong in time: close the registrar's flow (a lost flow follows)
      give_up,     // the first registration did not succeed: report `reason` and stop
      unregister,  // send REGISTER with Expires: 0
      done,        // exit may proceed: unregistered, or nothing to remove, or the 200 did not come
    };
    Kind kind;
    std::string reason;  // give_up / flow_dead: why; register_ after a back-off: what was lost
    Duration waited{};   // register_: how long the back-off was
  };

  explicit RegistrationKeeper(RegistrationKeeperOptions options);

  void start(Timestamp now);
  // The UA's registered event (first or refresh): expires granted, the Flow-Timer if any, and whether the
  // registrar's flow is reliable (keep-alives run only on TCP/TLS).
  void on_registered(Timestamp now, std::uint32_t expires, std::optional<std::uint32_t> flow_timer, bool reliable);
  // A REGISTER failed, or connecting to the registrar failed. Before the first success: give up (unless
  // retry_first: back off).
  void on_failed(Timestamp now, std::string why);
  // The registrar's flow closed (or keep-alive declared it dead): register again after a back-off.
  void on_flow_lost(Timestamp now, std::string why);
  void on_pong(Timestamp now);
  // Exit: unregister when a binding exists (bounded by unregister_timeout), else done at once.
  void stop(Timestamp now);
  // The 200 to REGISTER 0, or its failure: done.
  void on_unregistered(Timestamp now);

  void handle_timeout(Timestamp now);
  std::optional<Timestamp> next_timeout() const;
  std::optional<Action> poll_action();

  State state() const noexcept { return state_; }
  bool ever_registered() const noexcept { return ever_registered_; }
  int retries() const noexcept { return retries_; }
  // The back-off in force (or last used): how long until the next register_.
  Duration retry_delay() const noexcept { return last_delay_; }
  // Keep-alives over every flow of this registration so far.
  std::uint64_t pings_sent() const noexcept { return pings_; }
  std::uint64_t pongs_received() const noexcept { return pongs_; }
  // The keep-alive interval in force; none while no keep-alive runs.
  std::optional<Duration> keepalive_interval() const noexcept {
    return keepalive_ ? std::optional<Duration>(keepalive_->interval()) : std::nullopt;
  }

 private:
  void back_off(Timestamp now, std::string why);
  void push(Action::Kind k, std::string reason = {}, Duration waited = {});
  void drop_keepalive();

  RegistrationKeeperOptions opts_;
  State state_ = State::idle;
  bool ever_registered_ = false;
  bool has_binding_ = false;        // a binding may exist at the registrar (2xx seen, not yet removed)
  int retries_ = 0;                 // consecutive back-offs since the last success
  Duration last_delay_{};
  std::string lost_why_;
  std::optional<Timestamp> first_deadline_;   // first registration must succeed by
  std::optional<Timestamp> retry_at_;         // back-off ends
  std::optional<Timestamp> expires_at_;       // the binding runs out unless refreshed
  std::optional<Timestamp> unregister_deadline_;
  std::optional<KeepAlive> keepalive_;
  std::uint64_t pings_ = 0;
  std::uint64_t pongs_ = 0;
  std::deque<Action> actions_;
};

}  // namespace sotto::runtime
