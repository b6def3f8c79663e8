// Pending flows: a request to a URI without a flow goes on a FlowKind::pending flow that the UserAgent
// alone records (one per next hop); use_flow moves its transactions to the located flow and forgets it,
// handle_transport_error fails them (503, once) and forgets it.
#include <gtest/gtest.h>

#include <vector>

#include "core/ua/testing_ua.hpp"

namespace sotto::ua {
namespace {

using testing::uri;
using Kind = UaEvent::Kind;
using namespace std::chrono_literals;

const CallOptions kMedia{"127.0.0.1", 40000, "IP4"};

UaConfig alice() {
  UaConfig c = testing::config("alice", 5060, "UDP");
  c.registrar = uri("sip:127.0.0.1:5070");  // the same next hop as bob
  c.credentials = auth::DigestCredentials{"alice", "secret"};
  return c;
}

std::vector<Transmit> drain(UserAgent& ua) {
  std::vector<Transmit> out;
  while (auto t = ua.poll_transmit()) out.push_back(std::move(*t));
  return out;
}

std::vector<UaEvent> events(UserAgent& ua) {
  std::vector<UaEvent> out;
  while (auto e = ua.poll_event()) out.push_back(std::move(*e));
  return out;
}

sip::SipMessage response_to(const sip::SipMessage& req, int status, const std::string& reason) {
  return sip::make_response(req, status, reason, status > 100 ? "bobtag" : "").value();
}

TEST(UaPendingFlow, ARequestToAUriWithoutAFlowGoesOnAPendingFlow) {
  UserAgent ua(alice());
  const sip::Uri bob = uri("sip:bob@127.0.0.1:5070");
  ASSERT_TRUE(ua.call(testing::start_time(), bob, kMedia));
  auto sent = drain(ua);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].flow.kind(), sip::txn::FlowKind::pending);
  EXPECT_FALSE(sent[0].flow.reliable);  // UDP: the transaction retransmits (Timer A)
  ASSERT_TRUE(sent[0].target);
  EXPECT_EQ(sip::serialize(*sent[0].target), "sip:bob@127.0.0.1:5070");
  EXPECT_EQ(ua.pending_flows(), 1u);
}

TEST(UaPendingFlow, TwoRequestsToTheSameHopShareOnePendingFlow) {
  UserAgent ua(alice());
  const Timestamp t = testing::start_time();
  ASSERT_TRUE(ua.call(t, uri("sip:bob@127.0.0.1:5070"), kMedia));
  ASSERT_TRUE(ua.call(t, uri("sip:carol@127.0.0.1:5070"), kMedia));
  ASSERT_TRUE(ua.register_account(t));  // the registrar is the same next hop
  ASSERT_TRUE(ua.call(t, uri("sip:dave@127.0.0.1:5080"), kMedia));  // another hop
  auto sent = drain(ua);
  ASSERT_EQ(sent.size(), 4u);
  for (const Transmit& s : sent) EXPECT_TRUE(s.flow.is_pending());
  EXPECT_EQ(sent[0].flow, sent[1].flow);
  EXPECT_EQ(sent[0].flow, sent[2].flow);
  EXPECT_NE(sent[0].flow, sent[3].flow);
  EXPECT_EQ(ua.pending_flows(), 2u);
}

TEST(UaPendingFlow, AfterUseFlowRetransmissionsGoDownTheRealFlowAndThePendingIdIsForgotten) {
  UserAgent ua(alice());
  const sip::Uri bob = uri("sip:bob@127.0.0.1:5070");
  Timestamp now = testing::start_time();
  auto call = ua.call(now, bob, kMedia);
  ASSERT_TRUE(call);
  ASSERT_TRUE(ua.register_account(now));
  auto first = drain(ua);
  ASSERT_EQ(first.size(), 2u);
  const Flow pending = first[0].flow;
  ASSERT_TRUE(pending.is_pending());

  // The io layer located the target and opened a UDP flow to it.
  const Flow real = Flow::udp(3);
  ua.use_flow(bob, real, FlowInfo{false});
  EXPECT_EQ(ua.pending_flows(), 0u);

  // Timer A (INVITE) and Timer E (REGISTER) fire at T1: both retransmit down the real flow.
  now += 500ms;
  ua.handle_timeout(now);
  auto again = drain(ua);
  ASSERT_EQ(again.size(), 2u);
  for (const Transmit& t : again) {
    EXPECT_TRUE(t.retransmission);
    EXPECT_EQ(t.flow, real);
    EXPECT_FALSE(t.target);
  }

  // The response on the real flow matches the moved transaction.
  ua.handle_message(now, real, response_to(first[0].message, 180, "Ringing"), FlowInfo{false});
  bool ringing = false;
  for (const UaEvent& e : events(ua)) ringing |= e.kind == Kind::call_state && e.state == CallState::ringing;
  EXPECT_TRUE(ringing);

  // Handing up: the CANCEL goes down the real flow as well, and a new request to the hop needs no pending flow.
  ASSERT_TRUE(ua.hangup(now, *call));
  ASSERT_TRUE(ua.call(now, uri("sip:carol@127.0.0.1:5070"), kMedia));
  auto later = drain(ua);
  ASSERT_EQ(later.size(), 2u);
  EXPECT_EQ(later[0].message.method(), sip::MethodId::cancel);
  for (const Transmit& t : later) {
    EXPECT_EQ(t.flow, real);
    EXPECT_FALSE(t.target);
  }
  EXPECT_EQ(ua.pending_flows(), 0u);
}

TEST(UaPendingFlow, UseFlowBeforeTheFirstCopyIsPolledSendsItDownTheRealFlow) {
  UserAgent ua(alice());
  const sip::Uri bob = uri("sip:bob@127.0.0.1:5070");
  ASSERT_TRUE(ua.call(testing::start_time(), bob, kMedia));
  ua.use_flow(bob, Flow::udp(8), FlowInfo{false});
  auto sent = drain(ua);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].flow, Flow::udp(8));
  EXPECT_FALSE(sent[0].target);
  EXPECT_EQ(ua.pending_flows(), 0u);
}

TEST(UaPendingFlow, TransportFailureOfAPendingFlowFailsItsTransactionsWith503Once) {
  UserAgent ua(alice());
  Timestamp now = testing::start_time();
  ASSERT_TRUE(ua.call(now, uri("sip:bob@127.0.0.1:5070"), kMedia));
  ASSERT_TRUE(ua.register_account(now));
  auto sent = drain(ua);
  ASSERT_EQ(sent.size(), 2u);
  const Flow pending = sent[0].flow;

  ua.handle_transport_error(now, pending);
  ua.handle_transport_error(now, pending);  // reported twice (e.g. locate failed, then a late close)
  int call_failed = 0, registration_failed = 0;
  for (const UaEvent& e : events(ua)) {
    if (e.kind == Kind::call_state && e.state == CallState::failed) {
      ++call_failed;
      EXPECT_EQ(e.status, 503);
    }
    if (e.kind == Kind::registration_failed) {
      ++registration_failed;
      EXPECT_EQ(e.status, 503);
    }
  }
  EXPECT_EQ(call_failed, 1);
  EXPECT_EQ(registration_failed, 1);
  EXPECT_EQ(ua.pending_flows(), 0u);

  // Nothing is retransmitted towards the unreachable destination, and no more failures come.
  for (int i = 0; i < 10; ++i) {
    now += 500ms;
    ua.handle_timeout(now);
  }
  for (const Transmit& t : drain(ua)) EXPECT_NE(t.flow.id, pending.id) << sip::serialize(t.message);
  for (const UaEvent& e : events(ua)) {
    EXPECT_FALSE(e.kind == Kind::call_state && e.state == CallState::failed);
    EXPECT_NE(e.kind, Kind::registration_failed);
  }

  // The next request to that hop is located afresh: a new pending flow, not the failed one.
  ASSERT_TRUE(ua.call(now, uri("sip:bob@127.0.0.1:5070"), kMedia));
  auto retry = drain(ua);
  ASSERT_EQ(retry.size(), 1u);
  EXPECT_TRUE(retry[0].flow.is_pending());
  EXPECT_NE(retry[0].flow, pending);
  EXPECT_EQ(ua.pending_flows(), 1u);
}

TEST(UaPendingFlow, MessagesNotYetPolledForAnUnreachablePendingFlowAreDropped) {
  UserAgent ua(alice());
  ASSERT_TRUE(ua.call(testing::start_time(), uri("sip:bob@127.0.0.1:5070"), kMedia));
  auto sent = drain(ua);
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_TRUE(ua.register_account(testing::start_time()));  // queued, not polled
  ua.handle_transport_error(testing::start_time(), sent[0].flow);
  for (const Transmit& t : drain(ua)) EXPECT_NE(t.flow.id, sent[0].flow.id) << sip::serialize(t.message);
  EXPECT_EQ(ua.pending_flows(), 0u);
}

}  // namespace
}  // namespace sotto::ua
