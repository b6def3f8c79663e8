#pragma once
// Timer: runs a callback when a Clock reaches a deadline; how a sans-IO core's next_timeout() gets served.
//
//   io::Timer timer(io_context, clock);
//   if (auto t = core.next_timeout()) timer.arm(*t, [&](io::Timestamp now) { core.handle_timeout(now); });
//   timer.cancel();   // or re-arm: arming replaces the previous deadline

#include <asio/io_context.hpp>
#include <asio/steady_timer.hpp>
#include <functional>
#include <memory>
#include <optional>

#include "io/clock.hpp"

namespace sotto::io {

class Timer {
 public:
  using Callback = std::function<void(Timestamp now)>;

  Timer(asio::io_context& io, const Clock& clock);
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;
  ~Timer();

  // Fires once, with clock.now() >= deadline, on the io_context. A deadline in the past fires on the
  // next run of the io_context, never inside arm().
  void arm(Timestamp deadline, Callback cb);
  void cancel();
  bool armed() const noexcept { return deadline_.has_value(); }
  std::optional<Timestamp> deadline() const noexcept { return deadline_; }

 private:
  void wait();

  const Clock& clock_;
  asio::steady_timer timer_;
  std::optional<Timestamp> deadline_;
  Callback cb_;
  std::uint64_t generation_ = 0;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace sotto::io
