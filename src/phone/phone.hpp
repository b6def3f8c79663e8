#pragma once
// Phone: `sotto phone` — transports, DNS, the SIP user agent (core/ua), the media leg and the report, on
// one io_context. Registers when given an account, then places one call (call mode), answers one (listen
// mode) or only checks the registration (register mode); unregisters on the way out and reports.
//
//   phone::Phone p(io, *checked, [](std::string_view line) { std::cerr << line << "\n"; });
//   if (auto st = p.start(); !st) die(st.error().context);
//   phone::CallReport r = p.run();   // returns when the call is over (and the binding removed)
//
// phone.cpp: setup, the message pump, flows and registration; phone_calls.cpp: call events, media, the end.

#include <asio.hpp>
#include <functional>
#include <memory>

#include "core/ua/user_agent.hpp"
#include "io/dns/dns_resolver.hpp"
#include "io/system_clock.hpp"
#include "io/timer.hpp"
#include "io/transport_manager.hpp"
#include "phone/call_report.hpp"
#include "phone/call_schedule.hpp"
#include "runtime/keepalive.hpp"
#include "runtime/media_leg.hpp"
#include "runtime/registration_keeper.hpp"
#include "phone/phone_options.hpp"
#include "runtime/sip_endpoint.hpp"
#include "runtime/sip_router.hpp"

namespace sotto::phone {

// The shared SIP runtime this feature wires.
using runtime::FlowInfo;
using runtime::KeepAlive;
using runtime::MediaLeg;
using runtime::MediaLegOptions;
using runtime::MediaSummary;
using runtime::RegistrationKeeper;
using runtime::SipEndpoint;
using runtime::SipRouter;

using sip::txn::Flow;

class Phone {
 public:
  using Progress = std::function<void(std::string_view)>;

  Phone(asio::io_context& io, CheckedPhoneOptions options, Progress progress);
  ~Phone();

  // Listeners, TLS contexts, DNS, media sockets, WAV files; then registers and/or places the call. Errors
  // name the file, address or certificate at fault.
  Status start();
  // Runs until the call is over (or, in listen mode, until a call has come and gone), then unregisters.
  CallReport run();

 private:
  // phone.cpp
  ua::UaConfig ua_config(const std::vector<std::pair<io::ListenSpec, io::Endpoint>>& bound) const;
  void on_message(Flow flow, const FlowInfo& info, sip::SipMessage msg);
  void on_flow_closed(Flow flow, const std::string& why);
  void pump();
  void begin_register();
  // A TCP/TLS connection of a transport we do not listen on: Via and Contact name its local end.
  void bind_client_flow(const SipRouter::Located& r);
  void on_registration(const ua::UaEvent& ev);
  void registrar_flow_lost(const std::string& why);
  // Carries out what the RegistrationKeeper asks for and arms CallTimer::registration for its next deadline.
  void drive_registration();
  void finish();
  void stop_soon(std::chrono::milliseconds linger);
  // The schedule (call_schedule.hpp) and the one io::Timer that follows its earliest deadline.
  void arm(CallTimer kind, io::Timestamp at);
  void cancel(CallTimer kind);
  void follow_schedule();
  void on_timer(io::Timestamp now);
  void fire(CallTimer kind, io::Timestamp now);

  // phone_calls.cpp
  void begin_call();
  void on_call_event(const ua::UaEvent& ev);
  void start_media(const negotiation::SecureMedia& m);
  void update_media(const negotiation::SecureMedia& m);
  void on_transfer_event(const ua::UaEvent& ev);
  void hang_up(std::string why);
  void call_done(std::string error = {});
  void fill_report_from(Flow flow);
  // Marks the connection under `flow` as carrying a dialog or registration (io: no idle deadline, not
  // counted per source, never evicted), or no longer.
  void set_in_use(const std::optional<Flow>& flow, bool in_use);
  // Listen mode: a call we did not answer (rejected, bad SDP, cancelled) does not end the phone.
  void wait_for_next_call(const std::string& why);

  asio::io_context& io_;
  CheckedPhoneOptions opts_;
  Progress progress_;
  io::SystemClock clock_;
  std::unique_ptr<io::TransportManager> transports_;
  std::unique_ptr<SipEndpoint> endpoint_;
  std::unique_ptr<io::dns::DnsResolver> dns_;
  std::unique_ptr<SipRouter> router_;
  std::unique_ptr<ua::UserAgent> ua_;
  std::unique_ptr<MediaLeg> media_;
  CallSchedule schedule_;  // every deadline: SIP transactions, registration, the call's timers, the linger
  io::Timer timer_;        // armed at schedule_.next_timeout()
  bool duration_stops_phone_ = false;  // CallTimer::duration in register mode: stop instead of hanging up
  asio::signal_set signals_;
  CallReport report_;

  // Registration: when to (re-)register, back-off, keep-alives, the unregister on exit.
  std::optional<Flow> reg_flow_;
  std::optional<RegistrationKeeper> keeper_;

  // The call.
  ua::CallHandle call_ = 0;
  bool call_started_ = false;
  std::optional<Flow> call_flow_;
  io::Timestamp started_{};
  io::Timestamp answered_{};
  bool media_started_ = false;
  bool call_over_ = false;
  bool finishing_ = false;
  bool stopping_ = false;
  bool interrupted_ = false;
  int unanswered_calls_ = 0;
};

}  // namespace sotto::phone
