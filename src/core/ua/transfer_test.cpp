// Blind transfer as transferor (RFC 3515, RFC 5589 4): the REFER in the call's dialog, the NOTIFYs of
// its subscription (message/sipfrag), refusals, timeouts and a NOTIFY that comes after the peer's BYE.
// The transferee is a scripted peer over the fake network, in virtual time.
#include <gtest/gtest.h>

#include "core/ua/testing_peers.hpp"
#include "core/ua/transfer.hpp"

namespace sotto::ua {
namespace {

using testing::Network;
using testing::reply;
using testing::uri;
using Kind = UaEvent::Kind;
using sip::SipMessage;
using namespace std::chrono_literals;

// --- the parsers ----------------------------------------------------------------------------------

TEST(UaTransferSipfrag, StatusLinesWithAndWithoutCrlf) {
  EXPECT_EQ(*parse_sipfrag_status("SIP/2.0 100 Trying\r\n"), (SipfragStatus{100, "Trying"}));
  EXPECT_EQ(*parse_sipfrag_status("SIP/2.0 200 OK"), (SipfragStatus{200, "OK"}));  // baresip 1.0: no CRLF
  EXPECT_EQ(*parse_sipfrag_status("SIP/2.0 486 Busy Here\r\nContent-Length: 0\r\n\r\n"), (SipfragStatus{486, "Busy Here"}));
  EXPECT_EQ(*parse_sipfrag_status("sip/2.0 503 \r\n"), (SipfragStatus{503, ""}));
}

TEST(UaTransferSipfrag, MalformedStatusLinesNameWhatIsWrong) {
  for (const char* bad : {"", "SIP/2.0", "SIP/2.0 20 OK", "SIP/2.0 2x0 OK", "SIP/3.0 200 OK", "INVITE sip:a@b SIP/2.0",
                          "SIP/2.0 099 Low", "SIP/2.0 700 High", "SIP/2.0 200OK", "SIP/2.0 200 O\x01K"}) {
    auto st = parse_sipfrag_status(bad);
    ASSERT_FALSE(st) << bad;
    EXPECT_EQ(st.error().code, Errc::malformed_input) << bad;
    EXPECT_NE(st.error().context.find("message/sipfrag"), std::string::npos) << st.error().context;
  }
  EXPECT_FALSE(parse_sipfrag_status("SIP/2.0 200 " + std::string(300, 'x')));
}

TEST(UaTransferSipfrag, ReferEventWithOrWithoutId) {
  EXPECT_TRUE(is_refer_event("refer"));
  EXPECT_TRUE(is_refer_event("refer;id=22"));
  EXPECT_TRUE(is_refer_event(" Refer ;id=1"));
  EXPECT_FALSE(is_refer_event("presence"));
  EXPECT_FALSE(is_refer_event("referx"));
  EXPECT_FALSE(is_refer_event(""));
}

// --- a scripted transferee ------------------------------------------------------------------------

// Answers the INVITE (the real negotiator's SDP), the REFER (202 unless `refer_status` says otherwise)
// and BYE; sends the NOTIFYs a test asks for, in the dialog, on the flow the INVITE came on.
struct Transferee {
  int refer_status = 202;
  std::string tag = "xfertag";
  std::optional<SipMessage> invite;
  Flow flow;
  std::vector<SipMessage> refers;
  std::vector<int> notify_answers;  // our statuses to the NOTIFYs, in order
  std::vector<std::string> notify_warnings;
  int byes = 0;
  std::uint32_t cseq = 100;

  void operator()(Network& net, int node, Flow f, const SipMessage& m) {
    if (!m.is_request()) {
      if (m.header(sip::hdr::cseq)->method == sip::MethodId::notify) {
        notify_answers.push_back(m.status());
        const sip::Header* w = m.find(sip::HeaderId::warning);
        notify_warnings.push_back(w ? w->value : "");
      }
      return;
    }
    if (m.method() == sip::MethodId::ack) return;
    if (m.method() == sip::MethodId::invite) {
      invite = m;
      flow = f;
      SipMessage ok = reply(m, 200, "OK", tag);
      ok.add(sip::hdr::contact, *sip::parse_contact("<sips:uas@127.0.0.1:5090>"));
      ok.add(sip::hdr::content_type, std::string("application/sdp"));
      ok.set_body(testing::negotiated_answer(m.body()));
      net.send(node, f, ok);
      return;
    }
    if (m.method() == sip::MethodId::refer) {
      refers.push_back(m);
      if (refer_status == 0) return;
      net.send(node, f, reply(m, refer_status, refer_status == 202 ? "Accepted" : "Forbidden", tag));
      return;
    }
    if (m.method() == sip::MethodId::bye) ++byes;
    net.send(node, f, reply(m, 200, "OK", tag));
  }

  // A NOTIFY in the call's dialog (we are the UAS of it: From is the INVITE's To with our tag).
  SipMessage notify(const std::string& body, const std::string& state = "active;expires=60",
                    const std::string& event = "refer", const std::string& type = "message/sipfrag") {
    const SipMessage& inv = *invite;
    const std::uint32_t n = cseq++;
    std::string text = "NOTIFY " + sip::serialize(inv.header(sip::hdr::contact)->address.uri) + " SIP/2.0\r\n" +
                       "Via: SIP/2.0/TLS 127.0.0.1:5090;branch=z9hG4bKnotify" + std::to_string(n) + "\r\n" +
                       "Max-Forwards: 70\r\n" +
                       "From: <" + sip::serialize(inv.header(sip::hdr::to)->uri) + ">;tag=" + tag + "\r\n" +
                       "To: " + inv.find(sip::HeaderId::from)->value + "\r\n" +
                       "Call-ID: " + inv.find(sip::HeaderId::call_id)->value + "\r\n" +
                       "CSeq: " + std::to_string(n) + " NOTIFY\r\n" +
                       "Contact: <sips:uas@127.0.0.1:5090>\r\n" + (event.empty() ? "" : "Event: " + event + "\r\n") +
                       "Subscription-State: " + state + "\r\n" + (type.empty() ? "" : "Content-Type: " + type + "\r\n") +
                       "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
    sip::ParseOptions opts;
    opts.framing = sip::Framing::stream;
    auto m = sip::parse_message(text, opts);
    EXPECT_TRUE(m) << (m ? "" : m.error().message()) << text;
    return m ? *m : SipMessage{};
  }

  // Our BYE to the transferor (a B2BUA ending the transferor's leg).
  SipMessage bye() {
    SipMessage n = notify("");
    n.set_method(sip::MethodId::bye);
    n.set(sip::hdr::cseq, sip::CSeq{cseq++, sip::MethodId::bye});
    n.remove(sip::HeaderId::event);
    n.remove(sip::HeaderId::subscription_state);
    n.remove(sip::HeaderId::content_type);
    return n;
  }
};

struct TransferFixture {
  UserAgent alice{testing::config("alice", 5061)};
  Transferee bob;
  Network net;
  int a = 0;
  int b = 0;
  CallHandle call = 0;

  TransferFixture() {
    a = net.add_ua("alice", alice);
    b = net.add_script("bob", {{"TLS", "127.0.0.1", 5090}}, std::ref(bob));
    auto h = alice.call(net.now, uri("sips:bob@127.0.0.1:5090"), CallOptions{"127.0.0.1", 40000, "IP4"});
    EXPECT_TRUE(h);
    call = h ? *h : 0;
    EXPECT_TRUE(net.run_until([&] { return net.find_state(a, CallState::established) != nullptr; }));
  }

  std::vector<const UaEvent*> transfer_events() {
    std::vector<const UaEvent*> out;
    for (const auto& e : net.node(a).events) {
      if (e.kind == Kind::transfer_progress || e.kind == Kind::transfer_succeeded || e.kind == Kind::transfer_failed) {
        out.push_back(&e);
      }
    }
    return out;
  }
  std::string summary() {
    std::string s;
    for (const UaEvent* e : transfer_events()) {
      s += e->kind == Kind::transfer_progress ? "progress " : e->kind == Kind::transfer_succeeded ? "succeeded " : "failed ";
      s += std::to_string(e->status) + ";";
    }
    return s;
  }
  void send(const SipMessage& m) { net.send(b, bob.flow, m); }
};

TEST(UaTransfer, ReferGoesInTheCallsDialogWithReferToAndReferredBy) {
  TransferFixture f;
  ASSERT_TRUE(f.alice.transfer(f.net.now, f.call, uri("sips:carol@127.0.0.1")));
  ASSERT_TRUE(f.net.run_until([&] { return !f.bob.refers.empty(); }));
  const SipMessage& refer = f.bob.refers.front();
  const SipMessage& inv = *f.bob.invite;
  EXPECT_EQ(refer.method(), sip::MethodId::refer);
  EXPECT_EQ(sip::serialize(refer.request_uri()), "sips:uas@127.0.0.1:5090");  // the remote target (Contact)
  EXPECT_EQ(refer.find(sip::HeaderId::call_id)->value, inv.find(sip::HeaderId::call_id)->value);
  EXPECT_EQ(refer.header(sip::hdr::from)->tag(), inv.header(sip::hdr::from)->tag());
  EXPECT_EQ(refer.header(sip::hdr::to)->tag(), std::optional<std::string_view>("xfertag"));
  EXPECT_EQ(refer.header(sip::hdr::cseq)->method, sip::MethodId::refer);
  EXPECT_GT(refer.header(sip::hdr::cseq)->number, inv.header(sip::hdr::cseq)->number);
  EXPECT_EQ(sip::serialize(refer.header(sip::hdr::refer_to)->uri), "sips:carol@127.0.0.1");
  EXPECT_EQ(sip::serialize(refer.header(sip::hdr::referred_by)->uri), "sips:alice@127.0.0.1");
  EXPECT_TRUE(refer.find(sip::HeaderId::contact));
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has(f.a, Kind::transfer_progress); }));
  EXPECT_EQ(f.summary(), "progress 202;");
  // A second transfer while this one is open is our mistake, and changes nothing.
  auto again = f.alice.transfer(f.net.now, f.call, uri("sips:dave@127.0.0.1"));
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code, Errc::invalid_state);
}

TEST(UaTransfer, NotifyProgressThenFinal2xxSucceedsAndTheCallIsLeftToTheCaller) {
  TransferFixture f;
  ASSERT_TRUE(f.alice.transfer(f.net.now, f.call, uri("sips:carol@127.0.0.1")));
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has(f.a, Kind::transfer_progress); }));
  f.send(f.bob.notify("SIP/2.0 100 Trying\r\n"));
  f.send(f.bob.notify("SIP/2.0 200 OK\r\n", "terminated;reason=noresource"));
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has(f.a, Kind::transfer_succeeded); }));
  EXPECT_EQ(f.summary(), "progress 202;progress 100;succeeded 200;");
  EXPECT_EQ(f.net.find(f.a, Kind::transfer_succeeded)->reason, "OK");
  f.net.run_for(1s);
  EXPECT_EQ(f.bob.notify_answers, (std::vector<int>{200, 200}));
  // The UA does not hang up by itself: the phone decides (and `sotto phone` does, on success).
  EXPECT_EQ(f.bob.byes, 0);
  EXPECT_EQ(f.alice.find_call(f.call)->phase, Call::Phase::confirmed);
  const Transfer& t = *f.alice.find_call(f.call)->transfer;
  EXPECT_TRUE(t.done && t.accepted);
  EXPECT_EQ(t.progress, (std::vector<std::string>{"202 Accepted", "100 Trying", "200 OK"}));
  ASSERT_TRUE(f.alice.hangup(f.net.now, f.call));
  ASSERT_TRUE(f.net.run_until([&] { return f.net.find_state(f.a, CallState::terminated) != nullptr; }));
  EXPECT_EQ(f.bob.byes, 1);
}

TEST(UaTransfer, NotifyBeforeThe202IsAcceptedToo) {
  // RFC 3515 2.4.4: the NOTIFY may overtake the REFER's 2xx.
  TransferFixture f;
  f.bob.refer_status = 0;  // the script keeps the REFER unanswered; the test answers it after a NOTIFY
  ASSERT_TRUE(f.alice.transfer(f.net.now, f.call, uri("sips:carol@127.0.0.1")));
  ASSERT_TRUE(f.net.run_until([&] { return !f.bob.refers.empty(); }));
  f.send(f.bob.notify("SIP/2.0 100 Trying\r\n"));
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has(f.a, Kind::transfer_progress); }));
  f.send(reply(f.bob.refers.front(), 202, "Accepted", f.bob.tag));
  f.send(f.bob.notify("SIP/2.0 200 OK\r\n", "terminated;reason=noresource"));
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has(f.a, Kind::transfer_succeeded); }));
  EXPECT_EQ(f.summary(), "progress 100;progress 202;succeeded 200;");
}

TEST(UaTransfer, FailedTargetIsReportedAndTheCallGoesOn) {
  TransferFixture f;
  ASSERT_TRUE(f.alice.transfer(f.net.now, f.call, uri("sips:carol@127.0.0.1")));
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has(f.a, Kind::transfer_progress); }));
  f.send(f.bob.notify("SIP/2.0 486 Busy Here\r\n", "terminated;reason=noresource"));
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has(f.a, Kind::transfer_failed); }));
  EXPECT_EQ(f.summary(), "progress 202;failed 486;");
  EXPECT_EQ(f.net.find(f.a, Kind::transfer_failed)->reason, "Busy Here");
  f.net.run_for(2s);
  EXPECT_EQ(f.bob.byes, 0);
  EXPECT_EQ(f.alice.find_call(f.call)->phase, Call::Phase::confirmed);
  // And the call can be transferred again.
  ASSERT_TRUE(f.alice.transfer(f.net.now, f.call, uri("sips:dave@127.0.0.1")));
  ASSERT_TRUE(f.net.run_until([&] { return f.bob.refers.size() == 2; }));
  EXPECT_EQ(sip::serialize(f.bob.refers.back().header(sip::hdr::refer_to)->uri), "sips:dave@127.0.0.1");
}

TEST(UaTransfer, ReferRefusedIsAFailedTransferNotAFailedCall) {
  TransferFixture f;
  f.bob.refer_status = 403;
  ASSERT_TRUE(f.alice.transfer(f.net.now, f.call, uri("sips:carol@127.0.0.1")));
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has(f.a, Kind::transfer_failed); }));
  EXPECT_EQ(f.summary(), "failed 403;");
  EXPECT_FALSE(f.net.find_state(f.a, CallState::failed));
  EXPECT_FALSE(f.net.find_state(f.a, CallState::terminated));
  EXPECT_EQ(f.alice.find_call(f.call)->phase, Call::Phase::confirmed);
}

TEST(UaTransfer, PeerWithoutReferSupportAnswers405) {
  // Two sotto UAs: the callee does not take REFER (405), which ends the transfer and not the call.
  UserAgent alice(testing::config("alice", 5061));
  UserAgent bob(testing::config("bob", 5071));
  Network net;
  const int a = net.add_ua("alice", alice);
  const int b = net.add_ua("bob", bob);
  auto h = alice.call(net.now, uri("sips:bob@127.0.0.1:5071"), CallOptions{"127.0.0.1", 40000, "IP4"});
  ASSERT_TRUE(h);
  ASSERT_TRUE(net.run_until([&] { return net.has(b, Kind::incoming_call); }));
  ASSERT_TRUE(bob.answer(net.now, net.find(b, Kind::incoming_call)->call));
  ASSERT_TRUE(net.run_until([&] { return net.find_state(a, CallState::established) != nullptr; }));
  ASSERT_TRUE(alice.transfer(net.now, *h, uri("sips:carol@127.0.0.1")));
  ASSERT_TRUE(net.run_until([&] { return net.has(a, Kind::transfer_failed); }));
  EXPECT_EQ(net.find(a, Kind::transfer_failed)->status, 405);
  EXPECT_EQ(net.count(b, "REFER"), 1u);
  EXPECT_EQ(alice.find_call(*h)->phase, Call::Phase::confirmed);
}

TEST(UaTransfer, NoFinalNotifyWithinTheTimeoutFailsTheTransferOnly) {
  TransferFixture f;
  ASSERT_TRUE(f.alice.transfer(f.net.now, f.call, uri("sips:carol@127.0.0.1"), TransferOptions{10s}));
  const Timestamp sent = f.net.now;
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has(f.a, Kind::transfer_progress); }));
  f.send(f.bob.notify("SIP/2.0 100 Trying\r\n"));
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has(f.a, Kind::transfer_failed); }, 30s));
  EXPECT_GE(f.net.now - sent, 10s);
  EXPECT_LT(f.net.now - sent, 11s);
  EXPECT_EQ(f.summary(), "progress 202;progress 100;failed 408;");
  EXPECT_EQ(f.alice.find_call(f.call)->phase, Call::Phase::confirmed);
  // A final NOTIFY after the deadline is answered but decides nothing any more.
  f.send(f.bob.notify("SIP/2.0 200 OK\r\n", "terminated"));
  f.net.run_for(1s);
  EXPECT_EQ(f.bob.notify_answers.back(), 200);
  EXPECT_FALSE(f.net.has(f.a, Kind::transfer_succeeded));
}

TEST(UaTransfer, SubscriptionTerminatedWithoutFinalStatusFails) {
  TransferFixture f;
  ASSERT_TRUE(f.alice.transfer(f.net.now, f.call, uri("sips:carol@127.0.0.1")));
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has(f.a, Kind::transfer_progress); }));
  f.send(f.bob.notify("SIP/2.0 180 Ringing\r\n", "terminated;reason=timeout"));
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has(f.a, Kind::transfer_failed); }));
  EXPECT_EQ(f.summary(), "progress 202;progress 180;failed 0;");
  EXPECT_EQ(f.net.find(f.a, Kind::transfer_failed)->reason, "subscription terminated without a final status");
}

TEST(UaTransfer, BadNotifiesAreAnsweredWithTheRightErrors) {
  TransferFixture f;
  // Before any REFER: no subscription.
  f.send(f.bob.notify("SIP/2.0 100 Trying\r\n"));
  ASSERT_TRUE(f.net.run_until([&] { return f.bob.notify_answers.size() == 1; }));
  EXPECT_EQ(f.bob.notify_answers[0], 481);
  ASSERT_TRUE(f.alice.transfer(f.net.now, f.call, uri("sips:carol@127.0.0.1")));
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has(f.a, Kind::transfer_progress); }));
  f.send(f.bob.notify("SIP/2.0 100 Trying\r\n", "active", "presence"));
  f.send(f.bob.notify("SIP/2.0 100 Trying\r\n", "active", "refer", "text/plain"));
  f.send(f.bob.notify("HTTP/1.1 200 OK\r\n"));
  ASSERT_TRUE(f.net.run_until([&] { return f.bob.notify_answers.size() == 4; }));
  EXPECT_EQ(f.bob.notify_answers, (std::vector<int>{481, 489, 415, 400}));
  EXPECT_NE(f.bob.notify_warnings[2].find("message/sipfrag"), std::string::npos) << f.bob.notify_warnings[2];
  EXPECT_NE(f.bob.notify_warnings[3].find("status line"), std::string::npos) << f.bob.notify_warnings[3];
  // None of them decided the transfer, and the call goes on.
  EXPECT_EQ(f.summary(), "progress 202;");
  EXPECT_EQ(f.alice.find_call(f.call)->phase, Call::Phase::confirmed);
}

TEST(UaTransfer, FinalNotifyAfterThePeersByeStillCounts) {
  // A B2BUA may end the transferor's leg before it sends the final NOTIFY (RFC 5057: the subscription
  // is a usage of the dialog that outlives the invite usage).
  TransferFixture f;
  ASSERT_TRUE(f.alice.transfer(f.net.now, f.call, uri("sips:carol@127.0.0.1")));
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has(f.a, Kind::transfer_progress); }));
  f.send(f.bob.bye());
  ASSERT_TRUE(f.net.run_until([&] { return f.net.find_state(f.a, CallState::terminated) != nullptr; }));
  f.send(f.bob.notify("SIP/2.0 200 OK\r\n", "terminated;reason=noresource"));
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has(f.a, Kind::transfer_succeeded); }));
  f.net.run_for(1s);
  EXPECT_EQ(f.bob.notify_answers, (std::vector<int>{200}));
  // Once decided, the ended call's dialog answers NOTIFYs with 481 again.
  f.send(f.bob.notify("SIP/2.0 200 OK\r\n", "terminated"));
  f.net.run_for(1s);
  EXPECT_EQ(f.bob.notify_answers.back(), 481);
}

TEST(UaTransfer, TransferNeedsAnEstablishedCall) {
  UserAgent alice(testing::config("alice", 5061));
  auto st = alice.transfer(testing::start_time(), 42, uri("sips:carol@127.0.0.1"));
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, Errc::not_found);
  Network net;
  net.add_ua("alice", alice);
  auto h = alice.call(net.now, uri("sips:bob@127.0.0.1:5090"), CallOptions{"127.0.0.1", 40000, "IP4"});
  ASSERT_TRUE(h);
  st = alice.transfer(net.now, *h, uri("sips:carol@127.0.0.1"));
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, Errc::invalid_state);
}

}  // namespace
}  // namespace sotto::ua
