// The small pure pieces: transports implied by URIs, branches, refresh timing, DTMF relay bodies,
// digest bookkeeping.
#include <gtest/gtest.h>

#include "base/testing/deterministic_random.hpp"
#include "core/ua/digest_client.hpp"
#include "core/ua/dtmf_relay.hpp"
#include "core/ua/registration.hpp"
#include "core/ua/request_parts.hpp"
#include "core/ua/testing_peers.hpp"
#include "core/ua/user_agent.hpp"

namespace sotto::ua {
namespace {

using testing::uri;
using namespace std::chrono_literals;

TEST(UaParts, TransportAndHopKeyFromUri) {
  EXPECT_EQ(transport_for(uri("sips:bob@example.com")), "TLS");
  EXPECT_EQ(transport_for(uri("sip:bob@example.com;transport=TLS")), "TLS");
  EXPECT_EQ(transport_for(uri("sip:bob@example.com;transport=tcp")), "TCP");
  EXPECT_EQ(transport_for(uri("sip:bob@example.com")), "UDP");
  EXPECT_EQ(hop_key(uri("sips:bob@Example.COM")), "TLS|example.com|5061");
  EXPECT_EQ(hop_key(uri("sip:127.0.0.1:5070")), "UDP|127.0.0.1|5070");
}

TEST(UaParts, BranchesAndTagsAreFreshAndRandom) {
  RandomSource& rng = crypto::system_random();
  const std::string a = new_branch(rng);
  EXPECT_EQ(a.rfind("z9hG4bK", 0), 0u);
  EXPECT_EQ(a.size(), 7u + 32u);
  EXPECT_NE(a, new_branch(rng));
  EXPECT_EQ(random_token(rng, 6).size(), 12u);
}

TEST(UaParts, TagsCallIdsAndBranchesComeFromTheInjectedSource) {
  sotto::testing::DeterministicRandom r1(7), r2(7), r3(8);
  EXPECT_EQ(new_branch(r1), new_branch(r2));
  EXPECT_NE(new_branch(r1), new_branch(r3));
  // A whole UserAgent: the same seed writes the same INVITE (Call-ID, From tag, Via branch, o= session id).
  auto invite_of = [](std::uint64_t seed) {
    sotto::testing::DeterministicRandom rng(seed);
    UaConfig cfg;
    cfg.aor = uri("sip:alice@127.0.0.1");
    cfg.bindings.push_back(LocalBinding{"UDP", "127.0.0.1", 5060});
    cfg.media_policy.mode = negotiation::SrtpMode::off;
    UserAgent ua(cfg, rng);
    const auto now = sip::txn::Timestamp{} + 1h;
    auto call = ua.call(now, uri("sip:bob@127.0.0.1:5070"), CallOptions{"127.0.0.1", 40000, "IP4"});
    EXPECT_TRUE(call) << call.error().message();
    auto t = ua.poll_transmit();
    EXPECT_TRUE(t.has_value());
    return t ? sip::serialize(t->message) : std::string();
  };
  const std::string a = invite_of(1), b = invite_of(1), c = invite_of(2);
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(a, b);
  EXPECT_NE(a, c);
}

TEST(UaParts, ViaAndContactPerTransport) {
  auto udp = make_via(LocalBinding{"UDP", "127.0.0.1", 5060}, "z9hG4bKx");
  EXPECT_EQ(sip::serialize(udp), "SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKx;rport");
  auto tls = make_via(LocalBinding{"TLS", "127.0.0.1", 5061}, "z9hG4bKy");
  EXPECT_FALSE(tls.has_rport());
  const sip::Uri aor = uri("sips:alice@127.0.0.1");
  EXPECT_EQ(sip::serialize(make_contact(aor, LocalBinding{"TLS", "127.0.0.1", 5061}, true).uri), "sips:alice@127.0.0.1:5061");
  EXPECT_EQ(sip::serialize(make_contact(aor, LocalBinding{"TLS", "127.0.0.1", 5061}, false).uri),
            "sip:alice@127.0.0.1:5061;transport=tls");
  EXPECT_EQ(sip::serialize(make_contact(aor, LocalBinding{"UDP", "127.0.0.1", 5060}, true).uri),
            "sip:alice@127.0.0.1:5060;transport=udp");
}

TEST(UaParts, RefreshDelay) {
  EXPECT_EQ(refresh_delay(600), 300s);
  EXPECT_EQ(refresh_delay(3600), 1800s);
  EXPECT_EQ(refresh_delay(50), 20s);  // 30 s before expiry comes sooner than half
  EXPECT_EQ(refresh_delay(20), 10s);
  EXPECT_EQ(refresh_delay(1), 1s);
}

TEST(UaParts, GrantedExpiresPrefersOurContactParam) {
  sip::SipMessage ok = sip::SipMessage::response(200, "OK");
  (void)ok.add_raw("Contact", "<sips:other@127.0.0.1>;expires=10");  // the parser splits lists like this
  (void)ok.add_raw("Contact", "<sips:alice@127.0.0.1:5061>;expires=120");
  (void)ok.add_raw("Expires", "300");
  EXPECT_EQ(granted_expires(ok, uri("sips:alice@127.0.0.1:5061"), 600), 120u);
  EXPECT_EQ(granted_expires(ok, uri("sips:carol@127.0.0.1:5061"), 600), 300u);
  EXPECT_EQ(granted_expires(sip::SipMessage::response(200, "OK"), uri("sips:a@b"), 600), 600u);
}

TEST(UaParts, DtmfRelay) {
  EXPECT_EQ(parse_dtmf_relay(dtmf_relay_body('#', 250)), std::optional<char>('#'));
  EXPECT_EQ(parse_dtmf_relay("signal = 7\nDuration=100\n"), std::optional<char>('7'));
  EXPECT_EQ(parse_dtmf_relay("Signal=10\r\n"), std::optional<char>('*'));
  EXPECT_EQ(parse_dtmf_relay("Signal=d\r\n"), std::optional<char>('D'));
  EXPECT_EQ(parse_dtmf_relay("Signal=X\r\n"), std::nullopt);
  EXPECT_EQ(parse_dtmf_relay("Duration=100\r\n"), std::nullopt);
}

TEST(UaParts, DigestClientCountsNoncesAndRefusesASecondChallenge) {
  sotto::testing::DeterministicRandom rng(1);
  DigestClient client(auth::DigestCredentials{"alice", "secret"}, rng);
  sip::SipMessage req = sip::SipMessage::request(sip::MethodId::register_, uri("sips:127.0.0.1"));
  sip::SipMessage ch = sip::SipMessage::response(401, "Unauthorized");
  (void)ch.add_raw("WWW-Authenticate", testing::challenge("r", "n1", "MD5"));
  AuthAttempt attempt;
  auto h = client.authorize(req, ch, attempt);
  ASSERT_TRUE(h) << h.error().message();
  EXPECT_EQ(h->id, sip::HeaderId::authorization);
  EXPECT_EQ(client.nonce_countForTest("n1"), 1u);
  auto again = client.authorize(req, ch, attempt);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().context, "authentication rejected (check --password)");
  AuthAttempt next_chain;
  ASSERT_TRUE(client.authorize(req, ch, next_chain));
  EXPECT_EQ(client.nonce_countForTest("n1"), 2u);  // nc grows per nonce across requests

  DigestClient none(std::nullopt, rng);
  AuthAttempt a2;
  auto missing = none.authorize(req, ch, a2);
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().context.find("no credentials"), std::string::npos);
}

}  // namespace
}  // namespace sotto::ua
