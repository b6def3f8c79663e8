// Blind transfers at the B2BUA (docs/B2BUA.md "Transfers"): REFER to a user (the relay's side moves to
// the target as a new peer with new keys, NOTIFY 100 then 200, BYE to the transferor, a held party
// resumed, three legs in the record), the target's BYE afterwards, a busy or silent target (NOTIFY 486 /
// 480, the call goes on), Refer-Sub: false, refused REFERs (400, 403, 404, 491), a transfer to a trunk
// number; and no outbound key used twice, checked by replaying the anchor's set_leg calls into a real
// relay core. Attended transfers and Replaces: b2bua_attended_test.cpp.
#include <gtest/gtest.h>

#include "core/b2bua/testing_transfer_world.hpp"

namespace sotto::b2bua {
namespace {

using namespace transfer_test;

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

}  // namespace
}  // namespace sotto::b2bua
