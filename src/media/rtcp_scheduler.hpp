#pragma once
// RtcpScheduler: when the next RTCP report is due, RFC 3550 section 6.3.5 simplified for a two-party
// call: a fixed interval (5 s) randomised by a factor in [0.5, 1.5], the first one at half of that.
//
//   RtcpScheduler s(start);                       // first report 1.25..3.75 s after start
//   if (s.due(now)) { send_report(); s.on_sent(now); }
//   timer.arm(s.next_due());

#include <cstdint>
#include <functional>

#include "media/timestamp.hpp"

namespace sotto::media {

class RtcpScheduler {
 public:
  static constexpr Duration kDefaultInterval = std::chrono::seconds(5);

  // `random`: uniform 32-bit values (crypto::random_u32 by default; tests pass a fixed sequence).
  explicit RtcpScheduler(Timestamp start, Duration interval = kDefaultInterval,
                         std::function<std::uint32_t()> random = {});

  bool due(Timestamp now) const noexcept { return now >= next_; }
  Timestamp next_due() const noexcept { return next_; }
  // A report was sent at `now`: the next one is due interval * [0.5, 1.5] later.
  void on_sent(Timestamp now);
  Duration interval() const noexcept { return interval_; }

 private:
  Duration randomised(double scale);

  Duration interval_;
  std::function<std::uint32_t()> random_;
  Timestamp next_;
};

}  // namespace sotto::media
