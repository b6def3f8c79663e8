#pragma once
// FakeClock: a manual clock for tests; time moves only when the test says so.
//
//   io::testing::FakeClock clock;            // starts at an arbitrary fixed point
//   clock.advance(std::chrono::seconds(32)); // e.g. past SIP Timer B
//   core.handle_timeout(clock.now());

#include "io/clock.hpp"

namespace sotto::io::testing {

class FakeClock final : public Clock {
 public:
  FakeClock() : now_(Timestamp{} + std::chrono::hours(1)) {}
  explicit FakeClock(Timestamp start) : now_(start) {}

  Timestamp now() const override { return now_; }
  void advance(Duration d) { now_ += d; }
  void set(Timestamp t) { now_ = t; }

 private:
  Timestamp now_;
};

}  // namespace sotto::io::testing
