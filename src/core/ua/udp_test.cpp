// Calls over UDP through a lossy fake network: retransmissions recover lost INVITEs and 200s, every
// duplicated 2xx gets an ACK of its own (13.2.2.4), and a missing ACK ends the call with BYE (13.3.1.4).
#include <gtest/gtest.h>

#include "core/ua/testing_ua.hpp"

namespace sotto::ua {
namespace {

using testing::Network;
using testing::uri;
using Kind = UaEvent::Kind;
using sip::SipMessage;
using namespace std::chrono_literals;

bool is_response(const SipMessage& m, int status, sip::MethodId method) {
  auto cseq = m.header(sip::hdr::cseq);
  return m.is_response() && m.status() == status && cseq && cseq->method == method;
}

struct UdpPair {
  UserAgent alice{testing::config("alice", 5060, "UDP")};
  UserAgent bob{testing::config("bob", 5070, "UDP")};
  Network net;
  int a = net.add_ua("alice", alice);
  int b = net.add_ua("bob", bob);

  void dial() {
    auto h = alice.call(net.now, uri("sip:bob@127.0.0.1:5070"), CallOptions{"127.0.0.1", 40000, "IP4"});
    ASSERT_TRUE(h) << h.error().message();
  }
  void answer_when_ringing() {
    ASSERT_TRUE(net.run_until([&] { return net.has(b, Kind::incoming_call); }));
    ASSERT_TRUE(bob.answer(net.now, net.find(b, Kind::incoming_call)->call));
  }
};

TEST(UaUdp, ViaCarriesRportAndSdesOverUdpNeedsTheOptIn) {
  UdpPair p;
  p.dial();
  p.answer_when_ringing();
  ASSERT_TRUE(p.net.run_until([&] { return p.net.has(p.a, Kind::media_ready); }));
  auto inv = p.net.received(p.b, "INVITE").at(0);
  EXPECT_TRUE(inv.header(sip::hdr::via)->has_rport());
  EXPECT_EQ(inv.header(sip::hdr::contact)->address.uri.transport(), std::optional<std::string_view>("udp"));
  const UaEvent& ready = *p.net.find(p.a, Kind::media_ready);
  EXPECT_TRUE(ready.media->srtp);
  const std::vector<std::string>& warnings = ready.media_warnings;
  ASSERT_FALSE(warnings.empty());  // keys in cleartext over UDP, allowed by the opt-in: said so
  EXPECT_NE(warnings.front().find("cleartext over UDP"), std::string::npos) << warnings.front();

  UaConfig strict = testing::config("carol", 5080, "UDP");
  strict.media_policy.allow_sdes_over_insecure_transport = false;
  UserAgent carol(strict);
  auto refused = carol.call(p.net.now, uri("sip:bob@127.0.0.1:5070"), CallOptions{"127.0.0.1", 41000, "IP4"});
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().context.find("cleartext over UDP"), std::string::npos);
}

TEST(UaUdp, LostInviteAndLostOkAreRetransmitted) {
  UdpPair p;
  int invites_dropped = 0;
  int oks_dropped = 0;
  p.net.udp_fault = [&](int, const SipMessage& m) {
    if (m.is_request() && m.method() == sip::MethodId::invite && invites_dropped == 0) return ++invites_dropped, 0;
    if (is_response(m, 200, sip::MethodId::invite) && oks_dropped < 2) return ++oks_dropped, 0;
    return 1;
  };
  p.dial();
  p.answer_when_ringing();
  ASSERT_TRUE(p.net.run_until([&] {
    return p.net.find_state(p.a, CallState::established) && p.net.find_state(p.b, CallState::established);
  }));
  EXPECT_EQ(p.net.count(p.b, "INVITE"), 1u);  // the first copy was lost, Timer A resent it
  EXPECT_EQ(p.net.count(p.a, "200"), 1u);     // two copies lost, the UAS core resent it (T1, 2*T1)
  EXPECT_EQ(invites_dropped, 1);
  EXPECT_EQ(oks_dropped, 2);
}

TEST(UaUdp, DuplicatedOkGetsAnAckEachTime) {
  UdpPair p;
  p.net.udp_fault = [&](int, const SipMessage& m) { return is_response(m, 200, sip::MethodId::invite) ? 2 : 1; };
  p.dial();
  p.answer_when_ringing();
  ASSERT_TRUE(p.net.run_until([&] { return p.net.count(p.b, "ACK") == 2; }, 5s));
  EXPECT_EQ(p.net.count(p.a, "200"), 2u);
  EXPECT_EQ(p.net.received(p.b, "ACK")[0].header(sip::hdr::cseq)->number, 1u);
  // One media_ready, one established: the copy only re-triggers the ACK.
  p.net.run_for(1s);
  EXPECT_EQ(p.net.find(p.a, Kind::media_ready, 1), nullptr);
}

TEST(UaUdp, NoAckForOurOkEndsTheCallWithBye) {
  UdpPair p;
  p.net.udp_fault = [&](int from, const SipMessage& m) {
    return from == p.a && m.is_request() && m.method() == sip::MethodId::ack ? 0 : 1;
  };
  p.dial();
  p.answer_when_ringing();
  const Timestamp answered = p.net.now;
  ASSERT_TRUE(p.net.run_until([&] { return p.net.find_state(p.b, CallState::failed) != nullptr; }));
  EXPECT_EQ(p.net.find_state(p.b, CallState::failed)->status, 408);
  EXPECT_GE(p.net.now - answered, 32s - 10ms);  // 64*T1
  EXPECT_GE(p.net.count(p.a, "200"), 7u);       // T1, 2T1, 4T1, then every T2
  ASSERT_TRUE(p.net.run_until([&] { return p.net.find_state(p.a, CallState::terminated) != nullptr; }));
  EXPECT_EQ(p.net.count(p.a, "BYE"), 1u);
}

TEST(UaUdp, InviteToNobodyTimesOutWith408) {
  UdpPair p;
  p.net.udp_fault = [&](int, const SipMessage&) { return 0; };
  p.dial();
  ASSERT_TRUE(p.net.run_until([&] { return p.net.find_state(p.a, CallState::failed) != nullptr; }));
  EXPECT_EQ(p.net.find_state(p.a, CallState::failed)->status, 408);
}

}  // namespace
}  // namespace sotto::ua
