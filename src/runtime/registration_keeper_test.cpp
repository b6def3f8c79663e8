// RegistrationKeeper in virtual time: every step is a handle_timeout at the deadline the keeper asked for.
#include "runtime/registration_keeper.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "core/ua/registration.hpp"

namespace sotto::runtime {
namespace {

using namespace std::chrono_literals;
using Kind = RegistrationKeeper::Action::Kind;
using State = RegistrationKeeper::State;

const Timestamp t0 = Timestamp{} + 1h;

RegistrationKeeperOptions options(Duration keepalive = 0s) {
  RegistrationKeeperOptions o;
  o.first_timeout = 30s;
  o.keepalive_interval = keepalive;
  o.backoff_base = 1s;
  o.backoff_cap = 64s;
  o.unregister_timeout = 4s;
  o.fraction = [] { return 0.0; };  // pings at exactly 80 % of the interval
  return o;
}

std::vector<RegistrationKeeper::Action> drain(RegistrationKeeper& k) {
  std::vector<RegistrationKeeper::Action> out;
  while (auto a = k.poll_action()) out.push_back(*a);
  return out;
}

std::vector<Kind> kinds(RegistrationKeeper& k) {
  std::vector<Kind> out;
  for (const auto& a : drain(k)) out.push_back(a.kind);
  return out;
}

// Steps virtual time to the keeper's next deadline and handles it.
Timestamp step(RegistrationKeeper& k) {
  const auto t = k.next_timeout();
  EXPECT_TRUE(t.has_value());
  if (!t) return Timestamp{};
  k.handle_timeout(*t);
  return *t;
}

TEST(RegistrationKeeper, StartRegistersOnceAndGivesUpWhenNoAnswerByTheTimeout) {
  RegistrationKeeper k(options());
  k.start(t0);
  EXPECT_EQ(kinds(k), std::vector<Kind>{Kind::register_});
  EXPECT_EQ(k.next_timeout(), t0 + 30s);
  k.handle_timeout(t0 + 29s);
  EXPECT_TRUE(kinds(k).empty());
  EXPECT_EQ(step(k), t0 + 30s);
  const auto a = drain(k);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].kind, Kind::give_up);
  EXPECT_EQ(a[0].reason, "no answer within 30 s");
  EXPECT_EQ(k.state(), State::done);
  EXPECT_FALSE(k.next_timeout());
}

TEST(RegistrationKeeper, AFailureBeforeTheFirstSuccessGivesUpWithItsReason) {
  RegistrationKeeper k(options());
  k.start(t0);
  drain(k);
  k.on_failed(t0 + 1s, "403 Forbidden");
  const auto a = drain(k);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].kind, Kind::give_up);
  EXPECT_EQ(a[0].reason, "403 Forbidden");
  EXPECT_FALSE(k.next_timeout());
}

TEST(RegistrationKeeper, RetryFirstBacksOffInsteadOfGivingUpAndHasNoFirstTimeout) {
  RegistrationKeeperOptions o = options();
  o.retry_first = true;  // a server's trunk
  RegistrationKeeper k(o);
  k.start(t0);
  EXPECT_EQ(kinds(k), std::vector<Kind>{Kind::register_});
  EXPECT_FALSE(k.next_timeout());  // no 30 s deadline
  k.on_failed(t0 + 1s, "403 Forbidden");
  EXPECT_TRUE(kinds(k).empty());
  EXPECT_EQ(k.state(), State::backing_off);
  EXPECT_EQ(step(k), t0 + 2s);
  const auto a = drain(k);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].kind, Kind::register_);
  EXPECT_EQ(a[0].reason, "403 Forbidden");
  k.on_failed(t0 + 2s, "403 Forbidden");
  EXPECT_EQ(step(k), t0 + 4s);  // doubled
  EXPECT_EQ(kinds(k), std::vector<Kind>{Kind::register_});
}

TEST(RegistrationKeeper, TheUaRefreshesBeforeExpirySoTheBindingNeverLapses) {
  RegistrationKeeper k(options());
  k.start(t0);
  drain(k);
  Timestamp now = t0 + 100ms;
  k.on_registered(now, 60, std::nullopt, false);
  EXPECT_EQ(k.next_timeout(), now + 60s);  // the watchdog: the binding runs out then
  // Ten refresh cycles at the UA's refresh_delay (RFC 3261 10.2.4): each comes before the watchdog.
  for (int i = 0; i < 10; ++i) {
    const auto refresh = ua::refresh_delay(60);
    ASSERT_LT(refresh, 60s);
    now += refresh;
    ASSERT_LT(now, *k.next_timeout());
    k.handle_timeout(now);
    k.on_registered(now, 60, std::nullopt, false);
    EXPECT_TRUE(kinds(k).empty());
    EXPECT_EQ(k.state(), State::registered);
  }
}

TEST(RegistrationKeeper, ABindingThatExpiresUnrefreshedIsRegisteredAgain) {
  RegistrationKeeper k(options());
  k.start(t0);
  drain(k);
  k.on_registered(t0, 60, std::nullopt, false);
  EXPECT_EQ(step(k), t0 + 60s);
  EXPECT_EQ(k.state(), State::backing_off);
  EXPECT_EQ(step(k), t0 + 61s);
  const auto a = drain(k);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].kind, Kind::register_);
  EXPECT_EQ(a[0].reason, "the binding expired without a refresh");
}

TEST(RegistrationKeeper, BackOffDoublesUpToTheCapAndASuccessResetsIt) {
  RegistrationKeeper k(options());
  k.start(t0);
  drain(k);
  Timestamp now = t0;
  k.on_registered(now, 600, std::nullopt, true);
  k.on_flow_lost(now, "connection reset");
  std::vector<Duration> waits;
  for (int i = 0; i < 9; ++i) {
    const Timestamp before = now;
    now = step(k);
    const auto a = drain(k);
    ASSERT_EQ(a.size(), 1u);
    EXPECT_EQ(a[0].kind, Kind::register_);
    EXPECT_EQ(a[0].waited, now - before);
    waits.push_back(now - before);
    k.on_failed(now, "connect: refused");  // the registrar is still away
  }
  EXPECT_EQ(waits, (std::vector<Duration>{1s, 2s, 4s, 8s, 16s, 32s, 64s, 64s, 64s}));
  EXPECT_EQ(k.retries(), 10);
  // It comes back: the next loss starts again from the base.
  now = step(k);
  drain(k);
  k.on_registered(now, 600, std::nullopt, true);
  EXPECT_EQ(k.retries(), 0);
  k.on_flow_lost(now, "connection reset");
  EXPECT_EQ(k.next_timeout(), now + 1s);
}

TEST(RegistrationKeeper, KeepAlivesRunOnReliableFlowsAtTheFlowTimerWhenTheRegistrarSendsOne) {
  RegistrationKeeper k(options(120s));
  k.start(t0);
  drain(k);
  k.on_registered(t0, 600, 30u, true);  // Flow-Timer: 30 overrides --keepalive 120
  EXPECT_EQ(k.keepalive_interval(), Duration(30s));
  EXPECT_EQ(step(k), t0 + 24s);  // 80 % of 30 s
  EXPECT_EQ(kinds(k), std::vector<Kind>{Kind::ping});
  k.on_pong(t0 + 24s + 50ms);
  EXPECT_EQ(k.pongs_received(), 1u);
  EXPECT_EQ(k.next_timeout(), t0 + 48s + 50ms);
  // A refresh with a new Flow-Timer: used from the next ping on.
  k.on_registered(t0 + 40s, 600, 60u, true);
  EXPECT_EQ(step(k), t0 + 48s + 50ms);
  EXPECT_EQ(kinds(k), std::vector<Kind>{Kind::ping});
  k.on_pong(t0 + 49s);
  EXPECT_EQ(k.next_timeout(), t0 + 49s + 48s);
  EXPECT_EQ(k.pings_sent(), 2u);
}

TEST(RegistrationKeeper, NoKeepAliveOverUdpOrWhenSwitchedOff) {
  RegistrationKeeper udp(options(120s));
  udp.start(t0);
  drain(udp);
  udp.on_registered(t0, 600, 30u, false);
  EXPECT_FALSE(udp.keepalive_interval());
  EXPECT_EQ(udp.next_timeout(), t0 + 600s);  // only the expiry watchdog

  RegistrationKeeper off(options(0s));
  off.start(t0);
  drain(off);
  off.on_registered(t0, 600, 30u, true);
  EXPECT_FALSE(off.keepalive_interval());
}

TEST(RegistrationKeeper, AnUnansweredKeepAliveDeclaresTheFlowDeadAndRegistrationResumesAfterBackOff) {
  RegistrationKeeper k(options(30s));
  k.start(t0);
  drain(k);
  k.on_registered(t0, 600, std::nullopt, true);
  EXPECT_EQ(step(k), t0 + 24s);
  EXPECT_EQ(kinds(k), std::vector<Kind>{Kind::ping});
  EXPECT_EQ(step(k), t0 + 34s);  // RFC 5626 4.4.1: no pong within 10 s
  const auto dead = drain(k);
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].kind, Kind::flow_dead);
  EXPECT_FALSE(k.keepalive_interval());
  k.on_flow_lost(t0 + 34s, dead[0].reason);  // the phone closed the flow
  EXPECT_EQ(step(k), t0 + 35s);
  const auto again = drain(k);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].kind, Kind::register_);
  EXPECT_EQ(again[0].reason, "keep-alive unanswered");
  // A late pong on the old flow changes nothing.
  k.on_pong(t0 + 36s);
  EXPECT_EQ(k.pongs_received(), 0u);
  // The new flow gets its own keep-alive after the new registration.
  k.on_registered(t0 + 36s, 600, std::nullopt, true);
  EXPECT_EQ(step(k), t0 + 60s);
  EXPECT_EQ(kinds(k), std::vector<Kind>{Kind::ping});
  EXPECT_EQ(k.pings_sent(), 2u);
}

TEST(RegistrationKeeper, ExitUnregistersAndWaitsForTheAnswerAtMostTheTimeout) {
  RegistrationKeeper k(options(30s));
  k.start(t0);
  drain(k);
  k.on_registered(t0, 600, std::nullopt, true);
  k.stop(t0 + 5s);
  EXPECT_EQ(kinds(k), std::vector<Kind>{Kind::unregister});
  EXPECT_EQ(k.next_timeout(), t0 + 9s);  // no keep-alive, no watchdog: only the unregister bound
  k.on_unregistered(t0 + 5s + 20ms);
  EXPECT_EQ(kinds(k), std::vector<Kind>{Kind::done});
  EXPECT_FALSE(k.next_timeout());

  RegistrationKeeper silent(options());
  silent.start(t0);
  drain(silent);
  silent.on_registered(t0, 600, std::nullopt, false);
  silent.stop(t0 + 5s);
  drain(silent);
  EXPECT_EQ(step(silent), t0 + 9s);
  const auto a = drain(silent);
  ASSERT_EQ(a.size(), 1u);
  EXPECT_EQ(a[0].kind, Kind::done);
  EXPECT_EQ(a[0].reason, "no answer to the unregister");
}

TEST(RegistrationKeeper, ExitWithoutABindingIsDoneAtOnceAndCancelsAPendingRetry) {
  RegistrationKeeper k(options());
  k.start(t0);
  drain(k);
  k.on_registered(t0, 600, std::nullopt, false);
  k.on_flow_lost(t0 + 1s, "connection reset");
  EXPECT_EQ(k.state(), State::backing_off);
  k.stop(t0 + 1500ms);
  EXPECT_EQ(kinds(k), std::vector<Kind>{Kind::done});
  EXPECT_FALSE(k.next_timeout());
  k.handle_timeout(t0 + 10s);
  EXPECT_TRUE(kinds(k).empty());
}

}  // namespace
}  // namespace sotto::runtime
