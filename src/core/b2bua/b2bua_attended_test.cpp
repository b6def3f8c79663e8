// Attended transfers at the B2BUA (docs/B2BUA.md "Transfers"): REFER with Replaces (both calls' records,
// R2 moved, T released), R2's ROC carried across when it keeps its key, refused for another party's call;
// an INVITE with Replaces taking a leg over; the Replaces header parser.
#include <gtest/gtest.h>

#include "core/b2bua/testing_transfer_world.hpp"

namespace sotto::b2bua {
namespace {

using namespace transfer_test;

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
