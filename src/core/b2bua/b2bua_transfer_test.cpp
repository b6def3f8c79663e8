// Transfers at the B2BUA (docs/B2BUA.md "Transfers"): blind REFER to a user (the relay's side moves to
// the target as a new peer with new keys, NOTIFY 100 then 200, BYE to the transferor, a held party
// resumed, three legs in the record), a busy target (NOTIFY 486, the call goes on), Refer-Sub: false,
// refused REFERs (400, 403, 404, 491), attended transfer with Replaces (both calls' records), an INVITE
// with Replaces, R2's ROC carried across an attended transfer when it keeps its key, a transfer to a trunk
// number; and no outbound key used twice, checked by replaying the
// anchor's set_leg calls into a real relay core.
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

namespace sotto::b2bua {
namespace {

using testing::uri;
using Kind = ua::UaEvent::Kind;
using ua::CallState;
using relay::Side;
using sip::SipMessage;
using namespace std::chrono_literals;

B2buaConfig server_config() {
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
void replay_into_relay(const testing::FakeAnchor& anchor, relay::RelayId id) {
  srtp::KeyRegistry registry;
  relay::Relay r(id, relay::RelayOptions{.dead_after = 60s, .outbound_keys = &registry});
  for (const auto& l : anchor.legs) {
    if (l.relay != id) continue;
    auto st = r.set_leg(testing::start_time(), l.side, l.media);
    EXPECT_TRUE(st) << (st ? "" : st.error().context);
  }
}

TEST(B2buaTransfer, BlindTransferByTheCalleeMovesTheRelaySideToTheTarget) {
  World w;
  testing::answer_notifies(w.net, w.b);
  w.establish();
  // bob holds alice first, as phones do before transferring.
  ASSERT_TRUE(w.bob.hold(w.net.now, w.bob_call(), true));
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has(w.a, Kind::media_updated) && w.net.has(w.b, Kind::media_updated); }));
  const relay::LegMedia alice_leg = w.anchor.on(Side::a).back().media;
  const relay::LegMedia bob_leg = w.anchor.on(Side::b).back().media;
  EXPECT_EQ(alice_leg.direction, sdp::Direction::sendonly);  // the anchor only sends to alice

  w.refer(w.b, w.bob, w.bob_call(), "<sips:carol@localhost>");
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has(w.k, Kind::incoming_call); }));
  ASSERT_EQ(w.net.count(w.b, "202"), 1u);
  auto notifies = w.net.received(w.b, "NOTIFY");
  ASSERT_EQ(notifies.size(), 1u);
  EXPECT_EQ(testing::sipfrag(notifies[0]), "SIP/2.0 100 Trying");
  EXPECT_EQ(notifies[0].find("Event")->value, "refer");
  EXPECT_EQ(notifies[0].find("Subscription-State")->value, "active;expires=60");
  EXPECT_EQ(notifies[0].find(sip::HeaderId::content_type)->value, "message/sipfrag;version=2.0");
  // carol's INVITE: from alice (who she will talk to), referred by bob, only alice's codec + events,
  // on the anchor's side b (bob's), with keys of her own.
  const SipMessage inv = w.net.received(w.k, "INVITE").at(0);
  EXPECT_EQ(sip::serialize(inv.header(sip::hdr::from)->uri), "sips:alice@localhost");
  ASSERT_TRUE(inv.find("Referred-By"));
  EXPECT_NE(inv.find("Referred-By")->value.find("bob@localhost"), std::string::npos);
  auto offer = sdp::parse_sdp(inv.body());
  ASSERT_TRUE(offer);
  const auto& m = offer->media.at(0);
  EXPECT_EQ(m.port, w.anchor.local(1, Side::b).rtp_port);
  for (std::uint8_t pt : m.payload_types()) {
    auto map = m.rtpmap(pt);
    ASSERT_TRUE(map);
    bool alices = sdp::iequals(map->encoding, "telephone-event");
    for (const auto& cc : w.net.find(w.a, Kind::media_ready)->media->stream.codecs) alices = alices || sdp::same_codec(*map, cc);
    EXPECT_TRUE(alices) << "offered " << map->encoding << " which alice's leg did not negotiate";
  }
  EXPECT_EQ(w.net.count(w.b, "BYE"), 0u);  // nothing happens to bob before carol answers

  ASSERT_TRUE(w.carol.answer(w.net.now, w.net.find(w.k, Kind::incoming_call)->call));
  ASSERT_TRUE(w.net.run_until([&] {
    return w.net.has_state(w.k, CallState::established) && w.net.has_state(w.b, CallState::terminated) &&
           w.net.find(w.a, Kind::media_updated, 1) && w.anchor.on(Side::a).back().media.direction == sdp::Direction::sendrecv;
  }));
  // The relay's side b now carries carol, as a new peer with new keys.
  const auto lb = w.anchor.on(Side::b);
  const relay::LegMedia carol_leg = lb.back().media;
  EXPECT_TRUE(carol_leg.new_peer);
  EXPECT_EQ(carol_leg.remote_rtp_port, 5073 + 30000);
  ASSERT_TRUE(carol_leg.local_key && bob_leg.local_key);
  EXPECT_FALSE(negotiation::same_key(*carol_leg.local_key, *bob_leg.local_key));
  EXPECT_FALSE(negotiation::same_key(*carol_leg.remote_key, *bob_leg.remote_key));
  EXPECT_FALSE(negotiation::same_key(*carol_leg.local_key, *alice_leg.local_key));
  // alice was held by bob: re-INVITEd back to sendrecv with her keys unchanged.
  const relay::LegMedia alice_now = w.anchor.on(Side::a).back().media;
  EXPECT_EQ(alice_now.direction, sdp::Direction::sendrecv);
  EXPECT_FALSE(alice_now.new_peer);
  EXPECT_TRUE(negotiation::same_key(*alice_now.local_key, *alice_leg.local_key));
  EXPECT_TRUE(negotiation::same_key(*alice_now.remote_key, *alice_leg.remote_key));
  EXPECT_FALSE(w.net.find(w.a, Kind::media_updated, 1)->media->tx_key_changed);
  EXPECT_FALSE(w.net.find(w.a, Kind::media_updated, 1)->media->rx_key_changed);
  // NOTIFY 200 (terminated) before our BYE to bob.
  notifies = w.net.received(w.b, "NOTIFY");
  ASSERT_EQ(notifies.size(), 2u);
  EXPECT_EQ(testing::sipfrag(notifies[1]), "SIP/2.0 200 OK");
  EXPECT_EQ(notifies[1].find("Subscription-State")->value, "terminated;reason=noresource");
  std::size_t notify_at = 0, bye_at = 0;
  const auto& got = w.net.node(w.b).received;
  for (std::size_t i = 0; i < got.size(); ++i) {
    if (got[i].is_request() && got[i].method().id() == sip::MethodId::notify) notify_at = i;
    if (got[i].is_request() && got[i].method().id() == sip::MethodId::bye) bye_at = i;
  }
  EXPECT_LT(notify_at, bye_at);
  ASSERT_EQ(w.events(B2buaEvent::Kind::call_transferred).size(), 1u);
  EXPECT_EQ(w.events(B2buaEvent::Kind::call_transferred)[0]->record.legs.back().user, "carol");
  EXPECT_EQ(w.net.server_event(B2buaEvent::Kind::call_ended), nullptr);  // the call goes on

  // alice hangs up: carol gets the BYE; the record has three legs.
  ASSERT_TRUE(w.alice.hangup(w.net.now, w.call));
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has_state(w.k, CallState::terminated); }));
  const B2buaEvent* ended = w.net.server_event(B2buaEvent::Kind::call_ended);
  ASSERT_TRUE(ended);
  const CallRecord& rec = ended->record;
  EXPECT_EQ(rec.result, CallResult::answered);
  EXPECT_EQ(rec.reason, "BYE from caller");
  ASSERT_EQ(rec.legs.size(), 3u);
  EXPECT_EQ(rec.legs[0].user, "alice");
  EXPECT_EQ(rec.legs[1].user, "bob");
  EXPECT_FALSE(rec.legs[1].transfer_target);
  EXPECT_EQ(rec.legs[2].user, "carol");
  EXPECT_EQ(rec.legs[2].side, Side::b);
  EXPECT_TRUE(rec.legs[2].transfer_target);
  for (const auto& l : rec.legs) {  // the verdict's facts: TLS and SRTP on every leg
    EXPECT_TRUE(l.signalling_tls) << l.user;
    EXPECT_TRUE(l.srtp_suite) << l.user;
    EXPECT_EQ(l.transport, "TLS") << l.user;
  }
  EXPECT_EQ(rec.legs[1].stats.packets_in, 90u);  // bob's counters as he left (the fake's side-b figures)
  replay_into_relay(w.anchor, 1);
  EXPECT_EQ(w.anchor.closed.size(), 1u);
}

TEST(B2buaTransfer, TheTargetsByeAfterABlindTransferFindsItsCall) {
  // The target's dialog is born inside the transfer: its in-dialog requests must reach this call
  // (the B2BUA finds calls by dialog id), and the staying party gets the BYE.
  World w;
  testing::answer_notifies(w.net, w.b);
  w.establish();
  w.refer(w.b, w.bob, w.bob_call(), "<sips:carol@localhost>");
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has(w.k, Kind::incoming_call); }));
  const auto carol_call = w.net.find(w.k, Kind::incoming_call)->call;
  ASSERT_TRUE(w.carol.answer(w.net.now, carol_call));
  ASSERT_TRUE(w.net.run_until([&] {
    return w.net.has_state(w.k, CallState::established) && w.net.has_state(w.b, CallState::terminated);
  }));
  ASSERT_TRUE(w.carol.hangup(w.net.now, carol_call));
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has_state(w.a, CallState::terminated); }));
  EXPECT_EQ(w.net.count(w.k, "481"), 0u);
  const B2buaEvent* ended = w.net.server_event(B2buaEvent::Kind::call_ended);
  ASSERT_TRUE(ended);
  EXPECT_EQ(ended->record.result, CallResult::answered);
  ASSERT_EQ(ended->record.legs.size(), 3u);
  EXPECT_TRUE(ended->record.legs[2].transfer_target);
}

TEST(B2buaTransfer, BlindTransferByTheCallerAndTheTransferorsBye) {
  // alice (the caller, side a) transfers bob to carol and hangs up right after the 202.
  World w;
  testing::answer_notifies(w.net, w.a);
  w.establish();
  w.refer(w.a, w.alice, w.call, "sips:carol@localhost");
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has(w.k, Kind::incoming_call); }));
  // Her BYE (CSeq above the REFER's): she leaves; bob waits for carol.
  SipMessage bye = testing::phone_request(w.alice, w.call, sip::MethodId::bye, 200);
  w.net.send(w.a, w.net.flow_to_server(w.a, "TLS"), bye);
  w.net.run_for(1s);
  EXPECT_EQ(w.net.count(w.a, "200"), 2u);  // her INVITE's 200 and her BYE's
  EXPECT_EQ(w.net.count(w.b, "BYE"), 0u);
  ASSERT_TRUE(w.carol.answer(w.net.now, w.net.find(w.k, Kind::incoming_call)->call));
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has_state(w.k, CallState::established); }));
  EXPECT_TRUE(w.anchor.on(Side::a).back().media.new_peer);
  EXPECT_EQ(w.anchor.on(Side::a).back().media.remote_rtp_port, 5073 + 30000);
  EXPECT_EQ(w.net.count(w.a, "BYE"), 0u);  // she already left: no BYE to her
  // carol's INVITE shows bob (the remaining party) as From.
  EXPECT_EQ(sip::serialize(w.net.received(w.k, "INVITE")[0].header(sip::hdr::from)->uri), "sips:bob@localhost");
  ASSERT_TRUE(w.bob.hangup(w.net.now, w.bob_call()));
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has_state(w.k, CallState::terminated); }));
  const B2buaEvent* ended = w.net.server_event(B2buaEvent::Kind::call_ended);
  ASSERT_TRUE(ended);
  ASSERT_EQ(ended->record.legs.size(), 3u);
  EXPECT_EQ(ended->record.legs[0].user, "alice");
  EXPECT_EQ(ended->record.legs[2].user, "carol");
  EXPECT_EQ(ended->record.legs[2].side, Side::a);
  EXPECT_TRUE(ended->record.legs[2].transfer_target);
  EXPECT_EQ(ended->record.reason, "BYE from callee");
  replay_into_relay(w.anchor, 1);
}

TEST(B2buaTransfer, BusyTargetIsNotifiedAndTheCallGoesOn) {
  World w;
  testing::answer_notifies(w.net, w.b);
  w.establish();
  w.refer(w.b, w.bob, w.bob_call(), "<sips:carol@localhost>");
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has(w.k, Kind::incoming_call); }));
  ASSERT_TRUE(w.carol.reject(w.net.now, w.net.find(w.k, Kind::incoming_call)->call, 486));
  ASSERT_TRUE(w.net.run_until([&] { return w.net.count(w.b, "NOTIFY") == 2; }));
  auto notifies = w.net.received(w.b, "NOTIFY");
  EXPECT_EQ(testing::sipfrag(notifies[1]), "SIP/2.0 486 Busy Here");
  EXPECT_EQ(notifies[1].find("Subscription-State")->value, "terminated;reason=noresource");
  w.net.run_for(2s);
  EXPECT_EQ(w.net.count(w.b, "BYE"), 0u);
  EXPECT_EQ(w.net.count(w.a, "BYE"), 0u);
  EXPECT_EQ(w.anchor.on(Side::b).size(), 1u);  // the relay still carries bob
  EXPECT_EQ(w.net.server_event(B2buaEvent::Kind::call_transferred), nullptr);
  // A second transfer may follow; this time alice ends the call normally.
  ASSERT_TRUE(w.alice.hangup(w.net.now, w.call));
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has_state(w.b, CallState::terminated); }));
  ASSERT_EQ(w.net.server_event(B2buaEvent::Kind::call_ended)->record.legs.size(), 2u);
}

TEST(B2buaTransfer, ReferSubFalseGetsNoNotify) {
  World w;
  testing::answer_notifies(w.net, w.b);
  w.establish();
  w.refer(w.b, w.bob, w.bob_call(), "<sips:carol@localhost>", 100, {{"Refer-Sub", "false"}});
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has(w.k, Kind::incoming_call); }));
  auto accepted = w.net.received(w.b, "202");
  ASSERT_EQ(accepted.size(), 1u);
  ASSERT_TRUE(accepted[0].find("Refer-Sub"));
  EXPECT_EQ(accepted[0].find("Refer-Sub")->value, "false");
  ASSERT_TRUE(w.carol.answer(w.net.now, w.net.find(w.k, Kind::incoming_call)->call));
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has_state(w.b, CallState::terminated); }));
  EXPECT_EQ(w.net.count(w.b, "NOTIFY"), 0u);
  EXPECT_TRUE(w.net.has_state(w.k, CallState::established));
}

TEST(B2buaTransfer, RefusedRefers) {
  World w;
  w.establish();
  const ua::CallHandle h = w.bob_call();
  std::uint32_t bump = 100;
  auto expect = [&](const std::string& refer_to, const std::string& status, const std::string& warn,
                    std::vector<std::pair<std::string, std::string>> extra = {}) {
    const std::size_t before = w.net.count(w.b, status);
    SipMessage r = testing::phone_refer(w.bob, h, refer_to, bump++);
    for (const auto& [n, v] : extra) (void)r.add_raw(n, v);
    w.net.send(w.b, w.net.flow_to_server(w.b, "TLS"), r);
    w.net.run_for(200ms);
    EXPECT_EQ(w.net.count(w.b, status), before + 1) << refer_to;
    EXPECT_NE(w.warning_of(w.b, status).find(warn), std::string::npos) << refer_to << ": " << w.warning_of(w.b, status);
  };
  expect("", "400", "REFER without Refer-To");
  // (Two Refer-To headers, or one that does not parse, are refused by the message parser already.)
  expect("<sips:carol@elsewhere.example>", "403", "not a domain of this server: elsewhere.example");
  expect("<tel:+15551234>", "403", "sip: or sips:");
  expect("<sips:nobody@localhost>", "404", "no such user or number: nobody");
  expect("<sips:localhost>", "400", "names no user");
  expect("<sips:carol@localhost?Replaces=abc%3Bto-tag%3D1>", "400", "Replaces: no from-tag");
  expect("<sips:carol@localhost?Replaces=nosuchcall%3Bto-tag%3D1%3Bfrom-tag%3D2>", "403", "names no call of this server");
  // A REFER outside any dialog.
  SipMessage out = SipMessage::request(sip::MethodId::refer, uri("sips:carol@localhost"));
  out.add(sip::hdr::via, ua::make_via(w.bob.config().bindings.front(), "z9hG4bKoutside1"));
  out.add(sip::hdr::max_forwards, std::uint8_t{70});
  out.add(sip::hdr::from, sip::NameAddr{"", uri("sips:bob@localhost"), [] { sip::Params p; p.set("tag", "x1"); return p; }()});
  out.add(sip::hdr::to, sip::NameAddr{"", uri("sips:carol@localhost"), {}});
  out.add(sip::hdr::call_id, std::string("outside-1"));
  out.add(sip::hdr::cseq, sip::CSeq{1, sip::MethodId::refer});
  (void)out.add_raw("Refer-To", "<sips:carol@localhost>");
  w.net.send(w.b, w.net.flow_to_server(w.b, "TLS"), out);
  w.net.run_for(200ms);
  EXPECT_NE(w.warning_of(w.b, "403").find("only accepted inside a call's dialog"), std::string::npos);
  // Nothing of it reached alice or carol, and the call is intact.
  EXPECT_EQ(w.net.count(w.a, "REFER"), 0u);
  EXPECT_EQ(w.net.count(w.k, "INVITE"), 0u);
  EXPECT_EQ(w.net.count(w.a, "BYE"), 0u);
}

TEST(B2buaTransfer, ReferWhileRingingAndASecondReferGet491) {
  World w;
  testing::answer_notifies(w.net, w.b);
  // Ringing: alice's early dialog exists, bob has not answered.
  auto h = w.alice.call(w.net.now, uri("sips:bob@localhost"), ua::CallOptions{"127.0.0.1", 41000, "IP4"});
  ASSERT_TRUE(h);
  w.call = *h;
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has(w.b, Kind::incoming_call); }));
  // alice's REFER in her early dialog (To tag from the 180).
  ASSERT_TRUE(w.net.run_until([&] { return w.net.count(w.a, "180") == 1; }));
  SipMessage early = SipMessage::request(sip::MethodId::refer, uri("sips:127.0.0.1:5061"));
  const SipMessage ringing = w.net.received(w.a, "180")[0];
  early.add(sip::hdr::via, ua::make_via(w.alice.config().bindings.front(), "z9hG4bKearly1"));
  early.add(sip::hdr::max_forwards, std::uint8_t{70});
  early.add(sip::hdr::from, *ringing.header(sip::hdr::from));
  early.add(sip::hdr::to, *ringing.header(sip::hdr::to));
  early.add(sip::hdr::call_id, *ringing.header(sip::hdr::call_id));
  early.add(sip::hdr::cseq, sip::CSeq{50, sip::MethodId::refer});
  (void)early.add_raw("Refer-To", "<sips:carol@localhost>");
  w.net.send(w.a, w.net.flow_to_server(w.a, "TLS"), early);
  w.net.run_for(100ms);
  auto pending = w.net.received(w.a, "491");
  ASSERT_EQ(pending.size(), 1u);
  EXPECT_TRUE(pending[0].find("Retry-After"));
  EXPECT_NE(w.warning_of(w.a, "491").find("not answered yet"), std::string::npos);

  ASSERT_TRUE(w.bob.answer(w.net.now, w.bob_call()));
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has_state(w.a, CallState::established); }));
  w.refer(w.b, w.bob, w.bob_call(), "<sips:carol@localhost>", 100);
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has(w.k, Kind::incoming_call); }));
  w.refer(w.b, w.bob, w.bob_call(), "<sips:carol@localhost>", 101);
  w.net.run_for(100ms);
  auto second = w.net.received(w.b, "491");
  ASSERT_EQ(second.size(), 1u);
  ASSERT_TRUE(second[0].find("Retry-After"));
  EXPECT_NE(w.warning_of(w.b, "491").find("a transfer of this call is in progress"), std::string::npos);
  EXPECT_EQ(w.net.count(w.k, "INVITE"), 1u);  // one target INVITE only
}

// "%3B" and "%3D" escaping of a Replaces value inside a Refer-To URI (RFC 3891 section 6.1).
std::string escaped_replaces(const dialog::DialogId& id, bool swap = false) {
  const std::string& to = swap ? id.local_tag : id.remote_tag;
  const std::string& from = swap ? id.remote_tag : id.local_tag;
  return id.call_id + "%3Bto-tag%3D" + to + "%3Bfrom-tag%3D" + from;
}

TEST(B2buaTransfer, AttendedTransferWithReplacesJoinsTheOtherCallsParty) {
  World w;
  testing::answer_notifies(w.net, w.b);
  w.establish();  // call 1: alice -> bob
  ASSERT_TRUE(w.bob.hold(w.net.now, w.bob_call(), true));
  ASSERT_TRUE(w.net.run_until([&] { return w.anchor.on(Side::a).size() == 2 && w.anchor.on(Side::b).size() == 2; }));
  // call 2: bob -> carol (bob consults carol).
  auto h2 = w.bob.call(w.net.now, uri("sips:carol@localhost"), ua::CallOptions{"127.0.0.1", 42000, "IP4"});
  ASSERT_TRUE(h2);
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has(w.k, Kind::incoming_call); }));
  const ua::CallHandle carol_call = w.net.find(w.k, Kind::incoming_call)->call;
  ASSERT_TRUE(w.carol.answer(w.net.now, carol_call));
  ASSERT_TRUE(w.net.run_until([&] { return w.net.find_state(w.k, CallState::established) != nullptr && w.anchor.opened.size() == 2; }));
  ASSERT_TRUE(w.net.run_until([&] { return w.anchor.on(Side::b).size() == 3; }));  // relay 2's side b: carol
  const relay::RelayId r1 = 1, r2 = 2;
  const dialog::DialogId bob_call2 = w.bob.find_call(*h2)->dialog->id();
  const std::size_t carol_invites = w.net.count(w.k, "INVITE");

  // bob: "alice, meet carol" (the Replaces tags in bob's view; either orientation is accepted).
  w.refer(w.b, w.bob, w.bob_call(), "<sips:carol@localhost?Replaces=" + escaped_replaces(bob_call2, true) + ">");
  ASSERT_TRUE(w.net.run_until([&] {
    return w.net.count(w.b, "BYE") == 2 && w.net.count(w.b, "NOTIFY") == 2 &&
           w.anchor.on(Side::a).back().media.direction == sdp::Direction::sendrecv;
  }));
  EXPECT_EQ(w.net.count(w.b, "202"), 1u);
  auto notifies = w.net.received(w.b, "NOTIFY");
  EXPECT_EQ(testing::sipfrag(notifies[0]), "SIP/2.0 100 Trying");
  EXPECT_EQ(testing::sipfrag(notifies[1]), "SIP/2.0 200 OK");
  // carol was re-INVITEd on her existing dialog onto relay 1's side b, with fresh keys.
  ASSERT_EQ(w.net.count(w.k, "INVITE"), carol_invites + 1);
  const SipMessage reinv = w.net.received(w.k, "INVITE").back();
  EXPECT_EQ(*reinv.header(sip::hdr::call_id), w.net.received(w.k, "INVITE").front().header(sip::hdr::call_id).value());
  auto offer = sdp::parse_sdp(reinv.body());
  ASSERT_TRUE(offer);
  EXPECT_EQ(offer->media.at(0).port, w.anchor.local(r1, Side::b).rtp_port);
  const ua::UaEvent* cu = w.net.find(w.k, Kind::media_updated);
  ASSERT_TRUE(cu && cu->media);
  EXPECT_TRUE(cu->media->rx_key_changed);  // what we send her is under a new key
  // Relay 1's side b carries carol now, as a new peer; relay 2 is closed.
  std::vector<testing::FakeAnchor::SetLeg> on_r1_b;
  for (const auto& l : w.anchor.legs) if (l.relay == r1 && l.side == Side::b) on_r1_b.push_back(l);
  ASSERT_FALSE(on_r1_b.empty());
  EXPECT_TRUE(on_r1_b.back().media.new_peer);
  EXPECT_EQ(on_r1_b.back().media.remote_rtp_port, 5073 + 30000);
  EXPECT_EQ(w.anchor.closed, std::vector<relay::RelayId>{r2});
  // While carol was being re-INVITEd with our new key, relay 2 sent her nothing, so no packet under the
  // old key could reach her after she switched.
  ASSERT_EQ(w.anchor.quiets.size(), 1u);
  EXPECT_EQ(w.anchor.quiets[0].relay, r2);
  EXPECT_EQ(w.anchor.quiets[0].side, Side::b);
  EXPECT_TRUE(w.anchor.quiets[0].quiet);
  // Call 2's record: ended "transferred", bob and carol.
  const B2buaEvent* ended2 = w.net.server_event(B2buaEvent::Kind::call_ended);
  ASSERT_TRUE(ended2);
  EXPECT_EQ(ended2->record.reason, "transferred");
  EXPECT_EQ(ended2->record.result, CallResult::answered);
  ASSERT_EQ(ended2->record.legs.size(), 2u);
  EXPECT_EQ(ended2->record.legs[0].user, "bob");
  EXPECT_EQ(ended2->record.legs[1].user, "carol");
  EXPECT_EQ(w.net.count(w.k, "BYE"), 0u);  // carol stays, on her own dialog
  // bob is out of both calls.
  EXPECT_EQ(w.net.count(w.b, "BYE"), 2u);

  // carol hangs up her (moved) dialog: alice gets the BYE; call 1's record has three legs.
  ASSERT_TRUE(w.carol.hangup(w.net.now, carol_call));
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has_state(w.a, CallState::terminated); }));
  std::vector<const B2buaEvent*> ended = w.events(B2buaEvent::Kind::call_ended);
  ASSERT_EQ(ended.size(), 2u);
  const CallRecord& rec = ended[1]->record;
  EXPECT_EQ(rec.reason, "BYE from callee");
  ASSERT_EQ(rec.legs.size(), 3u);
  EXPECT_EQ(rec.legs[0].user, "alice");
  EXPECT_EQ(rec.legs[1].user, "bob");
  EXPECT_EQ(rec.legs[2].user, "carol");
  EXPECT_TRUE(rec.legs[2].transfer_target);
  EXPECT_TRUE(rec.legs[2].srtp_suite);
  replay_into_relay(w.anchor, r1);
  replay_into_relay(w.anchor, r2);
}

// The key-params ("inline:...") of the first a=crypto line in `body`; "" when there is none.
std::string crypto_key_params(std::string_view body) {
  const auto at = body.find("a=crypto:");
  if (at == std::string_view::npos) return "";
  const auto key = body.find("inline:", at);
  const auto end = body.find_first_of(" \r\n", key);
  return std::string(body.substr(key, end - key));
}

TEST(B2buaTransfer, AttendedTransferCarriesTheMovedPartysRocWhenItKeepsItsKey) {
  // carol (R2) has sent past the wrap of her sequence numbers on call 2 (ROC 1) and, like most phones,
  // keeps her key when answering the re-INVITE that moves her to call 1 (RFC 4568 6.1; our ua would
  // re-key, so her 200's a=crypto is rewritten to her first key). The B2BUA names her old relay side
  // (continue_from); the set_leg calls, replayed in order into real relay cores with carol's SRTP
  // before the move, show alice hearing carol at once with no authentication failure.
  World w;
  testing::answer_notifies(w.net, w.b);
  std::string carol_key;  // the key-params of carol's first answer
  w.net.rewrite = [&](int from, SipMessage& m) {
    if (from != w.k || m.is_request() || m.status() != 200 || m.body().find("a=crypto:") == std::string::npos) return;
    const std::string now = crypto_key_params(m.body());
    if (carol_key.empty()) {
      carol_key = now;
      return;
    }
    std::string body(m.body());
    body.replace(body.find(now), now.size(), carol_key);
    m.set_body(body);
  };
  w.establish();  // call 1: alice -> bob
  ASSERT_TRUE(w.bob.hold(w.net.now, w.bob_call(), true));
  ASSERT_TRUE(w.net.run_until([&] { return w.anchor.on(Side::a).size() == 2 && w.anchor.on(Side::b).size() == 2; }));
  auto h2 = w.bob.call(w.net.now, uri("sips:carol@localhost"), ua::CallOptions{"127.0.0.1", 42000, "IP4"});
  ASSERT_TRUE(h2);
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has(w.k, Kind::incoming_call); }));
  ASSERT_TRUE(w.carol.answer(w.net.now, w.net.find(w.k, Kind::incoming_call)->call));
  ASSERT_TRUE(w.net.run_until([&] { return w.net.find_state(w.k, CallState::established) != nullptr && w.anchor.opened.size() == 2; }));
  ASSERT_TRUE(w.net.run_until([&] { return w.anchor.on(Side::b).size() == 3; }));  // relay 2's side b: carol
  ASSERT_FALSE(carol_key.empty());
  const dialog::DialogId bob_call2 = w.bob.find_call(*h2)->dialog->id();
  w.refer(w.b, w.bob, w.bob_call(), "<sips:carol@localhost?Replaces=" + escaped_replaces(bob_call2, true) + ">");
  ASSERT_TRUE(w.net.run_until([&] {
    return w.net.count(w.b, "BYE") == 2 && w.anchor.on(Side::a).back().media.direction == sdp::Direction::sendrecv;
  }));
  ASSERT_EQ(w.events(B2buaEvent::Kind::call_ended).size(), 1u);
  EXPECT_EQ(w.events(B2buaEvent::Kind::call_ended)[0]->record.reason, "transferred");

  // What the B2BUA told the anchor about carol: her key on relay 2, the same key on relay 1, and where from.
  const relay::RelayId r1 = 1, r2 = 2;
  std::optional<relay::LegMedia> carol_on_r2, carol_on_r1;
  for (const auto& l : w.anchor.legs) {
    if (l.relay == r2 && l.side == Side::b) carol_on_r2 = l.media;
    if (l.relay == r1 && l.side == Side::b && l.media.new_peer) carol_on_r1 = l.media;
  }
  ASSERT_TRUE(carol_on_r2 && carol_on_r1 && carol_on_r2->remote_key && carol_on_r1->remote_key);
  EXPECT_TRUE(negotiation::same_key(carol_on_r2->remote_key, carol_on_r1->remote_key)) << "she kept her key";
  EXPECT_TRUE(carol_on_r1->continue_from) << "the move names carol's side of relay 2";
  if (carol_on_r1->continue_from) {
    EXPECT_EQ(carol_on_r1->continue_from->relay, r2);
    EXPECT_EQ(carol_on_r1->continue_from->side, Side::b);
  }
  EXPECT_FALSE(negotiation::same_key(carol_on_r2->local_key, carol_on_r1->local_key)) << "our key towards her is new";

  // Replay into real relay cores, in order; carol talks on relay 2 (1000 packets from 65000: ROC 1)
  // just before she moves, then on relay 1, where alice must hear every packet.
  srtp::KeyRegistry relay_keys, phone_keys;
  relay::Relay relay1(r1, relay::RelayOptions{.dead_after = 60s, .outbound_keys = &relay_keys});
  relay::Relay relay2(r2, relay::RelayOptions{.dead_after = 60s, .outbound_keys = &relay_keys});
  auto carol_tx = srtp::Context::create(srtp::Direction::outbound, sdes::to_policy(*carol_on_r2->remote_key).value(), &phone_keys);
  ASSERT_TRUE(carol_tx);
  const auto carol_at = netpkt::IpEndpoint::v4({127, 0, 0, 1}, carol_on_r2->remote_rtp_port);
  std::uint16_t seq = 65000;
  auto carol_sends = [&](relay::Relay& r) -> std::optional<std::vector<std::uint8_t>> {
    std::vector<std::uint8_t> plain = srtp::testing::make_rtp(0xCA201, seq++, 160);
    std::vector<std::uint8_t> buf = plain;
    buf.resize(plain.size() + relay::Relay::kTrailerRoom);
    const std::size_t len = carol_tx->protect_rtp(buf, plain.size()).value();
    auto out = r.handle_packet(testing::start_time(), Side::b, carol_at, false, buf, len);
    if (!out) return std::nullopt;
    buf.resize(out->len);
    return buf;
  };
  std::optional<srtp::Context> alice_rx;
  bool moved = false;
  for (const auto& l : w.anchor.legs) {
    relay::Relay& r = l.relay == r1 ? relay1 : relay2;
    if (l.relay == r1 && l.side == Side::b && l.media.new_peer) {  // the move
      for (int i = 0; i < 1000; ++i) ASSERT_TRUE(carol_sends(relay2)) << "packet " << i << " on relay 2";
      ASSERT_EQ(carol_tx->roc(0xCA201), 1u);
      EXPECT_EQ(relay2.stats(Side::b).auth_failures, 0u);
      moved = true;
    }
    const relay::Relay* origin = l.media.continue_from ? &relay2 : nullptr;
    auto st = r.set_leg(testing::start_time(), l.side, l.media, origin);
    ASSERT_TRUE(st) << st.error().context;
    if (l.relay == r1 && l.side == Side::a && !alice_rx) {
      alice_rx.emplace(srtp::Context::create(srtp::Direction::inbound, sdes::to_policy(*l.media.local_key).value()).value());
    }
  }
  ASSERT_TRUE(moved);
  ASSERT_TRUE(alice_rx);
  int heard = 0;
  for (int i = 0; i < 200; ++i) {
    auto wire = carol_sends(relay1);
    if (!wire) continue;
    if (alice_rx->unprotect_rtp(*wire, wire->size())) ++heard;
  }
  EXPECT_EQ(heard, 200) << "alice hears carol from the first packet after the transfer";
  EXPECT_EQ(relay1.stats(Side::b).auth_failures, 0u);
  EXPECT_EQ(relay1.stats(Side::b).packets_in, 200u);
  EXPECT_EQ(alice_rx->counters().auth_failures, 0u);
}

TEST(B2buaTransfer, AttendedTransferRefusedForAnotherPartysCall) {
  // carol may not hand over a call between alice and bob she is not part of.
  World w;
  w.establish();  // alice -> bob
  auto hc = w.carol.call(w.net.now, uri("sips:alice@localhost"), ua::CallOptions{"127.0.0.1", 43000, "IP4"});
  ASSERT_TRUE(hc);
  ASSERT_TRUE(w.net.run_until([&] { return w.net.find(w.a, Kind::incoming_call) != nullptr; }));
  ASSERT_TRUE(w.alice.answer(w.net.now, w.net.find(w.a, Kind::incoming_call)->call));
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has_state(w.k, CallState::established); }));
  const dialog::DialogId bobs = w.bob.find_call(w.bob_call())->dialog->id();
  w.refer(w.k, w.carol, *hc, "<sips:bob@localhost?Replaces=" + escaped_replaces(bobs) + ">");
  w.net.run_for(300ms);
  EXPECT_NE(w.warning_of(w.k, "403").find("a call of another party"), std::string::npos);
  EXPECT_EQ(w.net.count(w.b, "INVITE"), 1u);
}

// A scripted second phone of alice's (TLS 5074) that sends an INVITE with Replaces and ACKs the 2xx.
struct SecondPhone {
  int node = -1;
  SipMessage invite;
  std::vector<SipMessage> got;
  void attach(World& w) {
    node = w.net.add_script("alice2", {ua::LocalBinding{"TLS", "127.0.0.1", 5074}},
                            [this](testing::Net& n, int self, Flow flow, const SipMessage& m) {
                              got.push_back(m);
                              if (m.is_response() && m.status() >= 200) {
                                if (m.status() >= 300) {
                                  n.send(self, flow, sip::txn::make_ack_for_non_2xx(invite, m));
                                  return;
                                }
                                SipMessage ack = dialog::Dialog::from_uac(invite, m, sip::NameAddr{}).value().make_ack(1);
                                ack.push_front(sip::hdr::via, ua::make_via(ua::LocalBinding{"TLS", "127.0.0.1", 5074}, "z9hG4bKack2xx"));
                                n.send(self, flow, ack);
                              }
                            });
  }
  void send(World& w, const std::string& user, const std::string& replaces, std::uint16_t rtp_port) {
    invite = SipMessage::request(sip::MethodId::invite, uri("sips:bob@localhost"));
    invite.add(sip::hdr::via, ua::make_via(ua::LocalBinding{"TLS", "127.0.0.1", 5074}, "z9hG4bKreplaces" + std::to_string(rtp_port)));
    invite.add(sip::hdr::max_forwards, std::uint8_t{70});
    sip::Params tag;
    tag.set("tag", "second" + std::to_string(rtp_port));
    invite.add(sip::hdr::from, sip::NameAddr{"", uri("sips:" + user + "@localhost"), tag});
    invite.add(sip::hdr::to, sip::NameAddr{"", uri("sips:bob@localhost"), {}});
    invite.add(sip::hdr::call_id, "replacing-" + std::to_string(rtp_port));
    invite.add(sip::hdr::cseq, sip::CSeq{1, sip::MethodId::invite});
    invite.add(sip::hdr::contact, sip::ContactValue{false, sip::NameAddr{"", uri("sips:" + user + "@127.0.0.1:5074"), {}}});
    (void)invite.add_raw("Replaces", replaces);
    (void)invite.add_raw("Require", "replaces");
    auto offer = negotiation::make_offer(offer_caps({"127.0.0.1", rtp_port}, "77", nullptr, ua::default_codecs()),
                                         negotiation::MediaSecurityPolicy{}, negotiation::SignallingContext{true, "TLS"});
    EXPECT_TRUE(offer);
    invite.add(sip::hdr::content_type, std::string("application/sdp"));
    invite.set_body(sdp::serialize(offer->sdp));
    w.net.send(node, w.net.flow_to_server(node, "TLS"), invite);
  }
  std::size_t count(int status) const {
    std::size_t n = 0;
    for (const auto& m : got) n += m.is_response() && m.status() == status;
    return n;
  }
};

TEST(B2buaTransfer, InviteWithReplacesTakesTheLegOver) {
  World w;
  w.auth.trusted = {"alice", "carol"};  // the scripted phone does not answer digest challenges
  w.establish();                      // alice -> bob
  SecondPhone p;
  p.attach(w);
  const dialog::DialogId alices = w.alice.find_call(w.call)->dialog->id();
  // Unknown dialog: 481 (RFC 3891 section 3).
  p.send(w, "alice", "nosuch;to-tag=1;from-tag=2", 45000);
  ASSERT_TRUE(w.net.run_until([&] { return p.count(481) == 1; }));
  // carol is neither in that call nor in a call with alice: 403.
  p.send(w, "carol", alices.call_id + ";to-tag=" + alices.remote_tag + ";from-tag=" + alices.local_tag, 45002);
  ASSERT_TRUE(w.net.run_until([&] { return p.count(403) == 1; }));
  EXPECT_EQ(w.net.count(w.a, "BYE"), 0u);
  // alice's second phone takes her leg over (tags in her dialog's orientation).
  p.send(w, "alice", alices.call_id + ";to-tag=" + alices.remote_tag + ";from-tag=" + alices.local_tag, 45004);
  ASSERT_TRUE(w.net.run_until([&] { return p.count(200) == 1 && w.net.has_state(w.a, CallState::terminated); }));
  EXPECT_TRUE(w.anchor.on(Side::a).back().media.new_peer);
  EXPECT_EQ(w.anchor.on(Side::a).back().media.remote_rtp_port, 45004);
  w.net.run_for(5s);  // the ACK stopped our 200's retransmissions
  EXPECT_EQ(p.count(200), 1u);
  EXPECT_EQ(w.net.count(w.b, "BYE"), 0u);
  ASSERT_TRUE(w.bob.hangup(w.net.now, w.bob_call()));
  ASSERT_TRUE(w.net.run_until([&] { return w.net.server_event(B2buaEvent::Kind::call_ended) != nullptr; }));
  const CallRecord& rec = w.net.server_event(B2buaEvent::Kind::call_ended)->record;
  ASSERT_EQ(rec.legs.size(), 3u);
  EXPECT_EQ(rec.legs[2].user, "alice");
  EXPECT_EQ(rec.legs[2].side, Side::a);
  EXPECT_TRUE(rec.legs[2].transfer_target);
  replay_into_relay(w.anchor, 1);
}

TEST(B2buaTransfer, TargetNoAnswerIsNotifiedAndCancelled) {
  World w;
  testing::answer_notifies(w.net, w.b);
  w.establish();
  w.refer(w.b, w.bob, w.bob_call(), "<sips:carol@localhost>");
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has(w.k, Kind::incoming_call); }));
  w.net.run_for(61s);
  auto notifies = w.net.received(w.b, "NOTIFY");
  ASSERT_EQ(notifies.size(), 2u);
  EXPECT_EQ(testing::sipfrag(notifies[1]), "SIP/2.0 480 Temporarily Unavailable");
  EXPECT_EQ(w.net.count(w.k, "CANCEL"), 1u);
  EXPECT_EQ(w.net.count(w.b, "BYE"), 0u);
  EXPECT_EQ(w.net.server_event(B2buaEvent::Kind::call_ended), nullptr);
}

TEST(B2buaTransfer, BlindTransferToATrunkNumber) {
  B2buaConfig cfg = server_config();
  Trunk t;
  t.name = "carrier";
  t.uri = uri("sips:127.0.0.1:5090");
  t.credentials = auth::DigestCredentials{"acme", "pw-acme"};
  t.policy.allowed_transports = {sip::Transport::tls};
  t.numbers = {{"+15550001", "alice"}};
  t.prefix = "0";
  cfg.trunks.push_back(t);
  World w(cfg);
  ua::UaConfig dc = testing::phone("dave", 5090);
  dc.aor = uri("sips:dave@carrier.example");
  ua::UserAgent dave(dc);
  const int d = w.net.add_phone("carrier", dave);
  int challenges = 0;
  // The carrier's edge: the first INVITE gets 407, one with valid credentials for "acme" goes through.
  w.net.gates[d] = [&](testing::Net& n, int node, Flow flow, const SipMessage& m) {
    if (m.is_request() && m.method().id() == sip::MethodId::ack) {
      auto to = m.header(sip::hdr::to);
      n.gate_consumed = to && to->tag() && *to->tag() == "edgetag";
      return;
    }
    if (!m.is_request() || m.method().id() != sip::MethodId::invite) return;
    if (const sip::Header* h = m.find(sip::HeaderId::proxy_authorization)) {
      auto cred = auth::parse_authorization(h->value);
      if (cred && cred->username == "acme" && auth::verify(*cred, "pw-acme", "INVITE", m.body())) return;
    }
    ++challenges;
    auto r = sip::make_response(m, 407, "Proxy Authentication Required", "edgetag");
    (void)r->add_raw("Proxy-Authenticate", "Digest realm=\"carrier\", nonce=\"n" + std::to_string(challenges) +
                                               "\", qop=\"auth\", algorithm=SHA-256");
    n.send(node, flow, *r);
    n.gate_consumed = true;
  };
  testing::answer_notifies(w.net, w.b);
  w.establish();
  w.refer(w.b, w.bob, w.bob_call(), "<sips:015550002@localhost>");  // bob's account may dial out
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has(d, Kind::incoming_call); }));
  EXPECT_EQ(challenges, 1);
  const SipMessage inv = w.net.received(d, "INVITE").back();
  EXPECT_EQ(inv.request_uri().user, "15550002");  // prefix stripped
  EXPECT_EQ(inv.header(sip::hdr::from)->uri.user, "+15550001");  // alice (who stays) by her number
  ASSERT_TRUE(dave.answer(w.net.now, w.net.find(d, Kind::incoming_call)->call));
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has_state(w.b, CallState::terminated) && w.net.has_state(d, CallState::established); }));
  EXPECT_EQ(testing::sipfrag(w.net.received(w.b, "NOTIFY").back()), "SIP/2.0 200 OK");
  EXPECT_TRUE(w.anchor.on(Side::b).back().media.new_peer);
  EXPECT_EQ(w.anchor.on(Side::b).back().media.remote_rtp_port, 5090 + 30000);
  ASSERT_TRUE(w.alice.hangup(w.net.now, w.call));
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has_state(d, CallState::terminated); }));
  const CallRecord& rec = w.net.server_event(B2buaEvent::Kind::call_ended)->record;
  ASSERT_EQ(rec.legs.size(), 3u);
  EXPECT_EQ(rec.legs[2].user, "trunk:carrier");
  EXPECT_TRUE(rec.legs[2].transfer_target);
  replay_into_relay(w.anchor, 1);
}

TEST(B2buaTransfer, TheStayingPartyHangsUpMidTransfer) {
  World w;
  testing::answer_notifies(w.net, w.b);
  w.establish();
  w.refer(w.b, w.bob, w.bob_call(), "<sips:carol@localhost>");
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has(w.k, Kind::incoming_call); }));
  w.net.run_for(300ms);  // carol rings (180 sent)
  ASSERT_TRUE(w.alice.hangup(w.net.now, w.call));
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has_state(w.b, CallState::terminated) && w.net.count(w.k, "CANCEL") == 1; }));
  const B2buaEvent* ended = w.net.server_event(B2buaEvent::Kind::call_ended);
  ASSERT_TRUE(ended);
  EXPECT_EQ(ended->record.legs.size(), 2u);  // carol never joined
  EXPECT_EQ(ended->record.reason, "BYE from caller");
  EXPECT_TRUE(w.net.find_state(w.k, CallState::terminated) || w.net.find_state(w.k, CallState::failed));
}

TEST(B2buaTransfer, ASecondTransferAfterAFailedOneCarriesTheReferId) {
  World w;
  testing::answer_notifies(w.net, w.b);
  w.establish();
  w.refer(w.b, w.bob, w.bob_call(), "<sips:carol@localhost>", 100);
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has(w.k, Kind::incoming_call); }));
  ASSERT_TRUE(w.carol.reject(w.net.now, w.net.find(w.k, Kind::incoming_call)->call, 603));
  ASSERT_TRUE(w.net.run_until([&] { return w.net.count(w.b, "NOTIFY") == 2; }));
  EXPECT_EQ(testing::sipfrag(w.net.received(w.b, "NOTIFY")[1]), "SIP/2.0 603 Decline");
  w.refer(w.b, w.bob, w.bob_call(), "<sips:carol@localhost>", 110);
  ASSERT_TRUE(w.net.run_until([&] { return w.net.find(w.k, Kind::incoming_call, 1) != nullptr; }));
  ASSERT_TRUE(w.carol.answer(w.net.now, w.net.find(w.k, Kind::incoming_call, 1)->call));
  ASSERT_TRUE(w.net.run_until([&] { return w.net.has_state(w.b, CallState::terminated); }));
  auto n = w.net.received(w.b, "NOTIFY");
  ASSERT_EQ(n.size(), 4u);
  EXPECT_EQ(n[0].find("Event")->value, "refer");
  const std::string id = "refer;id=" + std::to_string(w.net.received(w.net.server(), "REFER").back().header(sip::hdr::cseq)->number);
  EXPECT_EQ(n[2].find("Event")->value, id);
  EXPECT_EQ(n[3].find("Event")->value, id);
  EXPECT_EQ(testing::sipfrag(n[3]), "SIP/2.0 200 OK");
}

TEST(B2buaTransfer, ParseReplaces) {
  auto r = parse_replaces("abc@host ;to-tag=1; from-tag=2;early-only;x=y");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->call_id, "abc@host");
  EXPECT_EQ(r->to_tag, "1");
  EXPECT_EQ(r->from_tag, "2");
  EXPECT_TRUE(r->early_only);
  EXPECT_EQ(parse_replaces("").error().context, "Replaces: empty Call-ID");
  EXPECT_EQ(parse_replaces("a;from-tag=2").error().context, "Replaces: no to-tag");
  EXPECT_EQ(parse_replaces("a;to-tag=1;to-tag=2;from-tag=3").error().context, "Replaces: to-tag given twice");
  EXPECT_EQ(parse_replaces("a;to-tag=;from-tag=3").error().context, "Replaces: empty or malformed to-tag");
  EXPECT_EQ(parse_replaces("a;;to-tag=1").error().context, "Replaces: empty parameter");
}

}  // namespace
}  // namespace sotto::b2bua
