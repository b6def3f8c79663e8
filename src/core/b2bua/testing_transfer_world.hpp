#pragma once
// Test-only: the world the B2BUA transfer tests share (b2bua_transfer_test.cpp: blind; b2bua_attended_test.cpp:
// attended and Replaces): alice (5071) calls bob (5072), carol (5073) is the usual target, all over TLS
// with SRTP through one B2bua with fake locations, authenticator, anchor and policies; and a replay of the
// anchor's set_leg calls into a real relay core (no outbound key handed out twice).
//
//   World w;  w.establish();  w.refer(w.b, w.bob, w.bob_call(), "<sips:carol@localhost>");

#include <gtest/gtest.h>
#include "base/testing/deterministic_random.hpp"
#include "core/b2bua/media.hpp"
#include "core/b2bua/replaces.hpp"
#include "core/negotiation/offerer.hpp"
#include "core/b2bua/testing_transfer.hpp"
#include "core/negotiation/negotiated_session.hpp"
#include "core/relay/relay.hpp"
#include "core/sdes/to_policy.hpp"
#include "core/srtp/testing_packets.hpp"
#include "core/transaction/invite_client_transaction.hpp"
#include "core/sdp/sdp.hpp"

namespace sotto::b2bua::transfer_test {

using testing::uri;
using Kind = ua::UaEvent::Kind;
using ua::CallState;
using relay::Side;
using sip::SipMessage;
using namespace std::chrono_literals;

inline B2buaConfig server_config() {
  B2buaConfig c;
  c.domains = {"localhost", "127.0.0.1"};
  c.bindings = {ua::LocalBinding{"TLS", "127.0.0.1", 5061}};
  return c;
}

// alice (5071) calls bob (5072); carol (5073) is the usual transfer target. All over TLS with SRTP.
struct World {
  sotto::testing::DeterministicRandom rng{11};
  testing::FakeLocations locations;
  testing::FakeAuthenticator auth;
  testing::FakeAnchor anchor;
  testing::FakePolicies policies;
  B2bua server;
  ua::UserAgent alice{testing::phone("alice", 5071)};
  ua::UserAgent bob{testing::phone("bob", 5072)};
  ua::UserAgent carol{testing::phone("carol", 5073)};
  testing::Net net;
  int a = 0, b = 0, k = 0;
  ua::CallHandle call = 0;  // alice's handle of the first call

  explicit World(B2buaConfig cfg = server_config()) : server(std::move(cfg), locations, auth, anchor, policies, rng) {
    net.attach(server);
    a = net.add_phone("alice", alice);
    b = net.add_phone("bob", bob);
    k = net.add_phone("carol", carol);
    auth.passwords = {{"alice", "pw-alice"}, {"bob", "pw-bob"}, {"carol", "pw-carol"}};
    for (const char* u : {"alice", "bob", "carol"}) policies.users[u] = UserPolicy{};
    reg("alice", a, 5071);
    reg("bob", b, 5072);
    reg("carol", k, 5073);
  }
  void reg(const std::string& user, int node, std::uint16_t port) {
    registrar::Binding bind;
    bind.user = user;
    bind.contact = uri("sips:" + user + "@127.0.0.1:" + std::to_string(port + 1000));  // reached down its flow only
    bind.transport = sip::Transport::tls;
    bind.flow = net.connect(node, "TLS");
    bind.flow_alive = true;
    locations.bindings[user].push_back(bind);
  }
  // alice calls bob, bob answers.
  void establish() {
    auto h = alice.call(net.now, uri("sips:bob@localhost"), ua::CallOptions{"127.0.0.1", 41000, "IP4"});
    ASSERT_TRUE(h);
    call = *h;
    ASSERT_TRUE(net.run_until([&] { return net.has(b, Kind::incoming_call); }));
    ASSERT_TRUE(bob.answer(net.now, bob_call()));
    ASSERT_TRUE(net.run_until([&] { return net.has_state(a, CallState::established) && net.has_state(b, CallState::established); }));
  }
  ua::CallHandle bob_call(int nth = 0) const { return net.find(b, Kind::incoming_call, nth)->call; }
  void refer(int node, const ua::UserAgent& phone, ua::CallHandle h, const std::string& to, std::uint32_t bump = 100,
             const std::vector<std::pair<std::string, std::string>>& extra = {}) {
    SipMessage r = testing::phone_refer(phone, h, to, bump);
    for (const auto& [n, v] : extra) (void)r.add_raw(n, v);
    net.send(node, net.flow_to_server(node, "TLS"), r);
  }
  std::vector<const B2buaEvent*> events(B2buaEvent::Kind kind) const {
    std::vector<const B2buaEvent*> out;
    for (const auto& e : net.server_events) if (e.kind == kind) out.push_back(&e);
    return out;
  }
  std::string warning_of(int node, const std::string& status) const {
    auto r = net.received(node, status);
    if (r.empty()) return "";
    const sip::Header* w = r.back().find(sip::HeaderId::warning);
    return w ? w->value : "";
  }
};

// Every set_leg the B2BUA made, replayed into a real relay core with its own key registry: each one is
// accepted, so no outbound master key was ever handed to the relay for a second context.
inline void replay_into_relay(const testing::FakeAnchor& anchor, relay::RelayId id) {
  srtp::KeyRegistry registry;
  relay::Relay r(id, relay::RelayOptions{.dead_after = 60s, .outbound_keys = &registry});
  for (const auto& l : anchor.legs) {
    if (l.relay != id) continue;
    auto st = r.set_leg(testing::start_time(), l.side, l.media);
    EXPECT_TRUE(st) << (st ? "" : st.error().context);
  }
}

}  // namespace sotto::b2bua::transfer_test
