// The B2BUA with a trunk to a fake carrier (a ua::UserAgent behind a digest edge that answers the
// first INVITE with 407) in virtual time: outbound by prefix with digest towards the carrier, inbound by
// source address and number, no unauthenticated calls from elsewhere, 503 cause 88 when the carrier
// cannot meet the trunk's policy.
#include <gtest/gtest.h>

#include <algorithm>

#include "base/testing/deterministic_random.hpp"
#include "core/b2bua/testing_b2bua.hpp"

namespace sotto::b2bua {
namespace {

using sip::SipMessage;
using testing::uri;
using Kind = ua::UaEvent::Kind;
using ua::CallState;
using namespace std::chrono_literals;

constexpr const char* kCarrierIp = "127.0.0.9";

B2buaConfig trunk_config() {
  B2buaConfig c;
  c.domains = {"localhost", "127.0.0.1"};
  c.bindings = {ua::LocalBinding{"TLS", "127.0.0.1", 5061}};
  Trunk t;
  t.name = "carrier";
  t.uri = uri("sips:127.0.0.1:5090");
  t.credentials = auth::DigestCredentials{"acme", "pw-acme"};
  t.policy.allowed_transports = {sip::Transport::tls};
  t.numbers = {{"+15550001", "alice"}};
  t.prefix = "0";
  t.source_ips = {kCarrierIp};
  c.trunks.push_back(t);
  return c;
}

// The carrier's phone carol at TLS 127.0.0.1:5090; her calls go to the server (outbound proxy).
ua::UaConfig carrier_phone() {
  ua::UaConfig c = testing::phone("carol", 5090);
  c.aor = uri("sips:carol@carrier.example");
  return c;
}

struct World {
  sotto::testing::DeterministicRandom rng{11};
  testing::FakeLocations locations;
  testing::FakeAuthenticator auth;
  testing::FakeAnchor anchor;
  testing::FakePolicies policies;
  B2bua server;
  ua::UserAgent alice;
  ua::UserAgent carol;
  testing::Net net;
  int a = 0;
  int k = 0;  // the carrier
  std::string carrier_password = "pw-acme";
  int carrier_challenges = 0;
  std::vector<std::string> carrier_auth_users;

  explicit World(B2buaConfig cfg = trunk_config(), ua::UaConfig carol_cfg = carrier_phone())
      : server(std::move(cfg), locations, auth, anchor, policies, rng),
        alice(testing::phone("alice", 5071)),
        carol(std::move(carol_cfg)) {
    net.attach(server);
    a = net.add_phone("alice", alice);
    k = net.add_phone("carrier", carol);
    auth.passwords = {{"alice", "pw-alice"}};
    policies.users["alice"] = UserPolicy{};
    // The carrier's edge: an INVITE without valid credentials for "acme" gets 407.
    net.gates[k] = [this](testing::Net& n, int node, Flow flow, const SipMessage& m) {
      if (m.is_request() && m.method().id() == sip::MethodId::ack) {
        auto to = m.header(sip::hdr::to);
        n.gate_consumed = to && to->tag() && *to->tag() == "edgetag";  // ACK of our 407
        return;
      }
      if (!m.is_request() || m.method().id() != sip::MethodId::invite) return;
      if (auto to = m.header(sip::hdr::to); to && to->tag()) return;  // re-INVITE
      if (const sip::Header* h = m.find(sip::HeaderId::proxy_authorization)) {
        auto cred = auth::parse_authorization(h->value);
        if (cred && cred->username == "acme" && auth::verify(*cred, carrier_password, "INVITE", m.body())) {
          carrier_auth_users.push_back(cred->username);
          return;  // to carol
        }
      }
      ++carrier_challenges;
      auto r = sip::make_response(m, 407, "Proxy Authentication Required", "edgetag");
      (void)r->add_raw("Proxy-Authenticate", "Digest realm=\"carrier\", nonce=\"n" + std::to_string(carrier_challenges) +
                                                 "\", qop=\"auth\", algorithm=SHA-256");
      n.send(node, flow, *r);
      n.gate_consumed = true;
    };
  }

  void register_alice() {
    registrar::Binding bind;
    bind.user = "alice";
    bind.contact = uri("sips:alice@127.0.0.1:6071");
    bind.transport = sip::Transport::tls;
    bind.flow = net.connect(a, "TLS");
    bind.source_ip = "127.0.0.1";
    bind.source_port = 5071;
    locations.bindings["alice"].push_back(bind);
  }
  const B2buaEvent* ended() const { return net.server_event(B2buaEvent::Kind::call_ended); }
};

TEST(B2buaTrunk, OutboundByPrefixAnswersTheCarriersDigestChallenge) {
  World w;
  auto h = w.alice.call(w.net.now, uri("sips:015550002@localhost"), ua::CallOptions{"127.0.0.1", 41000, "IP4"});
  ASSERT_TRUE(h);
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has(w.k, Kind::incoming_call); }));
  // The carrier saw two INVITEs: the challenged one, then one with credentials and the next CSeq.
  auto invites = w.net.received(w.k, "INVITE");
  ASSERT_EQ(invites.size(), 2u);
  EXPECT_EQ(w.carrier_challenges, 1);
  ASSERT_EQ(w.carrier_auth_users, std::vector<std::string>{"acme"});
  EXPECT_EQ(invites[0].find(sip::HeaderId::proxy_authorization), nullptr);
  EXPECT_EQ(invites[0].header(sip::hdr::cseq)->number + 1, invites[1].header(sip::hdr::cseq)->number);
  EXPECT_EQ(*invites[0].header(sip::hdr::call_id), *invites[1].header(sip::hdr::call_id));
  // Prefix stripped; From is the trunk account with the caller as display name.
  EXPECT_EQ(sip::serialize(invites[1].request_uri()), "sips:15550002@127.0.0.1:5090");
  EXPECT_EQ(invites[1].header(sip::hdr::to)->uri.user, "15550002");
  EXPECT_EQ(invites[1].header(sip::hdr::from)->uri.user, "+15550001");  // alice's number on this trunk
  EXPECT_EQ(invites[1].header(sip::hdr::from)->display_name, "alice");
  ASSERT_TRUE(w.carol.answer(w.net.now, w.net.find(w.k, Kind::incoming_call)->call));
  ASSERT_TRUE(w.net.run_until([&] {
    return w.net.has_state(w.a, CallState::established) && w.net.has_state(w.k, CallState::established);
  }));
  // The ACK of the 200 carries the INVITE's credentials (RFC 3261 22.1).
  auto acks = w.net.received(w.k, "ACK");
  ASSERT_FALSE(acks.empty());
  ASSERT_NE(acks.back().find(sip::HeaderId::proxy_authorization), nullptr);
  EXPECT_EQ(acks.back().find(sip::HeaderId::proxy_authorization)->value,
            invites[1].find(sip::HeaderId::proxy_authorization)->value);
  const ua::UaEvent* am = w.net.find(w.a, Kind::media_ready);
  const ua::UaEvent* km = w.net.find(w.k, Kind::media_ready);
  ASSERT_TRUE(am && am->media && km && km->media);
  EXPECT_TRUE(am->media->srtp);
  EXPECT_TRUE(km->media->srtp);
  EXPECT_EQ(km->media->stream.remote_port, w.anchor.local(1, relay::Side::b).rtp_port);  // anchored
  ASSERT_TRUE(w.carol.hangup(w.net.now, w.net.find(w.k, Kind::incoming_call)->call));
  ASSERT_TRUE(w.net.run_until([&] { return w.ended() != nullptr && w.net.has_state(w.a, CallState::terminated); }));
  const CallRecord& r = w.ended()->record;
  EXPECT_EQ(r.result, CallResult::answered);
  ASSERT_EQ(r.legs.size(), 2u);
  EXPECT_EQ(r.legs[1].user, "trunk:carrier");
  EXPECT_EQ(r.legs[1].transport, "TLS");
  EXPECT_TRUE(r.legs[1].signalling_tls);
  EXPECT_TRUE(r.legs[1].srtp_suite.has_value());
}

TEST(B2buaTrunk, CallerWithoutANumberOnTheTrunkIsSentAsTheTrunkAccount) {
  B2buaConfig cfg = trunk_config();
  cfg.trunks[0].numbers = {{"+15550009", "bob"}};
  World w(cfg);
  auto h = w.alice.call(w.net.now, uri("sips:015550002@localhost"), ua::CallOptions{"127.0.0.1", 41000, "IP4"});
  ASSERT_TRUE(h);
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has(w.k, Kind::incoming_call); }));
  auto invites = w.net.received(w.k, "INVITE");
  ASSERT_EQ(invites.size(), 2u);
  EXPECT_EQ(sip::serialize(invites[1].header(sip::hdr::from)->uri), "sips:acme@127.0.0.1:5090");
  EXPECT_EQ(invites[1].header(sip::hdr::from)->display_name, "alice");
}

TEST(B2buaTrunk, WrongCarrierPasswordFailsTheCallWithoutLooping) {
  World w;
  w.carrier_password = "not-what-we-send";
  auto h = w.alice.call(w.net.now, uri("sips:015550002@localhost"), ua::CallOptions{"127.0.0.1", 41000, "IP4"});
  ASSERT_TRUE(h);
  ASSERT_TRUE(w.net.run_until([&] { return w.ended() != nullptr && w.net.has_state(w.a, CallState::failed); }));
  EXPECT_EQ(w.carrier_challenges, 2);  // answered once, then given up (RFC 3261 22.2)
  EXPECT_FALSE(w.net.has(w.k, Kind::incoming_call));
  EXPECT_EQ(w.net.find_state(w.a, CallState::failed)->status, 480);
  EXPECT_NE(w.net.find_state(w.a, CallState::failed)->warning.find("trunk carrier"), std::string::npos);
}

TEST(B2buaTrunk, InboundFromTheCarriersAddressToANumberRingsTheMappedUser) {
  World w;
  w.net.source_ips[w.k] = kCarrierIp;
  w.register_alice();
  auto h = w.carol.call(w.net.now, uri("sips:+15550001@127.0.0.1"), ua::CallOptions{"127.0.0.1", 42000, "IP4"});
  ASSERT_TRUE(h);
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has(w.a, Kind::incoming_call); }));
  EXPECT_EQ(w.net.count(w.k, "407"), 0u);  // a trunk's call is not challenged
  EXPECT_EQ(w.auth.challenges, 0);
  ASSERT_TRUE(w.alice.answer(w.net.now, w.net.find(w.a, Kind::incoming_call)->call));
  ASSERT_TRUE(w.net.run_until([&] {
    return w.net.has_state(w.a, CallState::established) && w.net.has_state(w.k, CallState::established);
  }));
  const ua::UaEvent* km = w.net.find(w.k, Kind::media_ready);
  ASSERT_TRUE(km && km->media);
  EXPECT_TRUE(km->media->srtp);
  EXPECT_EQ(km->media->stream.remote_port, w.anchor.local(1, relay::Side::a).rtp_port);
  ASSERT_TRUE(w.carol.hangup(w.net.now, *h));
  ASSERT_TRUE(w.net.run_until([&] { return w.ended() != nullptr; }));
  EXPECT_EQ(w.ended()->record.legs.at(0).user, "trunk:carrier");
  EXPECT_EQ(w.ended()->record.legs.at(1).user, "alice");
}

TEST(B2buaTrunk, NumberFromAnUnknownSourceIsChallengedNotAcceptedAsATrunkCall) {
  World w;  // carol's messages come from 127.0.0.1, not the carrier's address
  w.register_alice();
  auto h = w.carol.call(w.net.now, uri("sips:+15550001@127.0.0.1"), ua::CallOptions{"127.0.0.1", 42000, "IP4"});
  ASSERT_TRUE(h);
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has_state(w.k, CallState::failed); }));
  EXPECT_GE(w.auth.challenges, 1);  // digest like any caller; carol has no account here
  EXPECT_FALSE(w.net.has(w.a, Kind::incoming_call));
  EXPECT_EQ(w.net.count(w.k, "407"), 2u);
}

TEST(B2buaTrunk, InboundNumberIsNeverRelayedBackOutToATrunk) {
  World w;
  w.net.source_ips[w.k] = kCarrierIp;
  // "0..." is the outbound prefix, but not one of the trunk's numbers: treated as an unknown caller.
  auto h = w.carol.call(w.net.now, uri("sips:015550002@127.0.0.1"), ua::CallOptions{"127.0.0.1", 42000, "IP4"});
  ASSERT_TRUE(h);
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has_state(w.k, CallState::failed); }));
  EXPECT_EQ(w.net.count(w.k, "INVITE"), 0u);
}

TEST(B2buaTrunk, CarrierThatCannotMeetTheTrunkPolicyGets503Cause88) {
  ua::UaConfig plain = carrier_phone();
  plain.media_policy.mode = negotiation::SrtpMode::off;
  World w(trunk_config(), plain);
  auto h = w.alice.call(w.net.now, uri("sips:015550002@localhost"), ua::CallOptions{"127.0.0.1", 41000, "IP4"});
  ASSERT_TRUE(h);
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has_state(w.a, CallState::failed); }));
  auto resp = w.net.received(w.a, "503");
  ASSERT_EQ(resp.size(), 1u);
  ASSERT_NE(resp[0].find("Reason"), nullptr);
  EXPECT_NE(resp[0].find("Reason")->value.find("cause=88"), std::string::npos);
}


TEST(B2buaTrunkPolicy, RtpOnlyTrunkIsBridgedWithSrtpKeptOnTheCallersLeg) {
  B2buaConfig cfg = trunk_config();
  cfg.trunks[0].policy.media.mode = negotiation::SrtpMode::off;  // srtp = "off": the carrier does plain RTP
  ua::UaConfig plain = carrier_phone();
  plain.media_policy.mode = negotiation::SrtpMode::off;
  World w(cfg, plain);
  auto h = w.alice.call(w.net.now, uri("sips:015550002@localhost"), ua::CallOptions{"127.0.0.1", 41000, "IP4"});
  ASSERT_TRUE(h);
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has(w.k, Kind::incoming_call); }));
  // Leg B's offer is plain RTP/AVP without keys.
  auto invites = w.net.received(w.k, "INVITE");
  ASSERT_FALSE(invites.empty());
  EXPECT_NE(invites.back().body().find("RTP/AVP"), std::string::npos);
  EXPECT_EQ(invites.back().body().find("a=crypto"), std::string::npos);
  ASSERT_TRUE(w.carol.answer(w.net.now, w.net.find(w.k, Kind::incoming_call)->call));
  ASSERT_TRUE(w.net.run_until([&] {
    return w.net.has_state(w.a, CallState::established) && w.net.has_state(w.k, CallState::established);
  }));
  const ua::UaEvent* am = w.net.find(w.a, Kind::media_ready);
  const ua::UaEvent* km = w.net.find(w.k, Kind::media_ready);
  ASSERT_TRUE(am && am->media && km && km->media);
  EXPECT_TRUE(am->media->srtp);   // alice's account requires SRTP: her leg keeps it
  EXPECT_FALSE(km->media->srtp);  // the trunk allows plain RTP: its leg is bridged without
}

TEST(B2buaTrunkPolicy, SrtpTrunkOverPlainTcpIsRefusedWithCause88BeforeAnythingIsSent) {
  B2buaConfig cfg = trunk_config();
  cfg.trunks[0].uri = uri("sip:127.0.0.1:5090;transport=tcp");  // SDES keys would cross in cleartext
  cfg.trunks[0].policy.allowed_transports = {sip::Transport::tcp};
  World w(cfg);
  auto h = w.alice.call(w.net.now, uri("sip:015550002@localhost"), ua::CallOptions{"127.0.0.1", 41000, "IP4"});
  ASSERT_TRUE(h);
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has_state(w.a, CallState::failed); }));
  auto resp = w.net.received(w.a, "503");
  ASSERT_EQ(resp.size(), 1u);
  ASSERT_NE(resp[0].find("Reason"), nullptr);
  EXPECT_NE(resp[0].find("Reason")->value.find("cause=88"), std::string::npos);
  EXPECT_EQ(w.net.count(w.k, "INVITE"), 0u);
  ASSERT_TRUE(w.ended());
  EXPECT_NE(w.ended()->record.reason.find("SDES keys would be sent in cleartext over TCP"), std::string::npos) << w.ended()->record.reason;
}

// A registered trunk: the server registered at the carrier over its own connection (set_trunk_flow).
B2buaConfig registered_config() {
  B2buaConfig cfg = trunk_config();
  cfg.trunks[0].registers = true;
  cfg.trunks[0].contact_user = "acme";
  cfg.trunks[0].uri = uri("sips:127.0.0.1:5099");  // nobody listens there: only the registered connection works
  return cfg;
}

TEST(B2buaTrunkRegistered, InboundDownTheRegisteredConnectionIsTheTrunksWhateverTheSourceAddress) {
  World w(registered_config());  // carol's messages come from 127.0.0.1, not the configured carrier address
  w.server.set_trunk_flow(0, w.net.connect(w.k, "TLS"));
  w.register_alice();
  auto h = w.carol.call(w.net.now, uri("sips:+15550001@127.0.0.1"), ua::CallOptions{"127.0.0.1", 42000, "IP4"});
  ASSERT_TRUE(h);
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has(w.a, Kind::incoming_call); }));
  EXPECT_EQ(w.auth.challenges, 0);  // trusted by the connection, not challenged
  ASSERT_TRUE(w.alice.answer(w.net.now, w.net.find(w.a, Kind::incoming_call)->call));
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has_state(w.k, CallState::established); }));
  ASSERT_TRUE(w.carol.hangup(w.net.now, *h));
  ASSERT_TRUE(w.net.run_until([&] { return w.ended() != nullptr; }));
  EXPECT_EQ(w.ended()->record.legs.at(0).user, "trunk:carrier");
  EXPECT_EQ(w.ended()->record.legs.at(1).user, "alice");
}

TEST(B2buaTrunkRegistered, OnceTheConnectionIsLostItsCallsAreChallengedAgain) {
  World w(registered_config());
  w.server.set_trunk_flow(0, w.net.connect(w.k, "TLS"));
  w.server.set_trunk_flow(0, std::nullopt);
  w.register_alice();
  auto h = w.carol.call(w.net.now, uri("sips:+15550001@127.0.0.1"), ua::CallOptions{"127.0.0.1", 42000, "IP4"});
  ASSERT_TRUE(h);
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has_state(w.k, CallState::failed); }));
  EXPECT_GE(w.auth.challenges, 1);
  EXPECT_FALSE(w.net.has(w.a, Kind::incoming_call));
}

TEST(B2buaTrunkRegistered, TheRegisteredContactUserIsNotANumber) {
  World w(registered_config());
  w.server.set_trunk_flow(0, w.net.connect(w.k, "TLS"));
  w.register_alice();
  // To names the contact user too (not one of the numbers): nobody to ring, so not a trunk call.
  auto h = w.carol.call(w.net.now, uri("sips:acme@127.0.0.1"), ua::CallOptions{"127.0.0.1", 42000, "IP4"});
  ASSERT_TRUE(h);
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has_state(w.k, CallState::failed); }));
  EXPECT_GE(w.auth.challenges, 1);
  EXPECT_FALSE(w.net.has(w.a, Kind::incoming_call));
}

// A carrier that sends to the registered Contact (Request-URI user = contact_user) and names the number in To.
SipMessage carrier_invite(const std::string& ruri, const std::string& to) {
  SipMessage inv = SipMessage::request(sip::MethodId::invite, uri(ruri));
  inv.add(sip::hdr::via, ua::make_via(ua::LocalBinding{"TLS", "127.0.0.1", 5095}, "z9hG4bKedge1"));
  inv.add(sip::hdr::max_forwards, std::uint8_t{70});
  sip::NameAddr from{"", uri("sips:15550002@carrier.example"), {}};
  from.params.set("tag", "edgefrom");
  inv.add(sip::hdr::from, from);
  inv.add(sip::hdr::to, sip::NameAddr{"", uri(to), {}});
  inv.add(sip::hdr::call_id, std::string("edge-call-1"));
  inv.add(sip::hdr::cseq, sip::CSeq{1, sip::MethodId::invite});
  inv.add(sip::hdr::contact, sip::ContactValue{false, sip::NameAddr{"", uri("sips:edge@127.0.0.1:5095"), {}}});
  inv.add(sip::hdr::content_length, std::uint32_t{0});  // late offer
  return inv;
}

TEST(B2buaTrunkRegistered, TheContactUserWithTheNumberInToRingsTheMappedUser) {
  World w(registered_config());
  std::vector<int> statuses;
  const int e = w.net.add_script("edge", {ua::LocalBinding{"TLS", "127.0.0.1", 5095}},
                                 [&](testing::Net&, int, Flow, const SipMessage& m) {
                                   if (m.is_response()) statuses.push_back(m.status());
                                 });
  const Flow edge_side = w.net.flow_to_server(e, "TLS");
  w.server.set_trunk_flow(0, w.net.connect(e, "TLS"));
  w.register_alice();
  w.net.send(e, edge_side, carrier_invite("sips:acme@127.0.0.1:5061", "sips:+15550001@carrier.example"));
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has(w.a, Kind::incoming_call); }));
  EXPECT_EQ(w.auth.challenges, 0);
  EXPECT_TRUE(std::find(statuses.begin(), statuses.end(), 407) == statuses.end());
}

TEST(B2buaTrunkRegistered, TheContactUserFromAnotherConnectionIsChallenged) {
  World w(registered_config());
  std::vector<int> statuses;
  const int e = w.net.add_script("edge", {ua::LocalBinding{"TLS", "127.0.0.1", 5095}},
                                 [&](testing::Net&, int, Flow, const SipMessage& m) {
                                   if (m.is_response()) statuses.push_back(m.status());
                                 });
  const Flow edge_side = w.net.flow_to_server(e, "TLS");
  w.server.set_trunk_flow(0, w.net.connect(w.k, "TLS"));  // the registered connection is carol's, not the edge's
  w.register_alice();
  w.net.send(e, edge_side, carrier_invite("sips:acme@127.0.0.1:5061", "sips:+15550001@carrier.example"));
  ASSERT_TRUE(w.net.run_until([&] { return !statuses.empty() && statuses.back() >= 200; }));
  EXPECT_EQ(statuses.back(), 407);
  EXPECT_FALSE(w.net.has(w.a, Kind::incoming_call));
}

TEST(B2buaTrunkRegistered, OutboundGoesDownTheRegisteredConnectionWithPAssertedIdentity) {
  B2buaConfig cfg = registered_config();
  cfg.trunks[0].pai = uri("sip:+15559999@carrier.example");
  World w(cfg);
  w.server.set_trunk_flow(0, w.net.connect(w.k, "TLS"));
  auto h = w.alice.call(w.net.now, uri("sips:015550002@localhost"), ua::CallOptions{"127.0.0.1", 41000, "IP4"});
  ASSERT_TRUE(h);
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has(w.k, Kind::incoming_call); }));
  auto invites = w.net.received(w.k, "INVITE");
  ASSERT_EQ(invites.size(), 2u);  // challenged, then with credentials: both down the registered connection
  EXPECT_EQ(sip::serialize(invites[1].request_uri()), "sips:15550002@127.0.0.1:5099");
  ASSERT_NE(invites[1].find("P-Asserted-Identity"), nullptr);
  EXPECT_EQ(invites[1].find("P-Asserted-Identity")->value, "<sip:+15550001@carrier.example>");  // alice's number
}

TEST(B2buaTrunk, LongestPrefixWins) {
  B2buaConfig cfg = trunk_config();
  Trunk intl = cfg.trunks[0];
  intl.name = "international";
  intl.uri = uri("sips:127.0.0.1:5099");  // nobody listens there
  intl.prefix = "00";
  cfg.trunks.insert(cfg.trunks.begin(), intl);
  std::swap(cfg.trunks[0], cfg.trunks[1]);  // "0" listed first, "00" second
  World w(cfg);
  auto h = w.alice.call(w.net.now, uri("sips:0044123@localhost"), ua::CallOptions{"127.0.0.1", 41000, "IP4"});
  ASSERT_TRUE(h);
  ASSERT_TRUE(w.net.run_until([&] { return w.ended() != nullptr; }));
  EXPECT_EQ(w.net.count(w.k, "INVITE"), 0u);  // not the "0" trunk
  ASSERT_EQ(w.ended()->record.legs.size(), 2u);
  EXPECT_EQ(w.ended()->record.legs[1].user, "trunk:international");
  EXPECT_EQ(w.ended()->record.legs[1].uri, "sips:44123@127.0.0.1:5099");
}

}  // namespace
}  // namespace sotto::b2bua
