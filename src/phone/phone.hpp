#pragma once
// Phone: `sotto phone` — transports, the call controller, the media leg and the report, on one
// io_context. Places one call (call mode) or answers one (listen mode), then reports.
//
//   phone::Phone p(io, *checked, [](std::string_view line) { std::cerr << line << "\n"; });
//   if (auto st = p.start(); !st) die(st.error().context);
//   phone::CallReport r = p.run();   // returns when the call is over

#include <asio.hpp>
#include <functional>
#include <memory>

#include "io/system_clock.hpp"
#include "io/timer.hpp"
#include "io/transport_manager.hpp"
#include "phone/call_controller.hpp"
#include "phone/call_report.hpp"
#include "phone/media_leg.hpp"
#include "phone/phone_options.hpp"
#include "phone/sip_endpoint.hpp"

namespace sotto::phone {

class Phone {
 public:
  using Progress = std::function<void(std::string_view)>;

  Phone(asio::io_context& io, CheckedPhoneOptions options, Progress progress);
  ~Phone();

  // Listeners, TLS contexts, media sockets, WAV files; then places the call (call mode). Errors name
  // the file, address or certificate at fault.
  Status start();
  // Runs until the call is over (or, in listen mode, until a call has come and gone).
  CallReport run();

 private:
  void on_message(Flow flow, const FlowInfo& info, sip::SipMessage msg);
  void on_event(CallEvent ev);
  void pump();
  void start_media(const negotiation::SecureMedia& m);
  void fill_report_from(Flow flow);
  void end(std::string error = {});

  asio::io_context& io_;
  CheckedPhoneOptions opts_;
  Progress progress_;
  io::SystemClock clock_;
  std::unique_ptr<io::TransportManager> transports_;
  std::unique_ptr<SipEndpoint> endpoint_;
  std::unique_ptr<CallController> calls_;
  std::unique_ptr<MediaLeg> media_;
  io::Timer sip_timer_;
  io::Timer hangup_timer_;
  io::Timer setup_timer_;
  io::Timer hold_timer_;
  io::Timer resume_timer_;
  asio::signal_set signals_;
  CallReport report_;
  Flow flow_{};
  io::Timestamp started_{};
  io::Timestamp answered_{};
  bool media_started_ = false;
  bool done_ = false;
};

}  // namespace sotto::phone
