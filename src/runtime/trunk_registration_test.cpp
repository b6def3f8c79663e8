// TrunkRegistration in virtual time against a scripted carrier registrar: connect, REGISTER, 401 digest,
// refresh at half the granted expiry, back-off after failures, re-registration on a new connection after
// the old one is lost or its keep-alive goes unanswered, and the unregister of a drain.
#include "runtime/trunk_registration.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "base/testing/deterministic_random.hpp"
#include "core/auth/digest.hpp"
#include "core/sip/header_fields.hpp"
#include "core/sip/response_builder.hpp"

namespace sotto::runtime {
namespace {

using namespace std::chrono_literals;
using State = TrunkRegistration::State;
using AK = TrunkRegistration::Action::Kind;
using sip::SipMessage;
using sip::txn::Flow;

const Timestamp t0 = Timestamp{} + 1h;

TrunkRegistrationOptions options(Duration keepalive = 0s) {
  TrunkRegistrationOptions o;
  o.name = "carrier";
  o.registrar = *sip::parse_uri("sips:127.0.0.1:5091");
  o.aor = *sip::parse_uri("sips:acme@127.0.0.1");
  o.contact_user = "+15550001";
  o.credentials = auth::DigestCredentials{"acme", "acme-secret"};
  o.expires = 600;
  o.bindings = {ua::LocalBinding{"TLS", "127.0.0.1", 5061}};
  o.keeper.keepalive_interval = keepalive;
  o.keeper.backoff_base = 1s;
  o.keeper.backoff_cap = 8s;
  o.keeper.unregister_timeout = 4s;
  o.keeper.fraction = [] { return 0.0; };  // pings at 80 % of the interval
  return o;
}

// The carrier: challenges every REGISTER without valid credentials (401), then answers `status`.
struct Carrier {
  std::string password = "acme-secret";
  int status = 200;
  std::uint32_t grant = 0;  // 0: what was asked
  int nonce = 0;
  std::vector<std::pair<Flow, SipMessage>> registers;

  SipMessage answer(const SipMessage& req) {
    bool good = false;
    if (const sip::Header* h = req.find(sip::HeaderId::authorization)) {
      auto a = auth::parse_authorization(h->value);
      good = a && auth::verify(*a, password, "REGISTER") && a->nonce == "n" + std::to_string(nonce);
    }
    if (!good) {
      auto r = sip::make_response(req, 401, "Unauthorized", "reg");
      EXPECT_TRUE(r);
      (void)r->add_raw("WWW-Authenticate",
                       "Digest realm=\"carrier\", nonce=\"n" + std::to_string(++nonce) + "\", qop=\"auth\", algorithm=MD5");
      return *r;
    }
    auto r = sip::make_response(req, status, status == 200 ? "OK" : "Forbidden", "reg");
    EXPECT_TRUE(r);
    auto expires = req.header(sip::hdr::expires);
    if (status == 200 && expires && *expires != 0) {
      sip::ContactValue c = *req.header(sip::hdr::contact);
      c.address.params.set("expires", std::to_string(grant ? grant : *expires));
      r->add(sip::hdr::contact, c);
    }
    return *r;
  }
};

struct Harness {
  testing::DeterministicRandom rng{7};
  TrunkRegistration reg;
  Carrier carrier;
  Timestamp now = t0;
  std::vector<TrunkRegistration::Action> actions;  // everything but sends, in order
  std::vector<TrunkRegistration::Change> changes;
  bool answer = true;  // the carrier answers REGISTERs

  explicit Harness(TrunkRegistrationOptions o = options()) : reg(std::move(o), rng) {}

  // Carries out the actions: REGISTERs are answered at once (same virtual instant).
  void flush() {
    for (bool busy = true; busy;) {
      busy = false;
      while (auto a = reg.poll_action()) {
        busy = true;
        if (a->kind != AK::send) {
          actions.push_back(*a);
          continue;
        }
        const SipMessage& m = a->transmit.message;
        EXPECT_TRUE(m.is_request());
        EXPECT_EQ(m.method().id(), sip::MethodId::register_);
        carrier.registers.emplace_back(a->transmit.flow, m);
        if (answer) {
          EXPECT_TRUE(reg.handle_response(now, a->transmit.flow, carrier.answer(m)));
        }
      }
      while (auto c = reg.poll_change()) changes.push_back(*c);
    }
  }
  // Steps virtual time from deadline to deadline (transaction timers included) until something is sent,
  // asked for or changes state.
  void step() {
    const std::size_t sent = carrier.registers.size(), asked = actions.size();
    const State state = reg.state();
    for (int i = 0; i < 100; ++i) {
      auto t = reg.next_timeout();
      ASSERT_TRUE(t.has_value());
      now = *t;
      reg.handle_timeout(now);
      flush();
      if (carrier.registers.size() != sent || actions.size() != asked || reg.state() != state) return;
    }
    FAIL() << "nothing happened";
  }
  bool last_action_is(AK k) const { return !actions.empty() && actions.back().kind == k; }
  void connect(std::uint64_t id) {
    ASSERT_TRUE(last_action_is(AK::connect));
    reg.connected(now, Flow::connection(id), true);
    flush();
  }
};

TEST(TrunkRegistration, ConnectsRegistersWithDigestAndRefreshesAtHalfTheExpiry) {
  Harness h;
  h.reg.start(h.now);
  h.flush();
  ASSERT_EQ(h.actions.size(), 1u);
  EXPECT_EQ(h.actions[0].kind, AK::connect);
  EXPECT_EQ(sip::serialize(h.actions[0].uri), "sips:127.0.0.1:5091");
  EXPECT_EQ(h.reg.state(), State::connecting);
  h.connect(3);
  ASSERT_EQ(h.carrier.registers.size(), 2u);  // challenged, then answered
  const SipMessage first = h.carrier.registers[0].second;
  EXPECT_EQ(h.carrier.registers[0].first.id, Flow::connection(3).id);
  EXPECT_EQ(sip::serialize(first.request_uri()), "sips:127.0.0.1:5091");
  EXPECT_EQ(first.header(sip::hdr::to)->uri.user, "acme");
  EXPECT_EQ(first.header(sip::hdr::contact)->address.uri.user, "+15550001");
  EXPECT_EQ(first.header(sip::hdr::contact)->address.uri.host, "127.0.0.1");
  EXPECT_EQ(*first.header(sip::hdr::expires), 600u);
  EXPECT_NE(h.carrier.registers[1].second.find(sip::HeaderId::authorization), nullptr);
  EXPECT_EQ(h.reg.state(), State::registered);
  EXPECT_EQ(h.reg.expires(), 600u);
  EXPECT_EQ(h.reg.registered_flow()->id, Flow::connection(3).id);
  ASSERT_EQ(h.changes.size(), 1u);
  EXPECT_EQ(h.changes[0].text, "registered at sips:127.0.0.1:5091 as acme (expires 600 s)");

  h.step();  // the refresh, from the UserAgent
  EXPECT_EQ(h.now, t0 + 300s);
  ASSERT_EQ(h.carrier.registers.size(), 4u);
  EXPECT_EQ(*h.carrier.registers[2].second.header(sip::hdr::call_id), *first.header(sip::hdr::call_id));
  EXPECT_EQ(h.reg.state(), State::registered);
  EXPECT_EQ(h.reg.registrations(), 2u);
  EXPECT_EQ(h.changes.size(), 1u);  // a refresh is not a change
  EXPECT_EQ(h.actions.size(), 1u);  // no new connection
}

TEST(TrunkRegistration, ARefusedRegisterBacksOffDoublingAndNeverGivesUp) {
  Harness h;
  h.carrier.status = 403;
  h.reg.start(h.now);
  h.flush();
  h.connect(3);
  EXPECT_EQ(h.reg.state(), State::backing_off);
  EXPECT_EQ(h.reg.last_error(), "403 Forbidden");
  ASSERT_FALSE(h.changes.empty());
  EXPECT_EQ(h.changes.back().text, "registration failed: 403 Forbidden; trying again in 1 s");
  std::vector<Duration> gaps;
  Timestamp last = h.now;
  for (int i = 0; i < 5; ++i) {
    const std::size_t before = h.carrier.registers.size();
    h.step();
    ASSERT_GT(h.carrier.registers.size(), before);  // again on the same connection
    gaps.push_back(h.now - last);
    last = h.now;
  }
  EXPECT_EQ(gaps, (std::vector<Duration>{1s, 2s, 4s, 8s, 8s}));  // capped
  EXPECT_EQ(h.actions.size(), 1u);  // the connection is kept
  h.carrier.status = 200;
  h.step();
  EXPECT_EQ(h.reg.state(), State::registered);
  EXPECT_TRUE(h.reg.last_error().empty());
}

TEST(TrunkRegistration, AnUnreachableRegistrarIsRetriedWithBackOff) {
  Harness h;
  h.reg.start(h.now);
  h.flush();
  h.reg.connect_failed(h.now, "connection refused");
  h.flush();
  EXPECT_EQ(h.reg.state(), State::backing_off);
  EXPECT_EQ(h.reg.last_error(), "cannot connect to sips:127.0.0.1:5091: connection refused");
  h.step();
  EXPECT_EQ(h.now, t0 + 1s);
  ASSERT_EQ(h.actions.size(), 2u);
  EXPECT_EQ(h.actions[1].kind, AK::connect);
  h.connect(4);
  EXPECT_EQ(h.reg.state(), State::registered);
}

TEST(TrunkRegistration, ALostConnectionRegistersAgainOnANewOne) {
  Harness h;
  h.reg.start(h.now);
  h.flush();
  h.connect(3);
  ASSERT_EQ(h.reg.state(), State::registered);
  h.now += 100s;
  h.reg.flow_closed(h.now, Flow::connection(99), "unrelated");  // not ours: nothing
  EXPECT_EQ(h.reg.state(), State::registered);
  h.reg.flow_closed(h.now, Flow::connection(3), "connection reset");
  h.flush();
  EXPECT_EQ(h.reg.state(), State::backing_off);
  EXPECT_FALSE(h.reg.registered_flow());
  EXPECT_EQ(h.changes.back().text,
            "registration lost: connection lost: connection reset; registering again in 1 s");
  h.step();
  EXPECT_EQ(h.now, t0 + 101s);
  ASSERT_TRUE(h.last_action_is(AK::connect));
  const std::size_t before = h.carrier.registers.size();
  h.connect(5);
  ASSERT_EQ(h.carrier.registers.size(), before + 2);
  EXPECT_EQ(h.carrier.registers.back().first.id, Flow::connection(5).id);
  EXPECT_EQ(h.reg.state(), State::registered);
  EXPECT_EQ(h.reg.registered_flow()->id, Flow::connection(5).id);
  // The old connection's refresh timer went with it: the next REGISTER is the new one's refresh.
  h.step();
  EXPECT_EQ(h.now, t0 + 101s + 300s);
}

TEST(TrunkRegistration, AnUnansweredKeepAliveClosesTheConnectionAndRegistersAgain) {
  Harness h(options(60s));
  h.reg.start(h.now);
  h.flush();
  h.connect(3);
  h.step();  // first ping at 80 % of 60 s
  EXPECT_EQ(h.now, t0 + 48s);
  ASSERT_TRUE(h.last_action_is(AK::ping));
  EXPECT_EQ(h.actions.back().flow.id, Flow::connection(3).id);
  h.reg.pong(h.now + 1s, Flow::connection(3));
  h.step();
  EXPECT_EQ(h.now, t0 + 97s);  // the next one, 48 s after the pong
  ASSERT_TRUE(h.last_action_is(AK::ping));
  h.step();  // no pong within 10 s
  EXPECT_EQ(h.now, t0 + 107s);
  ASSERT_GE(h.actions.size(), 2u);
  EXPECT_EQ(h.actions.back().kind, AK::close);
  EXPECT_EQ(h.reg.state(), State::backing_off);
  h.step();
  ASSERT_TRUE(h.last_action_is(AK::connect));
  h.connect(6);
  EXPECT_EQ(h.reg.state(), State::registered);
}

TEST(TrunkRegistration, StopUnregistersThenStops) {
  Harness h;
  h.reg.start(h.now);
  h.flush();
  h.connect(3);
  const std::size_t before = h.carrier.registers.size();
  h.reg.stop(h.now);
  h.flush();
  ASSERT_EQ(h.carrier.registers.size(), before + 2);  // Expires: 0, challenged, answered
  EXPECT_EQ(*h.carrier.registers.back().second.header(sip::hdr::expires), 0u);
  EXPECT_EQ(h.reg.state(), State::stopped);
  EXPECT_EQ(h.changes.back().text, "unregistered");
  EXPECT_FALSE(h.reg.keeper().next_timeout());
}

TEST(TrunkRegistration, StopWithoutAnAnswerEndsAfterTheUnregisterTimeout) {
  Harness h;
  h.reg.start(h.now);
  h.flush();
  h.connect(3);
  h.answer = false;
  h.reg.stop(h.now);
  h.flush();
  EXPECT_EQ(h.reg.state(), State::unregistering);
  h.step();
  EXPECT_EQ(h.now, t0 + 4s);
  EXPECT_EQ(h.reg.state(), State::stopped);
  EXPECT_EQ(h.changes.back().text, "unregister not confirmed: no answer to the unregister");
}

TEST(TrunkRegistration, AConnectionLostDuringTheUnregisterStops) {
  Harness h;
  h.reg.start(h.now);
  h.flush();
  h.connect(3);
  h.answer = false;
  h.reg.stop(h.now);
  h.flush();
  ASSERT_EQ(h.reg.state(), State::unregistering);
  h.reg.flow_closed(h.now, Flow::connection(3), "connection reset");
  h.flush();
  EXPECT_EQ(h.reg.state(), State::stopped);
  EXPECT_EQ(h.changes.back().text, "unregister not confirmed: connection lost: connection reset");
  EXPECT_FALSE(h.reg.keeper().next_timeout());
  EXPECT_TRUE(h.actions.back().kind == AK::connect);  // nothing new asked for
  EXPECT_EQ(h.actions.size(), 1u);
}

TEST(TrunkRegistration, StopBeforeRegisteringSendsNothing) {
  Harness h;
  h.reg.start(h.now);
  h.flush();
  h.reg.stop(h.now);
  h.flush();
  EXPECT_EQ(h.reg.state(), State::stopped);
  h.reg.connected(h.now, Flow::connection(3), true);  // the connect finished late
  h.flush();
  EXPECT_TRUE(h.carrier.registers.empty());
}

TEST(TrunkRegistration, ResponsesOfOtherCallsAreNotOurs) {
  Harness h;
  h.reg.start(h.now);
  h.flush();
  h.connect(3);
  SipMessage other = h.carrier.registers[0].second;
  other.remove(sip::HeaderId::call_id);
  other.add(sip::hdr::call_id, std::string("someone-else"));
  auto r = sip::make_response(other, 200, "OK", "x");
  ASSERT_TRUE(r);
  EXPECT_FALSE(h.reg.handle_response(h.now, Flow::connection(3), *r));
}

}  // namespace
}  // namespace sotto::runtime
