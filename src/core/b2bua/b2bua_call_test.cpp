// The B2BUA between sotto UserAgents as phones over the fake network: basic calls with SRTP on both
// legs under different keys, BYE either way, refusals (404, 480, 488 + Warning, 503 cause 88) and the
// record of every call, emitted before the final response.
#include <gtest/gtest.h>

#include "base/testing/deterministic_random.hpp"
#include "core/b2bua/testing_b2bua.hpp"
#include "core/negotiation/negotiated_session.hpp"

namespace sotto::b2bua {
namespace {

using testing::uri;
using Kind = ua::UaEvent::Kind;
using ua::CallState;
using namespace std::chrono_literals;

B2buaConfig server_config() {
  B2buaConfig c;
  c.domains = {"localhost", "127.0.0.1"};
  c.bindings = {ua::LocalBinding{"TLS", "127.0.0.1", 5061}, ua::LocalBinding{"UDP", "127.0.0.1", 5060}};
  return c;
}

// alice (TLS 5071) and bob (TLS 5072) registered at the server; bob's binding reachable only down
// his own connection (a phone without a listener, like linphone) unless `bob_listens`.
struct World {
  sotto::testing::DeterministicRandom rng{7};
  testing::FakeLocations locations;
  testing::FakeAuthenticator auth;
  testing::FakeAnchor anchor;
  testing::FakePolicies policies;
  B2bua server;
  ua::UserAgent alice;
  ua::UserAgent bob;
  testing::Net net;
  int a = 0;
  int b = 0;
  ua::CallHandle call = 0;

  explicit World(B2buaConfig cfg = server_config(), ua::UaConfig alice_cfg = testing::phone("alice", 5071),
                 ua::UaConfig bob_cfg = testing::phone("bob", 5072))
      : server(std::move(cfg), locations, auth, anchor, policies, rng), alice(std::move(alice_cfg)), bob(std::move(bob_cfg)) {
    net.attach(server);
    a = net.add_phone("alice", alice);
    b = net.add_phone("bob", bob);
    auth.passwords = {{"alice", "pw-alice"}, {"bob", "pw-bob"}};
    policies.users["alice"] = UserPolicy{};
    policies.users["bob"] = UserPolicy{};
  }

  registrar::Binding& register_phone(const std::string& user, int node, std::uint16_t port, bool listens = false,
                                     const std::string& transport = "TLS") {
    registrar::Binding bind;
    bind.user = user;
    // Without a listener the contact names a port nobody binds: only the flow reaches the phone.
    const std::uint16_t contact_port = listens ? port : static_cast<std::uint16_t>(port + 1000);
    bind.contact = uri(transport == "TLS" ? "sips:" + user + "@127.0.0.1:" + std::to_string(contact_port)
                                          : "sip:" + user + "@127.0.0.1:" + std::to_string(contact_port) + ";transport=" +
                                                (transport == "UDP" ? "udp" : "tcp"));
    bind.transport = *sip::parse_transport(transport);
    bind.flow = net.connect(node, transport);
    bind.flow_alive = true;
    bind.source_ip = "127.0.0.1";
    bind.source_port = port;
    locations.bindings[user].push_back(bind);
    return locations.bindings[user].back();
  }

  void dial(const std::string& target = "sips:bob@localhost") {
    auto h = alice.call(net.now, uri(target), ua::CallOptions{"127.0.0.1", 41000, "IP4"});
    ASSERT_TRUE(h) << h.error().message();
    call = *h;
  }

  void establish() {
    register_phone("bob", b, 5072);
    dial();
    ASSERT_TRUE(net.run_until([&] { return net.has(b, Kind::incoming_call); }));
    ASSERT_TRUE(bob.answer(net.now, net.find(b, Kind::incoming_call)->call));
    ASSERT_TRUE(net.run_until([&] {
      return net.has_state(a, CallState::established) && net.has_state(b, CallState::established);
    }));
  }
  ua::CallHandle bob_call() const { return net.find(b, Kind::incoming_call)->call; }
  const B2buaEvent* ended() const { return net.server_event(B2buaEvent::Kind::call_ended); }
  // Index of `entry` in the server's output log, or -1.
  int log_index(const std::string& entry) const {
    for (std::size_t i = 0; i < net.server_log.size(); ++i) if (net.server_log[i] == entry) return static_cast<int>(i);
    return -1;
  }
};

TEST(B2buaCall, BasicCallBothLegsSrtpWithDifferentKeysPerLeg) {
  World w;
  w.establish();
  EXPECT_EQ(w.auth.challenges, 1);  // the first INVITE was challenged with 407
  EXPECT_EQ(w.net.count(w.a, "407"), 1u);
  EXPECT_EQ(w.net.count(w.a, "100"), 1u);
  EXPECT_EQ(w.net.count(w.a, "180"), 1u);  // bob's ringing passed through
  // Both phones see SRTP, each with keys of its own leg.
  const ua::UaEvent* am = w.net.find(w.a, Kind::media_ready);
  const ua::UaEvent* bm = w.net.find(w.b, Kind::media_ready);
  ASSERT_TRUE(am && am->media && bm && bm->media);
  EXPECT_TRUE(am->media->srtp);
  EXPECT_TRUE(bm->media->srtp);
  // alice sends her media to the anchor's side a, bob to side b.
  EXPECT_EQ(am->media->stream.remote_port, w.anchor.local(1, relay::Side::a).rtp_port);
  EXPECT_EQ(bm->media->stream.remote_port, w.anchor.local(1, relay::Side::b).rtp_port);
  // The relay learned both legs, with SRTP keys, and they differ per leg.
  auto la = w.anchor.on(relay::Side::a);
  auto lb = w.anchor.on(relay::Side::b);
  ASSERT_EQ(la.size(), 1u);
  ASSERT_EQ(lb.size(), 1u);
  ASSERT_TRUE(la[0].media.local_key && la[0].media.remote_key && lb[0].media.local_key && lb[0].media.remote_key);
  EXPECT_FALSE(negotiation::same_key(*la[0].media.local_key, *lb[0].media.local_key));
  EXPECT_FALSE(negotiation::same_key(*la[0].media.remote_key, *lb[0].media.remote_key));
  EXPECT_FALSE(negotiation::same_key(*la[0].media.local_key, *lb[0].media.remote_key));
  EXPECT_EQ(la[0].media.remote_rtp_port, 41000);  // alice's RTP
  EXPECT_EQ(lb[0].media.remote_rtp_port, 5072 + 30000);  // bob's RTP
  // bob was reached down his own connection (his contact is not reachable).
  EXPECT_EQ(w.net.count(w.b, "INVITE"), 1u);
  // RFC 4733 events stay in both legs' SDP (DTMF is relayed as media).
  EXPECT_NE(w.net.received(w.b, "INVITE")[0].body().find("a=rtpmap:101 telephone-event/8000"), std::string::npos);
  EXPECT_NE(w.net.received(w.a, "200")[0].body().find("a=rtpmap:101 telephone-event/8000"), std::string::npos);
  EXPECT_TRUE(am->media->stream.telephone_event_pt);
  EXPECT_TRUE(bm->media->stream.telephone_event_pt);
  const B2buaEvent* answered = w.net.server_event(B2buaEvent::Kind::call_answered);
  ASSERT_TRUE(answered);
  EXPECT_TRUE(answered->record.answered);
  EXPECT_EQ(w.net.server_event(B2buaEvent::Kind::call_ended), nullptr);
}

TEST(B2buaCall, ByeFromCallerEndsBothLegsAndRecordsTheCallFirst) {
  World w;
  w.establish();
  ASSERT_TRUE(w.alice.hangup(w.net.now, w.call));
  ASSERT_TRUE(w.net.run_until([&] {
    return w.net.has_state(w.a, CallState::terminated) && w.net.has_state(w.b, CallState::terminated);
  }));
  const B2buaEvent* ev = w.ended();
  ASSERT_TRUE(ev);
  const CallRecord& r = ev->record;
  EXPECT_EQ(r.result, CallResult::answered);
  EXPECT_EQ(to_string(r.result), "answered");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.reason, "BYE from caller");
  EXPECT_EQ(r.from, "sips:alice@localhost");
  EXPECT_EQ(r.to, "sips:bob@localhost");
  EXPECT_FALSE(r.call_id.empty());
  ASSERT_EQ(r.legs.size(), 2u);
  EXPECT_EQ(r.legs[0].side, relay::Side::a);
  EXPECT_EQ(r.legs[0].user, "alice");
  EXPECT_EQ(r.legs[0].transport, "TLS");
  EXPECT_TRUE(r.legs[0].signalling_tls);
  ASSERT_TRUE(r.legs[0].srtp_suite);
  EXPECT_EQ(*r.legs[0].srtp_suite, "AES_CM_128_HMAC_SHA1_80");
  EXPECT_EQ(r.legs[0].stats.packets_in, 100u);
  EXPECT_EQ(r.legs[1].user, "bob");
  EXPECT_EQ(r.legs[1].transport, "TLS");
  ASSERT_TRUE(r.legs[1].srtp_suite);
  EXPECT_EQ(r.legs[1].stats.packets_in, 90u);
  ASSERT_TRUE(r.answered);
  EXPECT_GE(r.ended, *r.answered);
  // The record was out before the 200 to alice's BYE; then bob got his BYE; the relay is closed.
  const int rec = w.log_index("event:call_ended");
  ASSERT_GE(rec, 0);
  EXPECT_GT(w.log_index("tx:200") , -1);
  for (std::size_t i = 0; i < static_cast<std::size_t>(rec); ++i) EXPECT_NE(w.net.server_log[i], "tx:BYE");
  EXPECT_EQ(w.net.count(w.b, "BYE"), 1u);
  EXPECT_EQ(w.anchor.closed, std::vector<relay::RelayId>{1});
}

TEST(B2buaCall, HangUpByTheServerRecordsThenByesBothLegs) {
  World w;
  w.establish();
  const B2buaEvent* started = w.net.server_event(B2buaEvent::Kind::call_started);
  ASSERT_TRUE(started);
  w.server.hang_up(w.net.now, started->call, "server shutting down");
  ASSERT_TRUE(w.net.run_until([&] {
    return w.net.has_state(w.a, CallState::terminated) && w.net.has_state(w.b, CallState::terminated);
  }));
  const B2buaEvent* ev = w.ended();
  ASSERT_TRUE(ev);
  EXPECT_EQ(ev->record.result, CallResult::answered);
  EXPECT_EQ(ev->record.status, 200);
  EXPECT_EQ(ev->record.reason, "server shutting down");
  EXPECT_EQ(w.net.count(w.a, "BYE"), 1u);
  EXPECT_EQ(w.net.count(w.b, "BYE"), 1u);
  EXPECT_EQ(w.anchor.closed, std::vector<relay::RelayId>{1});
  // Once ended, a second hang_up (a second SIGTERM) changes nothing.
  w.server.hang_up(w.net.now, started->call, "again");
  EXPECT_EQ(w.net.count(w.a, "BYE"), 1u);
}

TEST(B2buaCall, ByeFromCalleeEndsBothLegs) {
  World w;
  w.establish();
  ASSERT_TRUE(w.bob.hangup(w.net.now, w.bob_call()));
  ASSERT_TRUE(w.net.run_until([&] {
    return w.net.has_state(w.a, CallState::terminated) && w.net.has_state(w.b, CallState::terminated);
  }));
  ASSERT_TRUE(w.ended());
  EXPECT_EQ(w.ended()->record.reason, "BYE from callee");
  EXPECT_EQ(w.ended()->record.result, CallResult::answered);
  EXPECT_EQ(w.net.count(w.a, "BYE"), 1u);
  EXPECT_EQ(w.anchor.closed.size(), 1u);
}

TEST(B2buaCall, CalleeWithListenerIsCalledAtItsContactWhenItsFlowIsGone) {
  World w;
  registrar::Binding& bind = w.register_phone("bob", w.b, 5072, /*listens=*/true);
  bind.flow_alive = false;
  w.dial("sip:bob@localhost;transport=tls");
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has(w.b, Kind::incoming_call); }));
  ASSERT_TRUE(w.bob.answer(w.net.now, w.bob_call()));
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has_state(w.a, CallState::established); }));
  EXPECT_TRUE(w.net.find(w.b, Kind::incoming_call)->secure);
}

TEST(B2buaCall, UnknownUserGets404WithoutARecord) {
  World w;
  w.dial("sips:carol@localhost");
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has_state(w.a, CallState::failed); }));
  EXPECT_EQ(w.net.find_state(w.a, CallState::failed)->status, 404);
  EXPECT_EQ(w.ended(), nullptr);  // refused before a call existed: nothing to record
}

TEST(B2buaCall, UnregisteredUserGets480WithTheRecordBeforeTheResponse) {
  World w;
  w.dial();
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has_state(w.a, CallState::failed); }));
  EXPECT_EQ(w.net.find_state(w.a, CallState::failed)->status, 480);
  ASSERT_TRUE(w.ended());
  EXPECT_EQ(w.ended()->record.result, CallResult::rejected);
  EXPECT_EQ(w.ended()->record.status, 480);
  const int rec = w.log_index("event:call_ended");
  const int resp = w.log_index("tx:480");
  ASSERT_GE(rec, 0);
  ASSERT_GE(resp, 0);
  EXPECT_LT(rec, resp);  // the harness polls transmits first: the B2BUA held the 480 back
}

TEST(B2buaCall, CallerOfferWithoutSrtpUnderRequireGets488WithWarning305) {
  ua::UaConfig alice_cfg = testing::phone("alice", 5071);
  alice_cfg.media_policy.mode = negotiation::SrtpMode::off;  // offers plain RTP/AVP
  World w(server_config(), alice_cfg);
  w.register_phone("bob", w.b, 5072);
  w.dial();
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has_state(w.a, CallState::failed); }));
  const ua::UaEvent* failed = w.net.find_state(w.a, CallState::failed);
  EXPECT_EQ(failed->status, 488);
  EXPECT_EQ(failed->warning, "SRTP required but not offered: RTP/AVP without a=crypto");
  auto r488 = w.net.received(w.a, "488");
  ASSERT_EQ(r488.size(), 1u);
  ASSERT_TRUE(r488[0].find(sip::HeaderId::warning));
  EXPECT_EQ(r488[0].find(sip::HeaderId::warning)->value.rfind("305 sotto \"", 0), 0u);
  EXPECT_EQ(w.net.count(w.b, "INVITE"), 0u);  // bob never rang
  EXPECT_TRUE(w.anchor.opened.empty());
}

TEST(B2buaCall, CalleeWithoutSrtpGets503Cause88) {
  ua::UaConfig bob_cfg = testing::phone("bob", 5072);
  bob_cfg.media_policy.mode = negotiation::SrtpMode::off;  // refuses RTP/SAVP with 488
  World w(server_config(), testing::phone("alice", 5071), bob_cfg);
  w.register_phone("bob", w.b, 5072);
  w.dial();
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has_state(w.a, CallState::failed); }));
  EXPECT_EQ(w.net.find_state(w.a, CallState::failed)->status, 503);
  auto r503 = w.net.received(w.a, "503");
  ASSERT_EQ(r503.size(), 1u);
  const sip::Header* reason = r503[0].find("Reason");
  ASSERT_TRUE(reason);
  EXPECT_EQ(reason->value, "Q.850;cause=88;text=\"Incompatible destination\"");
  ASSERT_TRUE(w.ended());
  EXPECT_EQ(w.ended()->record.result, CallResult::failed);
  EXPECT_EQ(w.ended()->record.status, 503);
  EXPECT_LT(w.log_index("event:call_ended"), w.log_index("tx:503"));
  EXPECT_EQ(w.anchor.closed.size(), 1u);
}

TEST(B2buaCall, CalleeUnderOfferPolicyMayAnswerPlainRtpAndItsLegIsRecordedPlain) {
  // bob's account says SRTP offer (best effort RTP/AVP + a=crypto) and bob's phone does not do SRTP:
  // leg B runs plain RTP (allowed by bob's policy), leg A stays SRTP. (Under require the same answer
  // gets 503 cause 88: CalleeAnswering200WithoutSrtpUnderRequireGets503Cause88AndBye.)
  ua::UaConfig bob_cfg = testing::phone("bob", 5072);
  bob_cfg.media_policy.mode = negotiation::SrtpMode::off;
  World w(server_config(), testing::phone("alice", 5071), bob_cfg);
  UserPolicy best_effort;
  best_effort.media.mode = negotiation::SrtpMode::offer;
  best_effort.media.offer_profile = negotiation::OfferProfile::avp_with_crypto;
  w.policies.users["bob"] = best_effort;
  w.register_phone("bob", w.b, 5072);
  w.dial();
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has(w.b, Kind::incoming_call); }));
  ASSERT_TRUE(w.bob.answer(w.net.now, w.bob_call()));
  // Under offer, plain RTP on leg B is acceptable: the call is answered, leg B plain, leg A SRTP.
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has_state(w.a, CallState::established); }));
  ASSERT_TRUE(w.alice.hangup(w.net.now, w.call));
  ASSERT_TRUE(w.net.run_until([&] { return w.ended() != nullptr; }));
  ASSERT_EQ(w.ended()->record.legs.size(), 2u);
  EXPECT_TRUE(w.ended()->record.legs[0].srtp_suite);
  EXPECT_FALSE(w.ended()->record.legs[1].srtp_suite);
  EXPECT_TRUE(w.ended()->record.legs[1].media_negotiated);
}

TEST(B2buaCall, CalleeRegisteredOverForbiddenTransportGets503Cause88) {
  World w;
  w.register_phone("bob", w.b, 5072, false, "UDP");  // bob's policy allows TLS only
  w.dial("sip:bob@localhost;transport=tls");
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has_state(w.a, CallState::failed); }));
  EXPECT_EQ(w.net.find_state(w.a, CallState::failed)->status, 503);
  auto r503 = w.net.received(w.a, "503");
  ASSERT_EQ(r503.size(), 1u);
  ASSERT_TRUE(r503[0].find("Reason"));
  EXPECT_EQ(w.net.count(w.b, "INVITE"), 0u);
  ASSERT_TRUE(w.ended());
  EXPECT_NE(w.ended()->record.reason.find("does not allow"), std::string::npos) << w.ended()->record.reason;
}

TEST(B2buaCall, SipsCallToAPhoneRegisteredOverUdpGets503Cause88) {
  World w;
  UserPolicy udp_ok;
  udp_ok.allowed_transports = {sip::Transport::tls, sip::Transport::udp};
  udp_ok.media.allow_sdes_over_insecure_transport = true;
  w.policies.users["bob"] = udp_ok;
  w.register_phone("bob", w.b, 5072, false, "UDP");
  w.dial("sips:bob@localhost");
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has_state(w.a, CallState::failed); }));
  EXPECT_EQ(w.net.find_state(w.a, CallState::failed)->status, 503);
  ASSERT_TRUE(w.ended());
  EXPECT_NE(w.ended()->record.reason.find("sips:"), std::string::npos) << w.ended()->record.reason;
}

TEST(B2buaCall, SipCallToAPhoneOverUdpWhereItsPolicyAllowsItIsRecordedPerLeg) {
  ua::UaConfig bob_cfg = testing::phone("bob", 5072, "UDP");
  World w(server_config(), testing::phone("alice", 5071), bob_cfg);
  UserPolicy udp_ok;
  udp_ok.allowed_transports = {sip::Transport::tls, sip::Transport::udp};
  udp_ok.media.allow_sdes_over_insecure_transport = true;  // SDES keys in the clear: the operator's choice
  w.policies.users["bob"] = udp_ok;
  w.register_phone("bob", w.b, 5072, false, "UDP");
  w.dial("sip:bob@localhost;transport=tls");
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has(w.b, Kind::incoming_call); }));
  EXPECT_FALSE(w.net.find(w.b, Kind::incoming_call)->secure);
  ASSERT_TRUE(w.bob.answer(w.net.now, w.bob_call()));
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has_state(w.a, CallState::established); }));
  ASSERT_TRUE(w.alice.hangup(w.net.now, w.call));
  ASSERT_TRUE(w.net.run_until([&] { return w.ended() != nullptr; }));
  const CallRecord& r = w.ended()->record;
  ASSERT_EQ(r.legs.size(), 2u);
  EXPECT_EQ(r.legs[0].transport, "TLS");
  EXPECT_TRUE(r.legs[0].signalling_tls);
  EXPECT_EQ(r.legs[1].transport, "UDP");
  EXPECT_FALSE(r.legs[1].signalling_tls);
  EXPECT_TRUE(r.legs[1].srtp_suite);  // SRTP, but keyed over UDP: the record says so per leg
}

TEST(B2buaCall, NoMediaPortsGives503) {
  World w;
  w.anchor.full = true;
  w.register_phone("bob", w.b, 5072);
  w.dial();
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has_state(w.a, CallState::failed); }));
  EXPECT_EQ(w.net.find_state(w.a, CallState::failed)->status, 503);
  ASSERT_TRUE(w.ended());
  EXPECT_EQ(w.ended()->record.result, CallResult::failed);
}

// Ended calls wait 64*T1 in a purge queue: the server's next timeout reaches each purge at its time and
// handle_timeout removes exactly the calls that are due, one by one, in the order they ended.
TEST(B2buaCall, EndedCallsArePurgedOneByOneExactly64T1AfterTheyEnded) {
  World w;
  constexpr std::size_t n = 20;
  std::vector<Timestamp> ended_at;
  for (std::size_t i = 0; i < n; ++i) {
    w.dial();  // bob is not registered: 480, the call ends at once
    ASSERT_TRUE(w.net.run_until([&] { return w.server.call_count() == i + 1; }));
    ended_at.push_back(w.net.now);
    w.net.run_for(1s + std::chrono::milliseconds(37 * i));  // distinct, uneven gaps
  }
  ASSERT_LT(w.net.now, ended_at.front() + 64 * sip::txn::TimerConfig{}.t1) << "no purge yet";
  ASSERT_EQ(w.server.call_count(), n);
  for (std::size_t i = 0; i < n; ++i) {
    ASSERT_TRUE(w.net.run_until([&] { return w.server.call_count() < n - i; }, 60s)) << "call " << i;
    EXPECT_EQ(w.net.now, ended_at[i] + 64 * sip::txn::TimerConfig{}.t1) << "call " << i;
    EXPECT_EQ(w.server.call_count(), n - i - 1) << "only the due call is purged";
  }
  EXPECT_EQ(w.server.call_count(), 0u);
}

}  // namespace
}  // namespace sotto::b2bua
