#pragma once
// KeepAlive: the client side of RFC 5626 4.4.1 CRLF keep-alives on one TCP/TLS flow, sans-IO. Every
// 80-100 % of the interval (randomised, so phones behind one NAT do not ping in step) a CRLFCRLF ping
// goes out; a pong (lone CRLF) must come back within 10 s, or the flow is declared dead and the phone
// re-registers over a new connection (RFC 5626 4.4.1, 4.5).
//
//   KeepAlive ka(std::chrono::seconds(120), random_fraction);   ka.start(now);
//   on timer:  switch (ka.handle_timeout(now)) { case KeepAlive::Action::ping: send("\r\n\r\n"); ...
//   on pong:   ka.on_pong(now);                                 arm(ka.next_timeout());

#include <chrono>
#include <functional>
#include <optional>

#include "base/time.hpp"

namespace sotto::runtime {

class KeepAlive {
 public:
  using Timestamp = sotto::Timestamp;
  using Duration = sotto::Duration;
  enum class Action { none, ping, dead };

  // `fraction` returns a value in [0, 1): where in the 80-100 % window each ping falls.
  KeepAlive(Duration interval, std::function<double()> fraction, Duration pong_timeout = std::chrono::seconds(10));

  void start(Timestamp now);
  void stop() { next_ = std::nullopt; awaiting_pong_ = false; }
  // A Flow-Timer header (RFC 5626 5.4) from the registrar replaces the interval.
  void set_interval(Duration interval) { interval_ = interval; }
  Duration interval() const noexcept { return interval_; }
  void on_pong(Timestamp now);
  Action handle_timeout(Timestamp now);
  std::optional<Timestamp> next_timeout() const { return next_; }

  bool awaiting_pong() const noexcept { return awaiting_pong_; }
  std::uint64_t pings_sent() const noexcept { return pings_; }
  std::uint64_t pongs_received() const noexcept { return pongs_; }

 private:
  void schedule_ping(Timestamp now);

  Duration interval_;
  std::function<double()> fraction_;
  Duration pong_timeout_;
  std::optional<Timestamp> next_;
  bool awaiting_pong_ = false;
  std::uint64_t pings_ = 0;
  std::uint64_t pongs_ = 0;
};

}  // namespace sotto::runtime
