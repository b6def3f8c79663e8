// The four RFC 3261 transaction machines and the layer, under a virtual clock: no sleeps.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <variant>
#include <vector>

#include "core/sip/header_fields.hpp"
#include "core/sip/message_parser.hpp"
#include "core/sip/response_builder.hpp"
#include "core/transaction/transaction_layer.hpp"

namespace sotto::sip::txn {
namespace {

const Timestamp t0{};

SipMessage parse(std::string text) {
  std::string crlf;
  for (char c : text) {
    if (c == '\n') crlf += "\r\n";
    else crlf += c;
  }
  auto m = parse_message(crlf);
  EXPECT_TRUE(m) << m.error().message();
  return *m;
}

SipMessage request(std::string method, std::string branch = "z9hG4bKnashds8") {
  return parse(method + " sip:bob@127.0.0.1 SIP/2.0\n"
               "Via: SIP/2.0/UDP 127.0.0.1:5070;branch=" + branch + "\n"
               "Max-Forwards: 70\n"
               "From: <sip:alice@127.0.0.1>;tag=1928301774\n"
               "To: <sip:bob@127.0.0.1>\n"
               "Call-ID: a84b4c76e66710\n"
               "CSeq: 314159 " + method + "\n"
               "Content-Length: 0\n\n");
}

SipMessage respond(const SipMessage& req, int code, const char* reason = "X") {
  return make_response(req, code, reason, code > 100 ? "314" : "").value();
}

template <class T>
std::vector<TxnTransmit> sent(T& t) {
  std::vector<TxnTransmit> v;
  while (auto x = t.poll_transmit()) v.push_back(std::move(*x));
  return v;
}

template <class T>
std::vector<TxnEvent::Kind> events(T& t) {
  std::vector<TxnEvent::Kind> v;
  while (auto x = t.poll_event()) v.push_back(x->kind);
  return v;
}

using K = TxnEvent::Kind;

TEST(InviteClient, TimerARetransmitsWithDoublingUntilTimerB) {
  InviteClientTransaction t(t0, request("INVITE"), /*reliable=*/false);
  ASSERT_EQ(sent(t).size(), 1u);
  std::vector<Duration> at;
  Timestamp now = t0;
  while (auto d = t.next_timeout()) {
    now = *d;
    t.handle_timeout(now);
    for (auto& x : sent(t)) {
      EXPECT_TRUE(x.retransmission);
      at.push_back(now - t0);
    }
  }
  // A at 0.5, 1.5, 3.5, 7.5, 15.5, 31.5 s; B at 32 s.
  std::vector<Duration> want = {500ms, 1500ms, 3500ms, 7500ms, 15500ms, 31500ms};
  EXPECT_EQ(at, want);
  EXPECT_EQ(now - t0, Duration(32s));
  EXPECT_EQ(events(t), (std::vector<K>{K::timeout, K::terminated}));
}

TEST(InviteClient, ReliableTransportHasNoTimerA) {
  InviteClientTransaction t(t0, request("INVITE"), true);
  sent(t);
  EXPECT_EQ(t.next_timeout(), t0 + 32s);
}

TEST(InviteClient, ProvisionalStopsRetransmissionsAndFinalIsAcked) {
  auto inv = request("INVITE");
  InviteClientTransaction t(t0, inv, false);
  sent(t);
  t.handle_response(t0 + 100ms, respond(inv, 180));
  EXPECT_EQ(t.state(), InviteClientTransaction::State::proceeding);
  EXPECT_EQ(t.next_timeout(), std::nullopt);
  auto busy = respond(inv, 486, "Busy Here");
  t.handle_response(t0 + 2s, busy);
  auto acks = sent(t);
  ASSERT_EQ(acks.size(), 1u);
  const SipMessage& ack = acks[0].message;
  EXPECT_EQ(ack.method(), MethodId::ack);
  EXPECT_EQ(ack.header(hdr::cseq)->number, 314159u);
  EXPECT_EQ(ack.header(hdr::cseq)->method, MethodId::ack);
  EXPECT_EQ(ack.header(hdr::to)->tag(), "314");
  EXPECT_EQ(ack.header(hdr::via)->branch(), "z9hG4bKnashds8");
  // A retransmitted 486 is ACKed again but not passed up again.
  t.handle_response(t0 + 3s, busy);
  EXPECT_EQ(sent(t).size(), 1u);
  EXPECT_EQ(events(t), (std::vector<K>{K::response, K::response}));
  t.handle_timeout(t0 + 2s + 32s);
  EXPECT_EQ(events(t), (std::vector<K>{K::terminated}));
}

TEST(InviteClient, Rfc6026AcceptedPassesRetransmitted2xxUp) {
  auto inv = request("INVITE");
  InviteClientTransaction t(t0, inv, false);
  sent(t);
  t.handle_response(t0 + 1s, respond(inv, 200, "OK"));
  t.handle_response(t0 + 2s, respond(inv, 200, "OK"));
  EXPECT_TRUE(sent(t).empty()) << "2xx are ACKed by the TU, not the transaction";
  EXPECT_EQ(events(t), (std::vector<K>{K::response, K::response}));
  EXPECT_EQ(t.state(), InviteClientTransaction::State::accepted);
  t.handle_timeout(t0 + 1s + 32s);
  EXPECT_EQ(events(t), (std::vector<K>{K::terminated}));
}

TEST(NonInviteClient, TimerECapsAtT2AndTimerFTimesOut) {
  NonInviteClientTransaction t(t0, request("OPTIONS"), false);
  sent(t);
  std::vector<Duration> at;
  Timestamp now = t0;
  while (auto d = t.next_timeout()) {
    now = *d;
    t.handle_timeout(now);
    for (std::size_t i = sent(t).size(); i > 0; --i) at.push_back(now - t0);
  }
  std::vector<Duration> want = {500ms, 1500ms, 3500ms, 7500ms, 11500ms, 15500ms, 19500ms, 23500ms, 27500ms, 31500ms};
  EXPECT_EQ(at, want);
  EXPECT_EQ(events(t), (std::vector<K>{K::timeout, K::terminated}));
}

TEST(NonInviteClient, ProceedingRetransmitsEveryT2ThenTimerK) {
  auto req = request("REGISTER");
  NonInviteClientTransaction t(t0, req, false);
  sent(t);
  t.handle_response(t0 + 100ms, respond(req, 100, "Trying"));
  t.handle_timeout(t0 + 500ms);
  EXPECT_EQ(t.next_timeout(), t0 + 500ms + 4s);
  t.handle_response(t0 + 1s, respond(req, 200, "OK"));
  EXPECT_EQ(t.state(), NonInviteClientTransaction::State::completed);
  EXPECT_EQ(t.next_timeout(), t0 + 1s + 5s);  // Timer K = T4 on UDP
  t.handle_response(t0 + 2s, respond(req, 200, "OK"));  // absorbed
  t.handle_timeout(t0 + 6s);
  EXPECT_EQ(events(t), (std::vector<K>{K::response, K::response, K::terminated}));
}

TEST(InviteServer, Sends100TryingAfter200msAndRetransmitsFinalUntilAck) {
  auto inv = request("INVITE");
  InviteServerTransaction t(t0, inv, false, respond(inv, 100, "Trying"));
  EXPECT_EQ(events(t), (std::vector<K>{K::request}));
  t.handle_timeout(t0 + 200ms);
  auto trying = sent(t);
  ASSERT_EQ(trying.size(), 1u);
  EXPECT_EQ(trying[0].message.status(), 100);
  // A retransmitted INVITE gets the 100 again.
  t.handle_request(t0 + 500ms, inv);
  EXPECT_EQ(sent(t).size(), 1u);
  ASSERT_TRUE(t.send_response(t0 + 1s, respond(inv, 603, "Decline")));
  EXPECT_EQ(sent(t).size(), 1u);
  t.handle_timeout(t0 + 1500ms);  // G
  t.handle_timeout(t0 + 2500ms);  // G doubled
  EXPECT_EQ(sent(t).size(), 2u);
  auto ack = request("ACK");
  t.handle_request(t0 + 3s, ack);
  EXPECT_EQ(t.state(), InviteServerTransaction::State::confirmed);
  t.handle_timeout(t0 + 8s);  // I = T4
  EXPECT_EQ(events(t), (std::vector<K>{K::terminated}));
}

TEST(InviteServer, NoAckMeansTimerH) {
  auto inv = request("INVITE");
  InviteServerTransaction t(t0, inv, true, std::nullopt);
  events(t);
  t.send_response(t0, respond(inv, 486, "Busy Here"));
  EXPECT_EQ(t.next_timeout(), t0 + 32s);  // no G on TCP
  t.handle_timeout(t0 + 32s);
  EXPECT_EQ(events(t), (std::vector<K>{K::timeout, K::terminated}));
}

TEST(InviteServer, TuAnswersBefore200msSoNo100) {
  auto inv = request("INVITE");
  InviteServerTransaction t(t0, inv, false, respond(inv, 100, "Trying"));
  t.send_response(t0 + 50ms, respond(inv, 180, "Ringing"));
  t.handle_timeout(t0 + 300ms);
  auto s = sent(t);
  ASSERT_EQ(s.size(), 1u);
  EXPECT_EQ(s[0].message.status(), 180);
  ASSERT_TRUE(t.send_response(t0 + 1s, respond(inv, 200, "OK")));
  EXPECT_EQ(t.state(), InviteServerTransaction::State::accepted);
  EXPECT_FALSE(t.send_response(t0 + 1s, respond(inv, 486, "Busy Here")));
}

TEST(NonInviteServer, AnswersRetransmissionsFromCacheUntilTimerJ) {
  auto req = request("BYE");
  NonInviteServerTransaction t(t0, req, false);
  EXPECT_EQ(events(t), (std::vector<K>{K::request}));
  t.handle_request(t0 + 100ms, req);
  EXPECT_TRUE(sent(t).empty());
  t.send_response(t0 + 200ms, respond(req, 200, "OK"));
  t.handle_request(t0 + 300ms, req);
  EXPECT_EQ(sent(t).size(), 2u);
  EXPECT_EQ(t.next_timeout(), t0 + 200ms + 32s);
  t.handle_timeout(t0 + 200ms + 32s);
  EXPECT_TRUE(t.terminated());
}

TEST(Layer, MatchesResponsesAndRetransmissionsAndCleansUp) {
  TransactionLayer uac, uas;
  Flow udp{1, false};
  Timestamp now = t0;
  ASSERT_TRUE(uac.send_request(now, request("INVITE"), udp));
  auto wire = uac.poll_transmit();
  ASSERT_TRUE(wire);
  uas.handle_message(now, udp, wire->message);
  auto ev = uas.poll_event();
  ASSERT_TRUE(ev);
  ASSERT_EQ(ev->kind, LayerEvent::Kind::request);
  const TxnId server = ev->id;
  // The request is retransmitted: the UAS absorbs it (no new TU event).
  uas.handle_message(now, udp, wire->message);
  EXPECT_FALSE(uas.poll_event());
  ASSERT_TRUE(uas.send_response(now, server, respond(wire->message, 486, "Busy Here")));
  auto resp = uas.poll_transmit();
  ASSERT_TRUE(resp);
  uac.handle_message(now, udp, resp->message);
  auto r = uac.poll_event();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->kind, LayerEvent::Kind::response);
  auto ack = uac.poll_transmit();
  ASSERT_TRUE(ack);
  uas.handle_message(now, udp, ack->message);
  EXPECT_FALSE(uas.poll_event()) << "the ACK for a non-2xx is absorbed by the server transaction";
  // Drive both to completion.
  for (int i = 0; i < 100 && (uac.size() || uas.size()); ++i) {
    auto a = uac.next_timeout(), b = uas.next_timeout();
    now = std::min(a.value_or(Timestamp::max()), b.value_or(Timestamp::max()));
    uac.handle_timeout(now);
    uas.handle_timeout(now);
  }
  EXPECT_EQ(uac.size(), 0u);
  EXPECT_EQ(uas.size(), 0u);
}

TEST(Layer, CancelIsItsOwnTransactionAndFindsTheInvite) {
  TransactionLayer uas;
  Flow tcp{2, true};
  uas.handle_message(t0, tcp, request("INVITE"));
  uas.handle_message(t0, tcp, request("CANCEL"));
  EXPECT_EQ(uas.size(), 2u);
  EXPECT_NE(uas.find_invite_for_cancel(request("CANCEL")), 0u);
  EXPECT_EQ(uas.find_invite_for_cancel(request("CANCEL", "z9hG4bKother")), 0u);
}

TEST(Layer, StrayResponseAndAckFor2xxGoToTheTu) {
  TransactionLayer l;
  l.handle_message(t0, Flow{}, respond(request("INVITE"), 200, "OK"));
  auto e = l.poll_event();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, LayerEvent::Kind::stray_response);
  l.handle_message(t0, Flow{}, request("ACK", "z9hG4bKack2xx"));
  e = l.poll_event();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, LayerEvent::Kind::request);
  EXPECT_EQ(e->id, 0u);
}

TEST(Layer, RefusesRequestsWithoutRfc3261Branch) {
  TransactionLayer l;
  auto r = l.send_request(t0, request("OPTIONS", "old2543branch"), Flow{});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().context.find("z9hG4bK"), std::string::npos);
}

TEST(Layer, RebindMovesClientTransactionsFromAPendingFlowToTheLocatedOne) {
  TransactionLayer l;
  const Flow pending = Flow::pending(1, false);
  const Flow real = Flow::udp(4);
  ASSERT_TRUE(l.send_request(t0, request("INVITE"), pending));
  ASSERT_TRUE(l.send_request(t0, request("OPTIONS", "z9hG4bKoptions1"), pending));
  ASSERT_TRUE(l.send_request(t0, request("OPTIONS", "z9hG4bKelsewhere"), Flow::udp(9)));
  // Not polled yet: the queued first copies move too.
  EXPECT_EQ(l.rebind_flow(pending, real), 2u);
  EXPECT_EQ(l.count_on(pending), 0u);
  EXPECT_EQ(l.count_on(real), 2u);
  EXPECT_EQ(l.count_on(Flow::udp(9)), 1u);
  std::vector<std::uint64_t> flows;
  while (auto t = l.poll_transmit()) flows.push_back(t->flow.id);
  EXPECT_EQ(flows, (std::vector<std::uint64_t>{real.id, real.id, Flow::udp(9).id}));
  // Timer A/E: retransmissions go down the real flow; nothing names the pending flow any more.
  l.handle_timeout(t0 + 500ms);
  std::size_t retransmissions = 0;
  while (auto t = l.poll_transmit()) {
    EXPECT_TRUE(t->retransmission);
    EXPECT_NE(t->flow.id, pending.id);
    if (t->flow.id == real.id) ++retransmissions;
  }
  EXPECT_EQ(retransmissions, 2u);
  // A response on the real flow matches the moved transaction; its events name the real flow.
  l.handle_message(t0 + 600ms, real, respond(request("INVITE"), 486, "Busy Here"));
  auto e = l.poll_event();
  ASSERT_TRUE(e);
  EXPECT_EQ(e->kind, LayerEvent::Kind::response);
  EXPECT_EQ(e->message->status(), 486);
  auto ack = l.poll_transmit();
  ASSERT_TRUE(ack);
  EXPECT_EQ(ack->flow, real);
  EXPECT_EQ(ack->message.method(), MethodId::ack);
  EXPECT_EQ(l.rebind_flow(pending, Flow::udp(5)), 0u) << "nothing is left on the pending flow";
}

TEST(Flow, EachKindIsBuiltByItsConstructor) {
  constexpr Flow c = Flow::connection(7);
  static_assert(c.kind() == FlowKind::connection && c.number() == 7 && c.reliable);
  const Flow u = Flow::udp(7);
  EXPECT_EQ(u.kind(), FlowKind::udp);
  EXPECT_EQ(u.number(), 7u);
  EXPECT_FALSE(u.reliable);
  const Flow p = Flow::pending(7, true);
  EXPECT_EQ(p.kind(), FlowKind::pending);
  EXPECT_TRUE(p.is_pending());
  EXPECT_EQ(p.number(), 7u);
  EXPECT_TRUE(p.reliable);
  EXPECT_FALSE(Flow::pending(7, false).reliable);
  EXPECT_FALSE(c.is_pending());
  EXPECT_FALSE(u.is_pending());
}

TEST(Flow, DefaultAndPlainFlowsAreConnections) {
  EXPECT_EQ(Flow{}.kind(), FlowKind::connection);
  EXPECT_EQ(Flow{}.number(), 0u);
  EXPECT_FALSE(Flow{}.reliable);
  EXPECT_EQ((Flow{42, true}), Flow::connection(42));
}

TEST(Flow, SameNumberInDifferentKindsIsADifferentFlow) {
  EXPECT_NE(Flow::connection(1).id, Flow::udp(1).id);
  EXPECT_NE(Flow::connection(1).id, Flow::pending(1, true).id);
  EXPECT_NE(Flow::udp(1).id, Flow::pending(1, false).id);
  EXPECT_NE(Flow::connection(1), Flow::pending(1, true));
  EXPECT_NE(Flow::udp(1), Flow::pending(1, false));
  EXPECT_EQ(Flow::udp(3), Flow::udp(3));
  EXPECT_NE(Flow::udp(3), Flow::udp(4));
  // Same id, different reliability: not equal (reliability is part of the value).
  EXPECT_NE(Flow::pending(3, true), Flow::pending(3, false));
}

TEST(Flow, NumbersTooLargeForTheKindDoNotChangeTheKind) {
  const std::uint64_t huge = ~std::uint64_t{0};
  EXPECT_EQ(Flow::connection(huge).kind(), FlowKind::connection);
  EXPECT_EQ(Flow::udp(huge).kind(), FlowKind::udp);
  EXPECT_EQ(Flow::pending(huge, false).kind(), FlowKind::pending);
  EXPECT_EQ(Flow::connection(huge).number(), Flow::kNumberMask);
}

TEST(Flow, HashesByIdentityForUnorderedContainers) {
  const std::hash<Flow> h;
  EXPECT_EQ(h(Flow::udp(5)), h(Flow::udp(5)));
  std::unordered_set<Flow> flows{Flow::connection(1), Flow::udp(1), Flow::pending(1, true)};
  EXPECT_EQ(flows.size(), 3u);
  flows.insert(Flow::udp(1));
  EXPECT_EQ(flows.size(), 3u);
  EXPECT_EQ(flows.count(Flow::pending(1, true)), 1u);
  EXPECT_EQ(flows.count(Flow::pending(2, true)), 0u);
  std::unordered_map<Flow, int> by_flow{{Flow::connection(9), 1}, {Flow::udp(9), 2}};
  EXPECT_EQ(by_flow.at(Flow::connection(9)), 1);
  EXPECT_EQ(by_flow.at(Flow::udp(9)), 2);
}

}  // namespace
}  // namespace sotto::sip::txn

namespace sotto::sip::txn {
namespace {

// The layer keeps its transactions indexed by deadline: after any sequence of sends, responses and timeouts,
// next_timeout() equals the earliest deadline of the same transactions run on their own (brute force).
TEST(Layer, NextTimeoutIsTheEarliestDeadlineOfAllTransactionsAfterRandomOperations) {
  using Shadow = std::variant<InviteClientTransaction, NonInviteClientTransaction>;
  struct Live {
    Shadow txn;
    SipMessage request;
    Flow flow;
  };
  const auto base = [](Live& s) -> TransactionBase& {
    return std::visit([](auto& t) -> TransactionBase& { return t; }, s.txn);
  };
  TransactionLayer l;
  std::vector<Live> live;
  std::mt19937 rng(20261206);
  Timestamp now = t0;
  std::size_t most = 0;
  const auto check = [&] {
    while (l.poll_transmit()) {}
    while (l.poll_event()) {}
    for (auto& s : live) {
      while (base(s).poll_transmit()) {}
      while (base(s).poll_event()) {}
    }
    std::erase_if(live, [&](Live& s) { return base(s).terminated(); });
    std::optional<Timestamp> brute;
    for (auto& s : live) {
      auto t = base(s).next_timeout();
      if (t && (!brute || *t < *brute)) brute = t;
    }
    ASSERT_EQ(l.size(), live.size());
    ASSERT_EQ(l.next_timeout(), brute);
    most = std::max(most, live.size());
  };
  for (int i = 0; i < 4000; ++i) {
    const auto op = rng() % 10;
    if (op < 4 || live.empty()) {
      const bool invite = rng() % 2;
      const bool reliable = rng() % 3 == 0;
      SipMessage req = request(invite ? "INVITE" : "OPTIONS", "z9hG4bKidx" + std::to_string(i));
      Flow flow{reliable ? 2u : 1u, reliable};
      ASSERT_TRUE(l.send_request(now, req, flow));
      if (invite) live.push_back(Live{InviteClientTransaction(now, req, reliable), req, flow});
      else live.push_back(Live{NonInviteClientTransaction(now, req, reliable), req, flow});
    } else if (op < 7) {
      Live& s = live[rng() % live.size()];
      static constexpr int codes[] = {100, 180, 200, 486};
      SipMessage resp = respond(s.request, codes[rng() % 4]);
      l.handle_message(now, s.flow, resp);
      std::visit([&](auto& t) { t.handle_response(now, resp); }, s.txn);
    } else {
      now += std::chrono::milliseconds(rng() % 400);
      l.handle_timeout(now);
      for (auto& s : live) {
        if (auto t = base(s).next_timeout(); t && *t <= now) std::visit([&](auto& x) { x.handle_timeout(now); }, s.txn);
      }
    }
    check();
    if (HasFatalFailure()) return;
  }
  EXPECT_GT(most, 300u) << "the run should keep many transactions alive at once";
  // Run every timer out: each step lands exactly on the earliest deadline.
  for (int i = 0; i < 100000 && !live.empty(); ++i) {
    auto t = l.next_timeout();
    if (!t) {
      // Only INVITEs in Proceeding are left (no timer until the final response): answer them.
      for (auto& s : live) {
        ASSERT_FALSE(base(s).next_timeout());
        SipMessage resp = respond(s.request, 486);
        l.handle_message(now, s.flow, resp);
        std::visit([&](auto& x) { x.handle_response(now, resp); }, s.txn);
      }
      check();
      if (HasFatalFailure()) return;
      continue;
    }
    now = *t;
    l.handle_timeout(now);
    for (auto& s : live) {
      if (auto d = base(s).next_timeout(); d && *d <= now) std::visit([&](auto& x) { x.handle_timeout(now); }, s.txn);
    }
    check();
    if (HasFatalFailure()) return;
  }
  EXPECT_EQ(l.size(), 0u);
  EXPECT_FALSE(l.next_timeout());
}

}  // namespace
}  // namespace sotto::sip::txn
