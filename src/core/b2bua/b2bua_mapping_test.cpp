// CANCEL, busy, decline, no answer, and forking to several bindings with CANCEL of the losers.
#include <gtest/gtest.h>

#include "base/testing/deterministic_random.hpp"
#include "core/b2bua/testing_b2bua.hpp"

namespace sotto::b2bua {
namespace {

using testing::uri;
using Kind = ua::UaEvent::Kind;
using ua::CallState;
using namespace std::chrono_literals;

B2buaConfig server_config() {
  B2buaConfig c;
  c.domains = {"localhost"};
  c.bindings = {ua::LocalBinding{"TLS", "127.0.0.1", 5061}};
  return c;
}

// alice calls bob, who has one phone (bob1) or two (bob1, bob2), each reachable down its connection.
struct Fork {
  sotto::testing::DeterministicRandom rng{11};
  testing::FakeLocations locations;
  testing::FakeAuthenticator auth;
  testing::FakeAnchor anchor;
  testing::FakePolicies policies;
  B2bua server;
  ua::UserAgent alice{testing::phone("alice", 5071)};
  ua::UserAgent bob1{testing::phone("bob", 5072)};
  ua::UserAgent bob2{testing::phone("bob", 5073)};
  testing::Net net;
  int a = 0;
  int b1 = 0;
  int b2 = 0;
  ua::CallHandle call = 0;

  explicit Fork(bool two_phones, B2buaConfig cfg = server_config())
      : server(std::move(cfg), locations, auth, anchor, policies, rng) {
    net.attach(server);
    a = net.add_phone("alice", alice);
    b1 = net.add_phone("bob1", bob1);
    b2 = net.add_phone("bob2", bob2);
    auth.passwords = {{"alice", "pw-alice"}};
    policies.users["alice"] = UserPolicy{};
    policies.users["bob"] = UserPolicy{};
    add_binding(b1, 5072);
    if (two_phones) add_binding(b2, 5073);
  }
  void add_binding(int node, std::uint16_t port) {
    registrar::Binding bind;
    bind.pub_gruu = "sips:bob@localhost;gr=urn:uuid:" + std::to_string(port);
    bind.user = "bob";
    bind.contact = uri("sips:bob@127.0.0.1:" + std::to_string(port + 1000));  // no listener
    bind.flow = net.connect(node, "TLS");
    bind.source_port = port;
    locations.bindings["bob"].push_back(bind);
  }
  void dial(const std::string& target = "sips:bob@localhost") {
    auto h = alice.call(net.now, uri(target), ua::CallOptions{"127.0.0.1", 41000, "IP4"});
    ASSERT_TRUE(h) << h.error().message();
    call = *h;
  }
  bool ringing(int n) { return net.has(n, Kind::incoming_call); }
  ua::CallHandle incoming(int n) { return net.find(n, Kind::incoming_call)->call; }
  const B2buaEvent* ended() const { return net.server_event(B2buaEvent::Kind::call_ended); }
  int log_index(const std::string& entry) const {
    for (std::size_t i = 0; i < net.server_log.size(); ++i) if (net.server_log[i] == entry) return static_cast<int>(i);
    return -1;
  }
};

TEST(B2buaMapping, CallerCancelsWhileRingingCalleeGetsCancelCallerGets487) {
  Fork f(false);
  f.dial();
  ASSERT_TRUE(f.net.run_until([&] { return f.ringing(f.b1) && f.net.count(f.a, "180") == 1; }));
  ASSERT_TRUE(f.alice.hangup(f.net.now, f.call));
  ASSERT_TRUE(f.net.run_until([&] {
    return f.net.has_state(f.a, CallState::terminated) && f.net.has_state(f.b1, CallState::terminated);
  }));
  EXPECT_EQ(f.net.find_state(f.a, CallState::terminated)->status, 487);
  EXPECT_EQ(f.net.find_state(f.b1, CallState::terminated)->status, 487);
  EXPECT_EQ(f.net.count(f.b1, "CANCEL"), 1u);
  ASSERT_TRUE(f.ended());
  EXPECT_EQ(f.ended()->record.result, CallResult::cancelled);
  EXPECT_EQ(f.ended()->record.status, 487);
  EXPECT_LT(f.log_index("event:call_ended"), f.log_index("tx:487"));
  EXPECT_EQ(f.anchor.closed.size(), 1u);
}

TEST(B2buaMapping, BusyCalleeGives486Busy) {
  Fork f(false);
  f.dial();
  ASSERT_TRUE(f.net.run_until([&] { return f.ringing(f.b1); }));
  ASSERT_TRUE(f.bob1.reject(f.net.now, f.incoming(f.b1), 486));
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has_state(f.a, CallState::failed); }));
  EXPECT_EQ(f.net.find_state(f.a, CallState::failed)->status, 486);
  ASSERT_TRUE(f.ended());
  EXPECT_EQ(f.ended()->record.result, CallResult::busy);
  EXPECT_EQ(to_string(f.ended()->record.result), "busy");
  EXPECT_EQ(f.ended()->record.status, 486);
}

TEST(B2buaMapping, BusyEverywhere600IsPassedThrough) {
  Fork f(false);
  f.dial();
  ASSERT_TRUE(f.net.run_until([&] { return f.ringing(f.b1); }));
  ASSERT_TRUE(f.bob1.reject(f.net.now, f.incoming(f.b1), 600));
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has_state(f.a, CallState::failed); }));
  EXPECT_EQ(f.net.find_state(f.a, CallState::failed)->status, 600);
  EXPECT_EQ(f.ended()->record.result, CallResult::busy);
}

TEST(B2buaMapping, DeclineIsPassedThroughAsRejected) {
  Fork f(false);
  f.dial();
  ASSERT_TRUE(f.net.run_until([&] { return f.ringing(f.b1); }));
  ASSERT_TRUE(f.bob1.reject(f.net.now, f.incoming(f.b1), 603));
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has_state(f.a, CallState::failed); }));
  EXPECT_EQ(f.net.find_state(f.a, CallState::failed)->status, 603);
  EXPECT_EQ(f.ended()->record.result, CallResult::rejected);
}

TEST(B2buaMapping, NoAnswerTimerCancelsTheCalleeAndGives480) {
  Fork f(false);
  f.dial();
  ASSERT_TRUE(f.net.run_until([&] { return f.ringing(f.b1); }));
  const Timestamp rang = f.net.now;
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has_state(f.a, CallState::failed); }, 120s));
  EXPECT_EQ(f.net.find_state(f.a, CallState::failed)->status, 480);
  EXPECT_GE(f.net.now - rang, 59s);
  EXPECT_LE(f.net.now - rang, 61s);
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has_state(f.b1, CallState::terminated); }));
  EXPECT_EQ(f.net.count(f.b1, "CANCEL"), 1u);
  EXPECT_EQ(f.ended()->record.result, CallResult::no_answer);
  EXPECT_EQ(to_string(f.ended()->record.result), "no-answer");
}

TEST(B2buaMapping, NoAnswerTimerIsConfigurableAndCanAnswer408) {
  B2buaConfig cfg = server_config();
  cfg.no_answer_timeout = 10s;
  cfg.no_answer_status = 408;
  Fork f(false, cfg);
  f.dial();
  ASSERT_TRUE(f.net.run_until([&] { return f.ringing(f.b1); }));
  const Timestamp rang = f.net.now;
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has_state(f.a, CallState::failed); }, 30s));
  EXPECT_EQ(f.net.find_state(f.a, CallState::failed)->status, 408);
  EXPECT_LE(f.net.now - rang, 11s);
}

TEST(B2buaMapping, TwoBindingsRingInParallelFirstAnswerWinsTheOtherIsCancelled) {
  Fork f(true);
  f.dial();
  ASSERT_TRUE(f.net.run_until([&] { return f.ringing(f.b1) && f.ringing(f.b2) && f.net.count(f.a, "180") > 0; }));
  f.net.run_for(100ms);
  EXPECT_EQ(f.net.count(f.a, "180"), 1u);  // one ringing for the caller, however many phones ring
  ASSERT_TRUE(f.bob2.answer(f.net.now, f.incoming(f.b2)));
  ASSERT_TRUE(f.net.run_until([&] {
    return f.net.has_state(f.a, CallState::established) && f.net.has_state(f.b2, CallState::established) &&
           f.net.has_state(f.b1, CallState::terminated);
  }));
  EXPECT_EQ(f.net.count(f.b1, "CANCEL"), 1u);
  EXPECT_EQ(f.net.find_state(f.b1, CallState::terminated)->status, 487);
  EXPECT_EQ(f.net.count(f.b2, "CANCEL"), 0u);
  // Each fork got its own offer (own keys); the relay's side b is the winner's.
  auto invites1 = f.net.received(f.b1, "INVITE");
  auto invites2 = f.net.received(f.b2, "INVITE");
  ASSERT_EQ(invites1.size(), 1u);
  ASSERT_EQ(invites2.size(), 1u);
  EXPECT_NE(invites1[0].body(), invites2[0].body());
  auto lb = f.anchor.on(relay::Side::b);
  ASSERT_EQ(lb.size(), 1u);
  EXPECT_EQ(lb[0].media.remote_rtp_port, 5073 + 30000);
  // The call goes on with bob2: BYE from alice reaches bob2 only.
  ASSERT_TRUE(f.alice.hangup(f.net.now, f.call));
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has_state(f.b2, CallState::terminated); }));
  EXPECT_EQ(f.net.count(f.b2, "BYE"), 1u);
  EXPECT_EQ(f.net.count(f.b1, "BYE"), 0u);
  ASSERT_TRUE(f.ended());
  EXPECT_EQ(f.ended()->record.legs[1].stats.packets_in, 90u);
}

TEST(B2buaMapping, ForkedCallBusyOnOneStillRingsTheOther) {
  Fork f(true);
  f.dial();
  ASSERT_TRUE(f.net.run_until([&] { return f.ringing(f.b1) && f.ringing(f.b2); }));
  ASSERT_TRUE(f.bob1.reject(f.net.now, f.incoming(f.b1), 486));
  f.net.run_for(1s);
  EXPECT_FALSE(f.net.has_state(f.a, CallState::failed));
  ASSERT_TRUE(f.bob2.reject(f.net.now, f.incoming(f.b2), 603));
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has_state(f.a, CallState::failed); }));
  // 16.7: a 6xx wins over a 486.
  EXPECT_EQ(f.net.find_state(f.a, CallState::failed)->status, 603);
}

TEST(B2buaMapping, ForkedCallBothBusyGives486) {
  Fork f(true);
  f.dial();
  ASSERT_TRUE(f.net.run_until([&] { return f.ringing(f.b1) && f.ringing(f.b2); }));
  ASSERT_TRUE(f.bob1.reject(f.net.now, f.incoming(f.b1), 486));
  ASSERT_TRUE(f.bob2.reject(f.net.now, f.incoming(f.b2), 486));
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has_state(f.a, CallState::failed); }));
  EXPECT_EQ(f.net.find_state(f.a, CallState::failed)->status, 486);
  EXPECT_EQ(f.ended()->record.result, CallResult::busy);
}

TEST(B2buaMapping, CalleeConnectionLostBeforeAnswerGives480Failed) {
  Fork f(false);
  f.dial();
  ASSERT_TRUE(f.net.run_until([&] { return f.ringing(f.b1); }));
  f.server.handle_transport_error(f.net.now, f.locations.bindings["bob"][0].flow);
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has_state(f.a, CallState::failed); }));
  EXPECT_EQ(f.net.find_state(f.a, CallState::failed)->status, 480);
  EXPECT_EQ(f.ended()->record.result, CallResult::failed);
}

TEST(B2buaMapping, BothPhonesAnswerAtOnceTheLate2xxGetsAckAndBye) {
  Fork f(true);
  f.dial();
  ASSERT_TRUE(f.net.run_until([&] { return f.ringing(f.b1) && f.ringing(f.b2); }));
  ASSERT_TRUE(f.bob1.answer(f.net.now, f.incoming(f.b1)));
  ASSERT_TRUE(f.bob2.answer(f.net.now, f.incoming(f.b2)));
  ASSERT_TRUE(f.net.run_until([&] {
    return f.net.has_state(f.a, CallState::established) && f.net.has_state(f.b2, CallState::terminated);
  }));
  // bob1's 200 came first and won; bob2's was ACKed (13.2.2.4) and ended with BYE.
  EXPECT_EQ(f.net.count(f.b2, "ACK"), 1u);
  EXPECT_EQ(f.net.count(f.b2, "BYE"), 1u);
  EXPECT_TRUE(f.net.has_state(f.b1, CallState::established));
  EXPECT_EQ(f.net.count(f.b1, "BYE"), 0u);
  EXPECT_EQ(f.net.count(f.a, "200"), 1u);
  auto lb = f.anchor.on(relay::Side::b);
  ASSERT_EQ(lb.size(), 1u);
  EXPECT_EQ(lb[0].media.remote_rtp_port, 5072 + 30000);
  EXPECT_EQ(f.net.server_event(B2buaEvent::Kind::call_ended), nullptr);
}

TEST(B2buaMapping, CallToAGruuRingsOnlyThatPhone) {
  Fork f(true);
  f.dial("sips:bob@localhost;gr=urn:uuid:5073");
  ASSERT_TRUE(f.net.run_until([&] { return f.ringing(f.b2); }));
  f.net.run_for(1s);
  EXPECT_FALSE(f.ringing(f.b1));
  ASSERT_TRUE(f.bob2.answer(f.net.now, f.incoming(f.b2)));
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has_state(f.a, CallState::established); }));
}

TEST(B2buaMapping, CallToAnUnknownGruuGets480) {
  Fork f(true);
  f.dial("sips:bob@localhost;gr=urn:uuid:9999");
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has_state(f.a, CallState::failed); }));
  EXPECT_EQ(f.net.find_state(f.a, CallState::failed)->status, 480);
  EXPECT_FALSE(f.ringing(f.b1));
  EXPECT_FALSE(f.ringing(f.b2));
}

}  // namespace
}  // namespace sotto::b2bua
