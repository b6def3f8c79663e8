#pragma once
// LoadRunner: one `sotto bench register` or `sotto bench calls` run on one io_context. Accounts are
// LoadClients (own TLS connection each); attempts start at --rate with at most --concurrency in flight.
//   register: connect + REGISTER (digest) every account, optionally REGISTER Expires: 0 at the end.
//   calls:    register 2N accounts, then M calls from account p to account N+p over the server, each with
//             SDES-SRTP G.711 media both ways for --hold-time, then BYE; the bindings are removed at the end.
//
//   asio::io_context io;
//   LoadRunner run(io, *checked, LoadKind::calls, [](std::string_view l) { std::cerr << l << "\n"; });
//   Result<LoadReport> r = run.run();   // an error when the server cannot be reached at all

#include <asio/io_context.hpp>
#include <asio/signal_set.hpp>
#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "io/dns/dns_resolver.hpp"
#include "io/system_clock.hpp"
#include "io/timer.hpp"
#include "loadgen/load_client.hpp"
#include "loadgen/load_options.hpp"
#include "loadgen/load_report.hpp"
#include "loadgen/rate_pacer.hpp"
#include "runtime/media_leg.hpp"

namespace sotto::loadgen {

class LoadRunner {
 public:
  using Progress = std::function<void(std::string_view)>;

  LoadRunner(asio::io_context& io, CheckedLoadOptions options, LoadKind kind, Progress progress);
  ~LoadRunner();
  Result<LoadReport> run();

 private:
  enum class AccountState : std::uint8_t { idle, connecting, registering, registered, failed, unregistering, done };
  struct Account {
    std::unique_ptr<LoadClient> client;
    AccountState state = AccountState::idle;
    Timestamp started{};
    Timestamp register_sent{};
    std::size_t call = 0;  // index + 1 into calls_ of the call this account is in; 0 = none
  };
  struct ActiveCall {
    std::size_t pair = 0;   // caller account pair, callee pair + count
    Timestamp started{};
    std::optional<Timestamp> hangup_at;
    ua::CallHandle caller_call = 0, callee_call = 0;
    std::unique_ptr<runtime::MediaLeg> caller_leg, callee_leg;
    bool caller_done = false, callee_done = false, answered = false, timed_out = false;
    Timestamp deadline{};  // forced end, whatever the peers do
  };

  // load_runner.cpp: accounts and the register / unregister phases
  LoadClientConfig client_config(std::size_t n) const;
  void on_event(LoadClient& c, const ua::UaEvent& ev);
  void on_lost(LoadClient& c, const std::string& why);
  void begin_registrations();
  void launch_registrations();
  void start_account(std::size_t i);
  void registration_over(std::size_t i, bool ok, const std::string& failure);
  void registrations_finished();
  void begin_unregistrations();
  void launch_unregistrations();
  void unregistration_over(std::size_t i, bool ok, const std::string& failure);
  void sweep(Timestamp now);  // timeouts, hang-ups; re-arms itself
  void arm_pacer();
  void finish();
  double since(Timestamp t) const;

  // call_phase.cpp
  void begin_calls();
  void launch_calls();
  void start_call(std::size_t pair);
  void on_call_event(std::size_t account, const ua::UaEvent& ev);
  void on_caller_event(std::size_t index, const ua::UaEvent& ev);
  void on_callee_event(std::size_t index, const ua::UaEvent& ev);
  void start_leg(std::unique_ptr<runtime::MediaLeg>& leg, const negotiation::SecureMedia& m, std::size_t index);
  void call_failed(std::size_t index, std::string result, int status, std::string reason);
  void maybe_call_done(std::size_t index);
  void sweep_calls(Timestamp now);
  void retire(std::unique_ptr<runtime::MediaLeg>& leg);
  Result<std::unique_ptr<runtime::MediaLeg>> open_leg();

  asio::io_context& io_;
  CheckedLoadOptions opts_;
  LoadKind kind_;
  Progress progress_;
  io::SystemClock clock_;
  std::unique_ptr<io::dns::DnsResolver> dns_;
  std::vector<Account> accounts_;  // [0] is account 1
  RatePacer pacer_;
  io::Timer pacer_timer_;
  io::Timer sweep_timer_;
  asio::signal_set signals_;  // SIGINT, SIGTERM: stop where the run is and report it
  enum class Phase : std::uint8_t { probe, registering, calling, unregistering, done } phase_ = Phase::probe;
  std::size_t next_ = 0;        // next account (or call) to start
  std::size_t in_flight_ = 0;
  std::size_t limit_ = 1;       // attempts in flight at most in this phase
  std::size_t finished_ = 0;    // attempts of the current phase that ended
  std::size_t phase_total_ = 0; // attempts the current phase will make
  std::optional<Error> fatal_;  // the server cannot be reached: one error for the whole run
  Timestamp run_started_{};
  Timestamp phase_started_{};
  Timestamp last_handshake_{};
  Timestamp last_ok_{};
  LoadReport report_;
  RegisterFigures* figures_ = nullptr;  // of the current register / unregister phase
  // calls
  std::vector<ActiveCall> active_;      // by call index (0-based), kept until the report
  std::set<std::size_t> live_calls_;    // indexes of calls not over
  std::vector<std::size_t> free_pairs_;
  // Stopped legs, destroyed a second later: a stopped leg's socket still has its cancelled receive queued
  // on the io_context, whose completion reads the socket object (io::UdpSocket::async_receive).
  std::vector<std::pair<Timestamp, std::unique_ptr<runtime::MediaLeg>>> retired_legs_;
  Timestamp last_answer_{};
};

}  // namespace sotto::loadgen
