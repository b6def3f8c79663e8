#include "phone/call_schedule.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

namespace sotto::phone {
namespace {

using namespace std::chrono_literals;
using K = CallTimer;

const Timestamp t0 = Timestamp{} + 1h;

// Steps virtual time from deadline to deadline until `until`, recording (time since t0, kind) of
// every timer that fires; `on_fire` may arm or cancel as the phone would.
struct Driver {
  CallSchedule s;
  std::vector<std::pair<Duration, K>> log;
  template <typename F>
  void run_until(Timestamp until, F on_fire) {
    while (auto next = s.next_timeout()) {
      if (*next > until) break;
      while (auto k = s.pop_due(*next)) {
        log.emplace_back(*next - t0, *k);
        on_fire(*k, *next);
      }
    }
  }
  void run_until(Timestamp until) {
    run_until(until, [](K, Timestamp) {});
  }
};

TEST(PhoneCallSchedule, EmptyHasNoDeadlineAndFiresNothing) {
  CallSchedule s;
  EXPECT_EQ(s.next_timeout(), std::nullopt);
  EXPECT_TRUE(s.handle_timeout(t0 + 24h).empty());
}

TEST(PhoneCallSchedule, EachKindFiresAtItsTimeAndNotBefore) {
  for (std::size_t i = 0; i < kCallTimerCount; ++i) {
    const K k = static_cast<K>(i);
    CallSchedule s;
    const Timestamp at = t0 + std::chrono::milliseconds(100 * (i + 1));
    s.arm(k, at);
    EXPECT_EQ(s.next_timeout(), at) << name(k);
    EXPECT_TRUE(s.handle_timeout(at - 1ns).empty()) << name(k);
    EXPECT_TRUE(s.armed(k)) << name(k);
    EXPECT_EQ(s.handle_timeout(at), std::vector<K>{k}) << name(k);
    EXPECT_FALSE(s.armed(k)) << name(k);
    EXPECT_EQ(s.next_timeout(), std::nullopt) << name(k);
    EXPECT_TRUE(s.handle_timeout(at + 1h).empty()) << name(k) << " fired twice";
  }
}

TEST(PhoneCallSchedule, LateHandlingFiresOverdueTimers) {
  CallSchedule s;
  s.arm(K::setup, t0 + 1s);
  EXPECT_EQ(s.handle_timeout(t0 + 30s), std::vector<K>{K::setup});
}

TEST(PhoneCallSchedule, CancelDisarmsOnlyThatKind) {
  CallSchedule s;
  s.arm(K::hold, t0 + 5s);
  s.arm(K::duration, t0 + 10s);
  s.cancel(K::hold);
  EXPECT_FALSE(s.armed(K::hold));
  EXPECT_EQ(s.next_timeout(), t0 + 10s);
  EXPECT_EQ(s.handle_timeout(t0 + 20s), std::vector<K>{K::duration});
  s.cancel(K::answer);  // cancelling what is not armed is harmless
  EXPECT_EQ(s.next_timeout(), std::nullopt);
}

TEST(PhoneCallSchedule, ReArmingReplacesTheDeadline) {
  CallSchedule s;
  s.arm(K::sip, t0 + 500ms);
  s.arm(K::sip, t0 + 2s);  // later: the earlier deadline is gone
  EXPECT_EQ(s.deadline(K::sip), t0 + 2s);
  EXPECT_TRUE(s.handle_timeout(t0 + 1s).empty());
  s.arm(K::sip, t0 + 1500ms);  // earlier again
  EXPECT_EQ(s.next_timeout(), t0 + 1500ms);
  EXPECT_EQ(s.handle_timeout(t0 + 1500ms), std::vector<K>{K::sip});
  EXPECT_TRUE(s.handle_timeout(t0 + 3s).empty());
}

TEST(PhoneCallSchedule, SeveralDueFireEarliestFirstThenInEnumOrder) {
  CallSchedule s;
  s.arm(K::linger, t0 + 1s);
  s.arm(K::duration, t0 + 2s);
  s.arm(K::hold, t0 + 2s);
  s.arm(K::sip, t0 + 2s);
  s.arm(K::answer, t0 + 3s);
  s.arm(K::resume, t0 + 9s);
  EXPECT_EQ(s.handle_timeout(t0 + 3s), (std::vector<K>{K::linger, K::sip, K::hold, K::duration, K::answer}));
  EXPECT_EQ(s.next_timeout(), t0 + 9s);
}

TEST(PhoneCallSchedule, AFiredTimerCanCancelAnotherDueAtTheSameInstant) {
  CallSchedule s;
  s.arm(K::setup, t0 + 30s);
  s.arm(K::duration, t0 + 30s);
  std::vector<K> ran;
  while (auto k = s.pop_due(t0 + 30s)) {
    ran.push_back(*k);
    if (*k == K::setup) s.cancel(K::duration);  // e.g. the call ends, its --duration with it
  }
  EXPECT_EQ(ran, std::vector<K>{K::setup});
}

TEST(PhoneCallSchedule, NamesAreDistinct) {
  for (std::size_t i = 0; i < kCallTimerCount; ++i) {
    for (std::size_t j = i + 1; j < kCallTimerCount; ++j) EXPECT_NE(name(static_cast<K>(i)), name(static_cast<K>(j)));
  }
  EXPECT_EQ(name(K::bye_wait), "bye_wait");
}

// The call mode's sequence, as the phone arms it: --timeout 30 from the INVITE, answered at 2 s, then
// --hold-at 5, --resume-at 8, --duration 12 (all from the answer), the BYE wait, the linger.
TEST(PhoneCallSchedule, CallWithHoldResumeAndHangup) {
  Driver d;
  const Timestamp answered = t0 + 2s;
  d.s.arm(K::setup, t0 + 30s);
  // The answer arrives at 2 s: the phone cancels the setup timer and arms the call's timers.
  d.s.cancel(K::setup);
  d.s.arm(K::hold, answered + 5s);
  d.s.arm(K::resume, answered + 8s);
  d.s.arm(K::duration, answered + 12s);
  d.run_until(t0 + 1min, [&](K k, Timestamp now) {
    if (k == K::duration) {  // hang_up("--duration"): BYE sent, wait at most 5 s for its response
      d.s.cancel(K::duration);
      d.s.arm(K::bye_wait, now + 5s);
    }
    if (k == K::bye_wait) d.s.arm(K::linger, now + 300ms);  // call_done -> finish -> stop_soon
  });
  const std::vector<std::pair<Duration, K>> want{
      {7s, K::hold}, {10s, K::resume}, {14s, K::duration}, {19s, K::bye_wait}, {19300ms, K::linger}};
  EXPECT_EQ(d.log, want);
  EXPECT_EQ(d.s.next_timeout(), std::nullopt);
}

// The BYE's response comes before the 5 s are up: call_done cancels the wait, only the linger runs.
TEST(PhoneCallSchedule, ByeAnsweredInTimeCancelsTheWait) {
  Driver d;
  d.s.arm(K::duration, t0 + 10s);
  d.run_until(t0 + 10s, [&](K k, Timestamp now) {
    if (k == K::duration) d.s.arm(K::bye_wait, now + 5s);
  });
  // 200 to BYE at 10.2 s.
  d.s.cancel(K::bye_wait);
  d.s.arm(K::linger, t0 + 10200ms + 300ms);
  d.run_until(t0 + 1min);
  const std::vector<std::pair<Duration, K>> want{{10s, K::duration}, {10500ms, K::linger}};
  EXPECT_EQ(d.log, want);
}

// No answer: the setup timer fires at --timeout and nothing of the call was ever armed.
TEST(PhoneCallSchedule, UnansweredCallEndsAtTheSetupTimeout) {
  Driver d;
  d.s.arm(K::setup, t0 + 30s);
  d.s.arm(K::sip, t0 + 500ms);  // INVITE retransmission (Timer A)
  d.run_until(t0 + 1min, [&](K k, Timestamp now) {
    if (k == K::sip && now < t0 + 4s) d.s.arm(K::sip, now + (now - t0) + 500ms);  // doubling, roughly
    if (k == K::setup) {
      d.s.cancel(K::sip);
      d.s.arm(K::linger, now + 300ms);
    }
  });
  ASSERT_GE(d.log.size(), 3u);
  EXPECT_EQ(d.log.front(), (std::pair<Duration, K>{500ms, K::sip}));
  EXPECT_EQ(d.log[d.log.size() - 2], (std::pair<Duration, K>{30s, K::setup}));
  EXPECT_EQ(d.log.back(), (std::pair<Duration, K>{30300ms, K::linger}));
}

// Listen mode, --answer-after 3: ringing at 1 s, answered at 4 s; the caller hangs up before --hold-at.
TEST(PhoneCallSchedule, AnswerAfterThenThePeerHangsUp) {
  Driver d;
  d.s.arm(K::answer, t0 + 1s + 3s);
  d.run_until(t0 + 4s, [&](K k, Timestamp now) {
    if (k == K::answer) {  // answered; media starts: the call's timers
      d.s.arm(K::hold, now + 5s);
      d.s.arm(K::duration, now + 20s);
    }
  });
  // BYE from the peer at 6 s: wait_for_next_call / finish cancel the call's timers.
  for (K k : {K::answer, K::setup, K::duration, K::bye_wait, K::hold, K::resume}) d.s.cancel(k);
  d.run_until(t0 + 1min);
  const std::vector<std::pair<Duration, K>> want{{4s, K::answer}};
  EXPECT_EQ(d.log, want);
  EXPECT_EQ(d.s.next_timeout(), std::nullopt);
}

}  // namespace
}  // namespace sotto::phone
