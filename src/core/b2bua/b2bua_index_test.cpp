// The B2BUA's lookups that must not depend on how many calls it holds: the dialog index (in-dialog
// requests, ACKs, 2xx retransmitted after the INVITE transaction ended) among many lingering calls,
// and the dead-flow sweep after purges. DialogIndex on its own first.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>

#include "base/testing/deterministic_random.hpp"
#include "core/b2bua/dialog_index.hpp"
#include "core/b2bua/testing_b2bua.hpp"
#include "core/negotiation/answerer.hpp"
#include "core/sdp/sdp.hpp"
#include "core/ua/call.hpp"

namespace sotto::b2bua {
namespace {

using testing::uri;
using sip::SipMessage;
using namespace std::chrono_literals;

dialog::DialogId did(std::string call_id, std::string local, std::string remote) {
  return dialog::DialogId{std::move(call_id), std::move(local), std::move(remote)};
}

TEST(DialogIndex, FindsEachIdsCallAndNothingForAnIdDifferingInOneField) {
  DialogIndex index;
  for (CallHandle h = 1; h <= 1000; ++h) {
    index.add(did("call-" + std::to_string(h), "ours" + std::to_string(h), "theirs"), h);
  }
  EXPECT_EQ(index.size(), 1000u);
  for (CallHandle h = 1; h <= 1000; ++h) {
    EXPECT_EQ(index.find(did("call-" + std::to_string(h), "ours" + std::to_string(h), "theirs")), h);
  }
  EXPECT_EQ(index.find(did("call-7", "ours7", "other")), std::nullopt);
  EXPECT_EQ(index.find(did("call-7", "ours8", "theirs")), std::nullopt);
  EXPECT_EQ(index.find(did("call-8", "ours7", "theirs")), std::nullopt);
}

TEST(DialogIndex, ALegMovedToAnotherCallStaysIndexedWhenItsOldCallIsRemoved) {
  DialogIndex index;
  const auto moved = did("c1", "x", "y");
  const auto stays = did("c1", "a", "b");
  index.add(moved, 1);
  index.add(stays, 1);
  index.add(moved, 2);  // the leg joins call 2
  EXPECT_EQ(index.find(moved), 2u);
  index.remove(moved, 1);  // call 1 purged: its list still names the moved id
  index.remove(stays, 1);
  EXPECT_EQ(index.find(moved), 2u);
  EXPECT_EQ(index.find(stays), std::nullopt);
  EXPECT_EQ(index.size(), 1u);
  index.remove(moved, 2);
  EXPECT_EQ(index.size(), 0u);
}

B2buaConfig server_config() {
  B2buaConfig c;
  c.domains = {"localhost"};
  c.bindings = {ua::LocalBinding{"TLS", "127.0.0.1", 5061}};
  return c;
}

SipMessage reply(const SipMessage& req, int status, const std::string& reason, const std::string& tag) {
  auto r = sip::make_response(req, status, reason, tag);
  EXPECT_TRUE(r);
  return r ? *r : SipMessage{};
}

// What a sotto phone with default settings answers over TLS.
std::string answer_for(const std::string& offer) {
  auto parsed = sdp::parse_sdp(offer);
  EXPECT_TRUE(parsed) << offer;
  if (!parsed) return {};
  const ua::UaConfig cfg = testing::phone("peer", 5090);
  auto caps = ua::local_caps(cfg, ua::CallOptions{"127.0.0.1", 36000, "IP4"}, "77", sdp::Direction::sendrecv);
  auto out = negotiation::make_answer(*parsed, caps, cfg.media_policy, negotiation::SignallingContext::tls());
  EXPECT_TRUE(out && std::holds_alternative<negotiation::Answer>(*out));
  if (!out || !std::holds_alternative<negotiation::Answer>(*out)) return {};
  return sdp::serialize(std::get<negotiation::Answer>(*out).sdp);
}

// bob: answers every INVITE at once with 200 (To tag "bob<n>" for its n-th call), counts ACKs per
// Call-ID, and on request sends BYE on a call or its 200 again.
struct Callee {
  struct Leg {
    SipMessage invite;
    SipMessage ok;
    Flow flow;
    int acks = 0;
    std::uint32_t cseq = 0;
  };
  std::vector<Leg> legs;
  std::map<std::string, std::size_t> by_call_id;
  void operator()(testing::Net& net, int node, Flow f, const SipMessage& msg) {
    if (!msg.is_request()) return;
    const std::string call_id = *msg.header(sip::hdr::call_id);
    if (msg.method() == sip::MethodId::ack) {
      if (auto it = by_call_id.find(call_id); it != by_call_id.end()) ++legs[it->second].acks;
      return;
    }
    if (msg.method() == sip::MethodId::invite && !by_call_id.count(call_id)) {
      SipMessage ok = reply(msg, 200, "OK", "bob" + std::to_string(legs.size()));
      ok.add(sip::hdr::contact, *sip::parse_contact("<sips:bob@127.0.0.1:5072>"));
      ok.add(sip::hdr::content_type, std::string("application/sdp"));
      ok.set_body(answer_for(msg.body()));
      by_call_id[call_id] = legs.size();
      legs.push_back(Leg{msg, ok, f, 0, 0});
      net.send(node, f, ok);
      return;
    }
    net.send(node, f, reply(msg, 200, "OK", ""));
  }
  // A BYE in call i's dialog, as bob (From: the INVITE's To with our tag) with the next CSeq.
  void send_bye(testing::Net& net, int node, std::size_t i) {
    Leg& l = legs.at(i);
    SipMessage bye = SipMessage::request(sip::MethodId::bye, l.invite.header(sip::hdr::contact)->address.uri);
    bye.add(sip::hdr::via, *sip::parse_via("SIP/2.0/TLS 127.0.0.1:5072;branch=z9hG4bKbye" + std::to_string(i) + "x" +
                                           std::to_string(l.cseq)));
    bye.add(sip::hdr::max_forwards, std::uint8_t{70});
    bye.add(sip::hdr::from, *l.ok.header(sip::hdr::to));
    bye.add(sip::hdr::to, *l.ok.header(sip::hdr::from));
    bye.add(sip::hdr::call_id, *l.ok.header(sip::hdr::call_id));
    bye.add(sip::hdr::cseq, sip::CSeq{++l.cseq, sip::MethodId::bye});
    net.send(node, l.flow, bye);
  }
  void resend_ok(testing::Net& net, int node, std::size_t i) { net.send(node, legs.at(i).flow, legs.at(i).ok); }
  // Bob's final responses to his BYEs on call i, by status.
  std::size_t responses(const testing::Net& net, int node, std::size_t i, const std::string& status) const {
    std::size_t n = 0;
    for (const auto& m : net.received(node, status)) {
      auto cseq = m.header(sip::hdr::cseq);
      if (cseq && cseq->method == sip::MethodId::bye && *m.header(sip::hdr::call_id) == *legs.at(i).ok.header(sip::hdr::call_id)) ++n;
    }
    return n;
  }
};

struct Index : ::testing::Test {
  sotto::testing::DeterministicRandom rng{11};
  testing::FakeLocations locations;
  testing::FakeAuthenticator auth;
  testing::FakeAnchor anchor;
  testing::FakePolicies policies;
  B2bua server{server_config(), locations, auth, anchor, policies, rng};
  ua::UserAgent alice{testing::phone("alice", 5071)};
  Callee callee;
  testing::Net net;
  int a = 0;
  int b = 0;
  Flow bob_flow;
  std::vector<std::string> alice_call_ids;  // Call-ID of alice's i-th call (leg A)
  std::vector<ua::CallHandle> alice_calls;

  void SetUp() override {
    net.attach(server);
    a = net.add_phone("alice", alice);
    b = net.add_script("bob", {ua::LocalBinding{"TLS", "127.0.0.1", 5072}}, std::ref(callee));
    auth.trusted = {"alice"};  // no 407: parallel INVITEs would race for the fake's one nonce
    policies.users["alice"] = UserPolicy{};
    policies.users["bob"] = UserPolicy{};
    policies.users["carol"] = UserPolicy{};
    registrar::Binding bind;
    bind.user = "bob";
    bind.contact = uri("sips:bob@127.0.0.1:6072");
    bind.transport = sip::Transport::tls;
    bind.flow = bob_flow = net.connect(b, "TLS");
    locations.bindings["bob"].push_back(bind);
  }
  // One more established call alice -> bob.
  void establish() {
    const std::size_t before = callee.legs.size();
    auto h = alice.call(net.now, uri("sips:bob@localhost"), ua::CallOptions{"127.0.0.1", 41000, "IP4"});
    ASSERT_TRUE(h) << h.error().message();
    ASSERT_TRUE(net.run_until([&] { return callee.legs.size() == before + 1 && callee.legs.back().acks == 1; }));
    ASSERT_TRUE(net.run_until([&] {
      const ua::Call* c = alice.find_call(*h);
      return c && c->phase == ua::Call::Phase::confirmed;
    }));
    alice_calls.push_back(*h);
    std::string call_id;
    for (const auto& m : net.received(a, "200")) {
      auto cseq = m.header(sip::hdr::cseq);
      if (cseq && cseq->method == sip::MethodId::invite) call_id = *m.header(sip::hdr::call_id);
    }
    alice_call_ids.push_back(call_id);
  }
  // Calls that end at once and linger 64*T1 (carol has no binding: 480).
  void add_lingering(std::size_t n) {
    const std::size_t before = server.call_count();
    for (std::size_t i = 0; i < n; ++i) {
      ASSERT_TRUE(alice.call(net.now, uri("sips:carol@localhost"), ua::CallOptions{"127.0.0.1", 41000, "IP4"}));
    }
    ASSERT_TRUE(net.run_until([&] { return server.call_count() == before + n; }));
  }
  std::size_t ended_events() const {
    return static_cast<std::size_t>(std::count_if(net.server_events.begin(), net.server_events.end(), [](const B2buaEvent& e) {
      return e.kind == B2buaEvent::Kind::call_ended;
    }));
  }
  std::size_t byes_to_alice(const std::string& call_id) const {
    std::size_t n = 0;
    for (const auto& m : net.received(a, "BYE")) n += *m.header(sip::hdr::call_id) == call_id;
    return n;
  }
};

// Six established calls among 30 lingering ones: bob's BYE on each (in a scrambled order) ends exactly
// that call and reaches alice in that call's dialog; a BYE on an ended call gets 481, before and after
// the purge, and the purge empties the index.
TEST_F(Index, ByeFromTheCalleeEndsItsOwnCallAmongManyAnd481OnceEnded) {
  add_lingering(15);
  constexpr std::size_t n = 6;
  for (std::size_t i = 0; i < n; ++i) {
    establish();
    if (HasFatalFailure()) return;
  }
  add_lingering(15);
  ASSERT_EQ(server.call_count(), 30 + n);
  // Leg A of every call, leg B of each answered one.
  EXPECT_EQ(server.dialog_count(), 30 + 2 * n);
  std::vector<bool> done(n, false);
  for (std::size_t i : {3u, 0u, 5u, 1u, 4u, 2u}) {
    const std::size_t ended_before = ended_events();
    callee.send_bye(net, b, i);
    ASSERT_TRUE(net.run_until([&] { return callee.responses(net, b, i, "200") == 1; })) << "call " << i;
    ASSERT_TRUE(net.run_until([&] { return byes_to_alice(alice_call_ids[i]) == 1; })) << "call " << i;
    EXPECT_EQ(ended_events(), ended_before + 1);
    EXPECT_EQ(net.server_events.back().record.call_id, alice_call_ids[i]);
    done[i] = true;
    for (std::size_t j = 0; j < n; ++j) {
      const ua::Call* c = alice.find_call(alice_calls[j]);
      if (!done[j]) {
        EXPECT_TRUE(c && c->phase == ua::Call::Phase::confirmed) << "call " << j << " untouched";
      }
      EXPECT_EQ(byes_to_alice(alice_call_ids[j]), done[j] ? 1u : 0u) << "call " << j;
    }
    callee.send_bye(net, b, i);  // again, on the ended (lingering) call
    ASSERT_TRUE(net.run_until([&] { return callee.responses(net, b, i, "481") == 1; })) << "call " << i;
  }
  net.run_for(40s);  // 64*T1 after the last: every call purged
  EXPECT_EQ(server.call_count(), 0u);
  EXPECT_EQ(server.dialog_count(), 0u);
  callee.send_bye(net, b, 2);
  ASSERT_TRUE(net.run_until([&] { return callee.responses(net, b, 2, "481") == 2; }));
}

// bob's 200 again after the INVITE client transaction has ended (beyond 64*T1): the B2BUA ACKs it
// again in that call's dialog and no other.
TEST_F(Index, A2xxRetransmittedAfterTheTransactionEndedIsAckedAgainInItsOwnDialog) {
  for (std::size_t i = 0; i < 4; ++i) {
    establish();
    if (HasFatalFailure()) return;
  }
  add_lingering(10);
  net.run_for(33s);  // past Timer M of every INVITE (the lingering calls are purged meanwhile)
  ASSERT_EQ(server.call_count(), 4u);
  add_lingering(10);
  callee.resend_ok(net, b, 2);
  ASSERT_TRUE(net.run_until([&] { return callee.legs[2].acks == 2; }));
  net.run_for(1s);
  EXPECT_EQ(callee.legs[0].acks, 1);
  EXPECT_EQ(callee.legs[1].acks, 1);
  EXPECT_EQ(callee.legs[2].acks, 2);
  EXPECT_EQ(callee.legs[3].acks, 1);
}

// An INVITE without SDP from dave (TLS 5073) to carol, who has no binding: 480, the call lingers 64*T1.
SipMessage dave_invite(int n) {
  const std::string sn = std::to_string(n);
  SipMessage inv = SipMessage::request(sip::MethodId::invite, uri("sips:carol@localhost"));
  inv.add(sip::hdr::via, *sip::parse_via("SIP/2.0/TLS 127.0.0.1:5073;branch=z9hG4bKdave" + sn));
  inv.add(sip::hdr::max_forwards, std::uint8_t{70});
  inv.add(sip::hdr::from, *sip::parse_name_addr("<sips:dave@localhost>;tag=dave" + sn, "From"));
  inv.add(sip::hdr::to, *sip::parse_name_addr("<sips:carol@localhost>", "To"));
  inv.add(sip::hdr::call_id, "dave-call-" + sn);
  inv.add(sip::hdr::cseq, sip::CSeq{1, sip::MethodId::invite});
  inv.add(sip::hdr::contact, *sip::parse_contact("<sips:dave@127.0.0.1:5073>"));
  return inv;
}

// A flow that failed stays known as dead while a held call (here a lingering one) names it, and is
// forgotten once the calls naming it are purged.
TEST_F(Index, ADeadFlowIsForgottenOnceNoHeldCallNamesIt) {
  auth.trusted.push_back("dave");
  policies.users["dave"] = UserPolicy{};
  const int d = net.add_script("dave", {ua::LocalBinding{"TLS", "127.0.0.1", 5073}}, [](testing::Net&, int, Flow, const SipMessage&) {});
  const Flow dave = net.flow_to_server(d, "TLS");
  const Flow dave_at_server = net.connect(d, "TLS");
  net.send(d, dave, dave_invite(1));
  ASSERT_TRUE(net.run_until([&] { return net.count(d, "480") == 1; }));
  const Timestamp first = net.now;
  net.run_for(10s);
  net.send(d, dave, dave_invite(2));
  ASSERT_TRUE(net.run_until([&] { return net.count(d, "480") == 2; }));
  ASSERT_EQ(server.call_count(), 2u);
  server.handle_transport_error(net.now, dave_at_server);
  EXPECT_EQ(server.dead_flow_count(), 1u);
  ASSERT_TRUE(net.run_until([&] { return server.call_count() == 1; }));
  EXPECT_EQ(net.now + net.latency, first + 64 * sip::txn::TimerConfig{}.t1);  // the 480 took `latency`
  EXPECT_EQ(server.dead_flow_count(), 1u) << "the second call still names it";
  ASSERT_TRUE(net.run_until([&] { return server.call_count() == 0; }));
  EXPECT_EQ(server.dead_flow_count(), 0u);
  EXPECT_EQ(server.dialog_count(), 0u);
}

}  // namespace
}  // namespace sotto::b2bua
