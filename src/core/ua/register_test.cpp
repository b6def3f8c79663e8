// REGISTER against a scripted registrar: digest with qop=auth (SHA-256 preferred), refresh at half the
// granted expiry, wrong password, stale nonce, 423 Min-Expires, removal; digest on INVITE (407).
#include <gtest/gtest.h>

#include "core/ua/testing_peers.hpp"

namespace sotto::ua {
namespace {

using testing::FakeRegistrar;
using testing::Network;
using testing::uri;
using Kind = UaEvent::Kind;
using sip::SipMessage;
using namespace std::chrono_literals;

UaConfig alice_with(const std::string& password) {
  UaConfig c = testing::config("alice", 5061);
  c.credentials = auth::DigestCredentials{"alice", password};
  c.registrar = uri("sips:127.0.0.1:5090");
  return c;
}

struct RegistrarFixture {
  FakeRegistrar reg;
  UserAgent alice;
  Network net;
  int a = 0;
  int r = 0;
  explicit RegistrarFixture(UaConfig cfg = alice_with("secret")) : alice(std::move(cfg)) {
    a = net.add_ua("alice", alice);
    r = net.add_script("registrar", {LocalBinding{"TLS", "127.0.0.1", 5090}}, std::ref(reg));
  }
};

TEST(UaRegister, DigestChallengeThenSuccessAndRefreshAtHalfExpiry) {
  RegistrarFixture f;
  ASSERT_TRUE(f.alice.register_account(f.net.now));
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has(f.a, Kind::registered); }));
  EXPECT_EQ(f.net.find(f.a, Kind::registered)->expires, 600u);
  auto regs = f.net.received(f.r, "REGISTER");
  ASSERT_EQ(regs.size(), 2u);
  EXPECT_EQ(regs[0].find(sip::HeaderId::authorization), nullptr);
  EXPECT_EQ(*regs[0].header(sip::hdr::call_id), *regs[1].header(sip::hdr::call_id));
  EXPECT_EQ(regs[1].header(sip::hdr::cseq)->number, regs[0].header(sip::hdr::cseq)->number + 1);
  EXPECT_NE(regs[0].header(sip::hdr::via)->branch(), regs[1].header(sip::hdr::via)->branch());
  EXPECT_EQ(*regs[0].header(sip::hdr::expires), 600u);
  EXPECT_EQ(regs[0].request_uri().host, "127.0.0.1");
  EXPECT_TRUE(regs[0].request_uri().user.empty());
  ASSERT_EQ(f.reg.answers.size(), 1u);
  EXPECT_EQ(f.reg.answers[0].algorithm, auth::DigestAlgorithm::sha256);  // RFC 8760: strongest first
  EXPECT_EQ(f.reg.answers[0].qop, std::optional<std::string>("auth"));
  EXPECT_EQ(f.reg.answers[0].nc, std::optional<std::uint32_t>(1));
  EXPECT_EQ(f.reg.answers[0].uri, "sips:127.0.0.1:5090");

  // 10.2.4: refreshed after half of the 600 s, with the same Call-ID.
  const Timestamp registered_at = f.net.now;
  f.net.run_for(299s);
  EXPECT_EQ(f.net.now - registered_at, 299s);
  EXPECT_EQ(f.net.count(f.r, "REGISTER"), 2u);
  ASSERT_TRUE(f.net.run_until([&] { return f.net.find(f.a, Kind::registered, 1) != nullptr; }, 5s));
  regs = f.net.received(f.r, "REGISTER");
  ASSERT_EQ(regs.size(), 4u);  // refresh, challenged again, answered
  EXPECT_EQ(*regs[2].header(sip::hdr::call_id), *regs[0].header(sip::hdr::call_id));
  EXPECT_EQ(regs[3].header(sip::hdr::cseq)->number, 4u);
}

TEST(UaRegister, ContactUserReplacesTheAorUserInTheContactOnly) {
  UaConfig cfg = alice_with("secret");
  cfg.contact_user = "+15550001";  // a trunk account registering the number it takes calls for
  RegistrarFixture f(cfg);
  ASSERT_TRUE(f.alice.register_account(f.net.now));
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has(f.a, Kind::registered); }));
  const auto regs = f.net.received(f.r, "REGISTER");
  ASSERT_FALSE(regs.empty());
  EXPECT_EQ(regs[0].header(sip::hdr::contact)->address.uri.user, "+15550001");
  EXPECT_EQ(regs[0].header(sip::hdr::to)->uri.user, "alice");
  EXPECT_EQ(regs[0].header(sip::hdr::from)->uri.user, "alice");
  EXPECT_EQ(f.net.find(f.a, Kind::registered)->expires, 600u);  // the 2xx's Contact matched ours
}

TEST(UaRegister, WrongPasswordFailsOnceWithClearReason) {
  RegistrarFixture f(alice_with("wrong"));
  ASSERT_TRUE(f.alice.register_account(f.net.now));
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has(f.a, Kind::registration_failed); }));
  const UaEvent* e = f.net.find(f.a, Kind::registration_failed);
  EXPECT_EQ(e->status, 401);
  EXPECT_EQ(e->reason, "authentication rejected (check --password)");
  f.net.run_for(10min);
  EXPECT_EQ(f.net.count(f.r, "REGISTER"), 2u);  // no retry loop, no refresh
}

TEST(UaRegister, StaleNonceIsRetriedWithTheNewNonce) {
  RegistrarFixture f;
  f.reg.stale_once = 1;
  ASSERT_TRUE(f.alice.register_account(f.net.now));
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has(f.a, Kind::registered); }));
  EXPECT_EQ(f.net.count(f.r, "REGISTER"), 3u);
  ASSERT_EQ(f.reg.answers.size(), 2u);
  EXPECT_NE(f.reg.answers[0].nonce, f.reg.answers[1].nonce);
}

TEST(UaRegister, ShorterGrantAndMinExpires) {
  RegistrarFixture f;
  f.reg.min_expires = 900;
  f.reg.grant = 80;
  ASSERT_TRUE(f.alice.register_account(f.net.now));
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has(f.a, Kind::registered); }));
  EXPECT_EQ(f.net.find(f.a, Kind::registered)->expires, 80u);
  auto regs = f.net.received(f.r, "REGISTER");
  EXPECT_EQ(*regs.back().header(sip::hdr::expires), 900u);  // asked again with Min-Expires after 423
  const Timestamp at = f.net.now;
  ASSERT_TRUE(f.net.run_until([&] { return f.net.find(f.a, Kind::registered, 1) != nullptr; }));
  EXPECT_LE(f.net.now - at, 41s);  // 80 s granted: refreshed after 40 s
  EXPECT_GE(f.net.now - at, 40s);
}

TEST(UaRegister, UnregisterRemovesTheBinding) {
  RegistrarFixture f;
  ASSERT_TRUE(f.alice.register_account(f.net.now));
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has(f.a, Kind::registered); }));
  ASSERT_TRUE(f.alice.unregister(f.net.now));
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has(f.a, Kind::unregistered); }));
  EXPECT_EQ(*f.net.received(f.r, "REGISTER").back().header(sip::hdr::expires), 0u);
  f.net.run_for(20min);
  EXPECT_EQ(f.net.find(f.a, Kind::registered, 1), nullptr);  // no refresh after removal
}

TEST(UaRegister, InviteChallengedBy407IsRetriedWithProxyAuthorization) {
  RegistrarFixture f;
  f.reg.proxy = true;
  testing::ScriptedUas uas;
  uas.answer_sdp = testing::negotiated_answer;
  f.reg.on_accepted = std::ref(uas);
  auto h = f.alice.call(f.net.now, uri("sips:bob@127.0.0.1:5090"), CallOptions{"127.0.0.1", 40000, "IP4"});
  ASSERT_TRUE(h);
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has(f.a, Kind::media_ready); }));
  auto invites = f.net.received(f.r, "INVITE");
  ASSERT_EQ(invites.size(), 2u);
  EXPECT_EQ(invites[1].header(sip::hdr::cseq)->number, 2u);
  EXPECT_NE(invites[1].find(sip::HeaderId::proxy_authorization), nullptr);
  EXPECT_EQ(invites[0].body(), invites[1].body());  // the same offer, the same keys
  ASSERT_TRUE(f.net.run_until([&] { return f.net.count(f.r, "ACK") == 2; }));  // the 407 and the 200 ACKed
  EXPECT_TRUE(f.net.find(f.a, Kind::media_ready)->media->srtp);
  // The BYE is in the dialog: CSeq 3.
  ASSERT_TRUE(f.alice.hangup(f.net.now, *h));
  ASSERT_TRUE(f.net.run_until([&] { return f.net.find_state(f.a, CallState::terminated) != nullptr; }));
  EXPECT_EQ(f.net.received(f.r, "BYE").at(0).header(sip::hdr::cseq)->number, 3u);
}

TEST(UaRegister, FlowTimerFromTheRegistrarIsReported) {
  RegistrarFixture f;
  f.reg.flow_timer = 25;
  ASSERT_TRUE(f.alice.register_account(f.net.now));
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has(f.a, Kind::registered); }));
  EXPECT_EQ(f.net.find(f.a, Kind::registered)->flow_timer, std::optional<std::uint32_t>(25));
}

TEST(UaRegister, NoFlowTimerNoValue) {
  RegistrarFixture f;
  ASSERT_TRUE(f.alice.register_account(f.net.now));
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has(f.a, Kind::registered); }));
  EXPECT_FALSE(f.net.find(f.a, Kind::registered)->flow_timer);
}

}  // namespace
}  // namespace sotto::ua
