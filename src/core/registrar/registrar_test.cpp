// The registrar against REGISTER and INVITE text parsed with core/sip, answered by the core/auth digest
// client: challenges, both algorithms, no enumeration, stale nonces, nc replay, throttling, transport
// policy, expiry, Contact *, several contacts, RFC 5626 outbound, RFC 5627 GRUU, flows and restore.
#include <gtest/gtest.h>

#include "core/registrar/testing_registrar.hpp"

namespace sotto::registrar {
namespace {

using namespace std::chrono_literals;
using auth::DigestAlgorithm;
using sip::SipMessage;
using testing::answered;
using testing::parse;
using testing::register_text;
using testing::RegisterSpec;
using testing::RegistrarHarness;

std::vector<std::string> header_values(const SipMessage& m, std::string_view name) {
  std::vector<std::string> out;
  for (const auto& h : m.headers()) {
    if (h.canonical() == name) out.push_back(h.value);
  }
  return out;
}

std::string without_nonces(std::string s) {
  for (std::size_t p = s.find("nonce=\""); p != std::string::npos; p = s.find("nonce=\"", p + 1)) {
    const std::size_t end = s.find('"', p + 7);
    s.replace(p + 7, end - (p + 7), "N");
  }
  return s;
}

struct Registered : RegistrarHarness {
  Registered() { accounts.add("alice", "secret"); }
};

TEST(RegistrarDigest, ChallengesWithSha256ThenMd5) {
  Registered h;
  auto out = h.send(RegisterSpec{});
  ASSERT_TRUE(out.response);
  EXPECT_EQ(out.response->status(), 401);
  EXPECT_EQ(out.response->reason(), "Unauthorized");
  EXPECT_TRUE(out.changes.empty());
  EXPECT_FALSE(out.user);
  auto chs = testing::challenges(*out.response);
  ASSERT_EQ(chs.size(), 2u);
  EXPECT_EQ(chs[0].algorithm, DigestAlgorithm::sha256);
  EXPECT_EQ(chs[1].algorithm, DigestAlgorithm::md5);
  for (const auto& c : chs) {
    EXPECT_EQ(c.realm, "sotto");
    EXPECT_EQ(c.qop, std::vector<std::string>{"auth"});
    EXPECT_TRUE(c.opaque && !c.opaque->empty());
    EXPECT_FALSE(c.stale);
    EXPECT_EQ(c.nonce.size(), 64u);
  }
  EXPECT_EQ(chs[0].nonce, chs[1].nonce);
  EXPECT_TRUE(out.response->header(sip::hdr::to)->tag());
}

TEST(RegistrarDigest, Sha256AnswerRegisters) {
  Registered h;
  auto out = h.register_with_auth(RegisterSpec{}, "secret", DigestAlgorithm::sha256);
  ASSERT_TRUE(out.response);
  EXPECT_EQ(out.response->status(), 200) << sip::serialize(*out.response);
  EXPECT_EQ(out.user, std::optional<std::string>("alice"));
  ASSERT_EQ(out.changes.size(), 1u);
  EXPECT_EQ(out.changes[0].kind, BindingChangeKind::added);
  EXPECT_EQ(out.changes[0].binding.user, "alice");
  EXPECT_EQ(out.changes[0].binding.expires_unix, h.unix_now + 3600);
  EXPECT_EQ(header_values(*out.response, "Contact"),
            std::vector<std::string>{"<sips:alice@127.0.0.1:5070;transport=tls>;expires=3600"});
  EXPECT_EQ(header_values(*out.response, "Date"), std::vector<std::string>{"Fri, 15 Jan 2027 08:00:00 GMT"});
  EXPECT_TRUE(sip::parse_message(sip::serialize(*out.response)));  // Date and Contact pass check_message
  auto found = h.reg->lookup(h.now, "alice");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].flow, h.ctx.flow);
  EXPECT_EQ(found[0].contact.port, std::optional<std::uint16_t>(5070));
  EXPECT_EQ(h.reg->stats().auth_ok, 1u);
}

TEST(RegistrarDigest, Md5AnswerRegisters) {
  Registered h;
  auto out = h.register_with_auth(RegisterSpec{}, "secret", DigestAlgorithm::md5);
  ASSERT_TRUE(out.response);
  EXPECT_EQ(out.response->status(), 200);
  EXPECT_EQ(h.reg->lookup(h.now, "alice").size(), 1u);
}

// baresip 1.0 (libre 1.x) gives up on a challenge set with any algorithm but MD5 ("Register: Function not
// implemented"), so it gets the MD5 challenge alone; its answer carries no algorithm parameter (MD5) and a
// Request-URI with parameters as the digest uri.
TEST(RegistrarDigest, Baresip1GetsMd5OnlyAndItsAnswerIsAccepted) {
  RegisterSpec s;
  s.request_uri = "sip:127.0.0.1:5060;transport=udp";
  s.extra = {"User-Agent: baresip v1.0.0 (x86_64/linux)"};
  RegistrarConfig cfg;
  cfg.addresses = {"127.0.0.1"};
  RegistrarHarness b(cfg);
  b.ctx.transport = sip::Transport::udp;
  b.ctx.flow = sip::txn::Flow::udp(1);
  b.accounts.add("alice", "secret", kTransportUdp);
  auto first = b.send(s);
  ASSERT_EQ(first.response->status(), 401);
  auto chs = testing::challenges(*first.response);
  ASSERT_EQ(chs.size(), 1u);
  EXPECT_EQ(chs[0].algorithm, DigestAlgorithm::md5);
  const std::string uri = "sip:127.0.0.1:5060;transport=udp", cnonce = "67095d2b8ec5f962";
  const std::string ha1 = crypto::hex_digest(crypto::Hash::md5, "alice:sotto:secret");
  const std::string ha2 = crypto::hex_digest(crypto::Hash::md5, "REGISTER:" + uri);
  const std::string response =
      crypto::hex_digest(crypto::Hash::md5, ha1 + ":" + chs[0].nonce + ":00000001:" + cnonce + ":auth:" + ha2);
  RegisterSpec s2 = s;
  s2.cseq = 2;
  s2.extra.push_back("Authorization: Digest username=\"alice\", realm=\"sotto\", nonce=\"" + chs[0].nonce +
                     "\", uri=\"" + uri + "\", response=\"" + response + "\", opaque=\"" + *chs[0].opaque +
                     "\", cnonce=\"" + cnonce + "\", qop=auth, nc=00000001");
  auto out = b.send(s2);
  EXPECT_EQ(out.response->status(), 200) << sip::serialize(*out.response);
  // Other clients, and baresip 2 and later, get both.
  RegisterSpec other = s;
  other.extra = {"User-Agent: baresip v3.10.0 (x86_64/linux)"};
  EXPECT_EQ(testing::challenges(*b.send(other).response).size(), 2u);
}

// Newer libre answers every challenge: one Authorization per algorithm. The first usable one is checked.
TEST(RegistrarDigest, AnswersToBothChallengesAreAccepted) {
  Registered h;
  auto first = h.send(RegisterSpec{});
  RegisterSpec s2;
  s2.cseq = 2;
  SipMessage both = answered(parse(register_text(s2)), *first.response, "alice", "secret", DigestAlgorithm::sha256);
  SipMessage md5 = answered(parse(register_text(s2)), *first.response, "alice", "secret", DigestAlgorithm::md5);
  (void)both.add_raw("Authorization", md5.find(sip::HeaderId::authorization)->value);
  EXPECT_EQ(h.send(both).response->status(), 200);
  // An answer in a form we did not offer (no qop) is skipped, not failed.
  RegisterSpec s3;
  s3.cseq = 3;
  SipMessage old = parse(register_text(s3));
  (void)old.add_raw("Authorization", "Digest username=\"alice\", realm=\"sotto\", nonce=\"00\", uri=\"sips:localhost\", "
                                     "response=\"00000000000000000000000000000000\"");
  auto out = h.send(old);
  EXPECT_EQ(out.response->status(), 401);
  EXPECT_EQ(h.reg->stats().auth_failed, 0u);
  EXPECT_EQ(h.reg->stats().challenges, 2u);
}

TEST(RegistrarDigest, WrongPasswordAndUnknownUserGetTheSameAnswer) {
  Registered h;
  // The same request twice (same Call-ID, CSeq, branch), answered as alice with a wrong password and as
  // mallory, who does not exist; both challenged from the same source.
  const SipMessage req = parse(register_text(RegisterSpec{}));
  auto first = h.send(req);
  RegisterSpec alice2;
  alice2.cseq = 2;
  RegisterSpec mallory2 = alice2;
  mallory2.user = "mallory";
  auto wrong = h.send(answered(parse(register_text(alice2)), *first.response, "alice", "guess"));
  auto unknown = h.send(answered(parse(register_text(alice2)), *first.response, "mallory", "guess"));
  ASSERT_TRUE(wrong.response && unknown.response);
  EXPECT_EQ(wrong.response->status(), 401);
  EXPECT_EQ(without_nonces(sip::serialize(*wrong.response)), without_nonces(sip::serialize(*unknown.response)));
  EXPECT_NE(sip::serialize(*wrong.response), sip::serialize(*unknown.response));  // only the nonces differ
  EXPECT_EQ(h.accounts.lookups, 2);  // both looked up: the same work
  EXPECT_EQ(h.reg->stats().auth_failed, 2u);
  // And a REGISTER whose To is mallory's, answered as mallory, gets the same shape again.
  auto m = h.send(answered(parse(register_text(mallory2)), *first.response, "mallory", "guess"));
  EXPECT_EQ(m.response->status(), 401);
  EXPECT_EQ(header_values(*m.response, "WWW-Authenticate").size(), 2u);
  EXPECT_TRUE(h.reg->lookup(h.now, "alice").empty());
}

TEST(RegistrarDigest, ExpiredNonceWithCorrectAnswerIsStale) {
  Registered h;
  auto first = h.send(RegisterSpec{});
  h.now += 301s;
  RegisterSpec s2;
  s2.cseq = 2;
  auto out = h.send(answered(parse(register_text(s2)), *first.response, "alice", "secret"));
  ASSERT_TRUE(out.response);
  EXPECT_EQ(out.response->status(), 401);
  auto chs = testing::challenges(*out.response);
  ASSERT_EQ(chs.size(), 2u);
  EXPECT_TRUE(chs[0].stale);
  EXPECT_TRUE(chs[1].stale);
  EXPECT_TRUE(out.changes.empty());
  EXPECT_EQ(h.reg->stats().stale, 1u);
  EXPECT_EQ(h.reg->stats().auth_failed, 0u);
  // The same expired nonce with a wrong password is an ordinary failure: stale only tells the owner.
  auto wrong = h.send(answered(parse(register_text(s2)), *first.response, "alice", "nope"));
  EXPECT_FALSE(testing::challenges(*wrong.response)[0].stale);
  // Answering the new challenge works.
  RegisterSpec s3;
  s3.cseq = 3;
  auto ok = h.send(answered(parse(register_text(s3)), *out.response, "alice", "secret"));
  EXPECT_EQ(ok.response->status(), 200);
}

TEST(RegistrarDigest, NonceFromAnotherAddressIsStale) {
  Registered h;
  auto first = h.send(RegisterSpec{});
  h.ctx.source_ip = "127.0.0.2";
  RegisterSpec s2;
  s2.cseq = 2;
  auto out = h.send(answered(parse(register_text(s2)), *first.response, "alice", "secret"));
  EXPECT_EQ(out.response->status(), 401);
  EXPECT_TRUE(testing::challenges(*out.response)[0].stale);
}

TEST(RegistrarDigest, ReplayedNonceCountIsRefused) {
  Registered h;
  auto first = h.send(RegisterSpec{});
  RegisterSpec s2;
  s2.cseq = 2;
  const SipMessage a1 = answered(parse(register_text(s2)), *first.response, "alice", "secret", DigestAlgorithm::sha256, 1);
  EXPECT_EQ(h.send(a1).response->status(), 200);
  // The same message again (nc=1), and a later one with nc=1: replays.
  auto again = h.send(a1);
  EXPECT_EQ(again.response->status(), 401);
  EXPECT_TRUE(testing::challenges(*again.response)[0].stale);
  RegisterSpec s3;
  s3.cseq = 3;
  EXPECT_EQ(h.send(answered(parse(register_text(s3)), *first.response, "alice", "secret", DigestAlgorithm::sha256, 1))
                .response->status(),
            401);
  // nc=2 with the same nonce is fine (a client reusing its nonce), nc=2 again is not.
  RegisterSpec s4;
  s4.cseq = 4;
  const SipMessage a2 = answered(parse(register_text(s4)), *first.response, "alice", "secret", DigestAlgorithm::sha256, 2);
  EXPECT_EQ(h.send(a2).response->status(), 200);
  EXPECT_EQ(h.send(a2).response->status(), 401);
  EXPECT_EQ(h.reg->stats().auth_failed, 0u);  // replays are not password guesses
}

// At most max_tracked_nonces nonces are remembered; a forgotten one can never be replayed: its next use,
// even with a higher nc, is answered stale=true.
TEST(RegistrarDigest, NonceMemoryIsBoundedAndForgettingNeverReopensAReplay) {
  RegistrarConfig cfg;
  cfg.max_tracked_nonces = 2;
  RegistrarHarness h(cfg);
  h.accounts.add("alice", "secret");
  std::vector<SipMessage> challenges;
  std::uint32_t cseq = 1;
  for (int i = 0; i < 3; ++i) {
    RegisterSpec s;
    s.cseq = cseq++;
    challenges.push_back(*h.send(s).response);
    RegisterSpec a;
    a.cseq = cseq++;
    EXPECT_EQ(h.send(answered(parse(register_text(a)), challenges.back(), "alice", "secret")).response->status(), 200);
    h.now += 1s;
  }
  // The first nonce was forgotten when the third was used.
  RegisterSpec again;
  again.cseq = cseq++;
  auto out = h.send(answered(parse(register_text(again)), challenges[0], "alice", "secret", DigestAlgorithm::sha256, 2));
  EXPECT_EQ(out.response->status(), 401);
  EXPECT_TRUE(testing::challenges(*out.response)[0].stale);
  // The newest one still counts on.
  again.cseq = cseq++;
  EXPECT_EQ(h.send(answered(parse(register_text(again)), challenges[2], "alice", "secret", DigestAlgorithm::sha256, 2))
                .response->status(),
            200);
}

TEST(RegistrarThrottle, FailuresBlockTheSourceThenItIsUnblocked) {
  Registered h;
  auto first = h.send(RegisterSpec{});
  RegisterSpec s;
  for (std::uint32_t i = 0; i < 5; ++i) {
    s.cseq = 2 + i;
    auto out = h.send(answered(parse(register_text(s)), *first.response, "alice", "guess" + std::to_string(i),
                               DigestAlgorithm::sha256, i + 1));
    ASSERT_TRUE(out.response) << i;
    EXPECT_EQ(out.response->status(), 401);
    h.now += 1s;
  }
  EXPECT_EQ(h.reg->stats().throttle.blocks, 1u);
  // Blocked: even the right password and plain challenges are dropped, and counted.
  s.cseq = 10;
  EXPECT_FALSE(h.send(answered(parse(register_text(s)), *first.response, "alice", "secret", DigestAlgorithm::sha256, 9)).response);
  EXPECT_FALSE(h.send(RegisterSpec{}).response);
  SipMessage invite = parse("INVITE sips:bob@localhost SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:40001;branch=z9hG4bKi1\r\n"
                            "Max-Forwards: 70\r\nFrom: <sips:alice@localhost>;tag=a\r\nTo: <sips:bob@localhost>\r\n"
                            "Call-ID: inv1\r\nCSeq: 1 INVITE\r\nContact: <sips:alice@127.0.0.1:5070>\r\n"
                            "Content-Length: 0\r\n\r\n");
  AuthDecision d = h.reg->authenticate(h.now, h.ctx, invite);
  EXPECT_FALSE(d.response);
  EXPECT_FALSE(d.user);
  auto st = h.reg->stats();
  EXPECT_EQ(st.throttle.dropped, 3u);
  EXPECT_EQ(st.throttle.blocked_now, 1u);
  // Another address is not affected.
  RequestContext other = h.ctx;
  other.source_ip = "127.0.0.9";
  EXPECT_EQ(h.reg->handle_register(h.now, h.unix_now, other, parse(register_text(RegisterSpec{}))).response->status(), 401);
  // Still blocked just before 300 s, unblocked after.
  h.now += 290s;
  EXPECT_FALSE(h.send(RegisterSpec{}).response);
  h.now += 10s;
  auto fresh = h.send(RegisterSpec{});
  ASSERT_TRUE(fresh.response);
  EXPECT_EQ(fresh.response->status(), 401);
  EXPECT_EQ(h.reg->stats().throttle.blocked_now, 0u);
  RegisterSpec ok;
  ok.cseq = 20;
  EXPECT_EQ(h.send(answered(parse(register_text(ok)), *fresh.response, "alice", "secret")).response->status(), 200);
}

TEST(RegistrarThrottle, CorrectAnswerResetsTheCountAndOldFailuresAgeOut) {
  Registered h;
  auto first = h.send(RegisterSpec{});
  std::uint32_t nc = 1, cseq = 2;
  auto attempt = [&](const std::string& password) {
    RegisterSpec s;
    s.cseq = cseq++;
    return h.send(answered(parse(register_text(s)), *first.response, "alice", password, DigestAlgorithm::sha256, nc++));
  };
  for (int i = 0; i < 4; ++i) EXPECT_EQ(attempt("guess").response->status(), 401);
  EXPECT_EQ(attempt("secret").response->status(), 200);  // resets
  for (int i = 0; i < 4; ++i) EXPECT_EQ(attempt("guess").response->status(), 401);
  EXPECT_EQ(h.reg->stats().throttle.blocks, 0u);
  h.now += 61s;  // the window of those four is over
  first = h.send(RegisterSpec{});
  nc = 1;
  for (int i = 0; i < 4; ++i) EXPECT_EQ(attempt("guess").response->status(), 401);
  EXPECT_EQ(h.reg->stats().throttle.blocks, 0u);
  EXPECT_TRUE(attempt("guess").response);  // the fifth in this window is still answered ...
  EXPECT_FALSE(attempt("secret").response);  // ... and blocks
}

TEST(RegistrarThrottle, TrackedSourcesAreBounded) {
  RegistrarConfig cfg;
  cfg.throttle.max_sources = 3;
  RegistrarHarness h(cfg);
  h.accounts.add("alice", "secret");
  // 127.0.0.1 gets itself blocked first.
  auto first = h.send(RegisterSpec{});
  for (std::uint32_t i = 0; i < 5; ++i) {
    RegisterSpec s;
    s.cseq = 2 + i;
    (void)h.send(answered(parse(register_text(s)), *first.response, "alice", "guess", DigestAlgorithm::sha256, i + 1));
  }
  ASSERT_EQ(h.reg->stats().throttle.blocked_now, 1u);
  for (int i = 0; i < 10; ++i) {
    h.ctx.source_ip = "127.0.1." + std::to_string(i);
    auto c = h.send(RegisterSpec{});
    RegisterSpec s;
    s.cseq = 2;
    (void)h.send(answered(parse(register_text(s)), *c.response, "alice", "guess"));
    h.now += 1s;
  }
  EXPECT_EQ(h.reg->stats().throttle.tracked, 3u);
  EXPECT_EQ(h.reg->stats().throttle.failures, 15u);
  // The idle unblocked sources were forgotten first: the blocked one is still blocked.
  h.ctx.source_ip = "127.0.0.1";
  EXPECT_FALSE(h.send(RegisterSpec{}).response);
  EXPECT_EQ(h.reg->stats().throttle.blocked_now, 1u);
}

TEST(RegistrarPolicy, ForbiddenTransportRefusedOnlyAfterACorrectDigest) {
  Registered h;
  h.ctx.transport = sip::Transport::udp;
  h.ctx.flow = sip::txn::Flow::udp(3);
  // Without credentials and with a wrong password: the same 401 as for anyone.
  auto first = h.send(RegisterSpec{});
  EXPECT_EQ(first.response->status(), 401);
  RegisterSpec s;
  s.cseq = 2;
  EXPECT_EQ(h.send(answered(parse(register_text(s)), *first.response, "alice", "guess")).response->status(), 401);
  s.cseq = 3;
  auto out = h.send(answered(parse(register_text(s)), *first.response, "alice", "secret", DigestAlgorithm::sha256, 2));
  ASSERT_TRUE(out.response);
  EXPECT_EQ(out.response->status(), 403);
  EXPECT_EQ(out.response->reason(), "Transport UDP not allowed for this account");
  EXPECT_EQ(header_values(*out.response, "Warning"),
            std::vector<std::string>{"399 localhost \"Transport UDP not allowed for this account\""});
  EXPECT_TRUE(out.changes.empty());
  EXPECT_TRUE(h.reg->lookup(h.now, "alice").empty());
  EXPECT_EQ(h.reg->stats().transport_refused, 1u);
}

TEST(RegistrarPolicy, OtherUsersAorAndForeignDomainsAreRefused) {
  Registered h;
  h.accounts.add("bob", "bobpw");
  // alice authenticates but registers bob's AOR.
  auto first = h.send(RegisterSpec{});
  RegisterSpec bob;
  bob.user = "bob";
  bob.cseq = 2;
  SipMessage m = answered(parse(register_text(bob)), *first.response, "alice", "secret");
  EXPECT_EQ(h.send(m).response->status(), 403);
  // A Request-URI that is not ours: 403 before any challenge.
  RegisterSpec foreign;
  foreign.request_uri = "sips:example.com";
  auto f = h.send(foreign);
  EXPECT_EQ(f.response->status(), 403);
  EXPECT_EQ(f.response->reason(), "Domain Not Served Here");
  // Listener addresses are ours too.
  RegistrarConfig cfg;
  cfg.addresses = {"127.0.0.1", "::1"};
  RegistrarHarness h2(cfg);
  RegisterSpec by_ip;
  by_ip.request_uri = "sips:[::1]:5061";
  EXPECT_EQ(h2.send(by_ip).response->status(), 401);
}

TEST(RegistrarPolicy, UnsupportedRequireGets420) {
  Registered h;
  RegisterSpec s;
  s.extra = {"Require: path, outbound"};
  auto out = h.send(s);
  EXPECT_EQ(out.response->status(), 420);
  EXPECT_EQ(header_values(*out.response, "Unsupported"), std::vector<std::string>{"path"});
}

TEST(RegistrarBindings, ExpiresLimitsAnd423) {
  Registered h;
  RegisterSpec s;
  s.expires = "30";
  auto out = h.register_with_auth(s, "secret");
  EXPECT_EQ(out.response->status(), 423);
  EXPECT_EQ(out.response->reason(), "Interval Too Brief");
  EXPECT_EQ(*out.response->header(sip::hdr::min_expires), 60u);
  EXPECT_TRUE(out.changes.empty());
  // The contact's expires parameter wins over the header; above the maximum is granted the maximum.
  RegisterSpec s2;
  s2.cseq = 10;
  s2.expires = "30";
  s2.contacts = {"<sips:alice@127.0.0.1:5070;transport=tls>;expires=100000"};
  out = h.register_with_auth(s2, "secret");
  ASSERT_EQ(out.response->status(), 200);
  EXPECT_EQ(header_values(*out.response, "Contact"),
            std::vector<std::string>{"<sips:alice@127.0.0.1:5070;transport=tls>;expires=86400"});
  // Expiry: gone after 86400 s, reported by handle_timeout.
  EXPECT_EQ(h.reg->next_timeout().value_or(Timestamp::max()) <= h.now + 86400s, true);
  EXPECT_TRUE(h.reg->handle_timeout(h.now + 86399s).empty());
  auto gone = h.reg->handle_timeout(h.now + 86400s);
  ASSERT_EQ(gone.size(), 1u);
  EXPECT_EQ(gone[0].kind, BindingChangeKind::removed);
  EXPECT_TRUE(h.reg->lookup(h.now + 86400s, "alice").empty());
}

TEST(RegistrarBindings, SeveralContactsRefreshQueryAndRemoveOne) {
  Registered h;
  RegisterSpec s;
  s.contacts = {"<sips:alice@127.0.0.1:5070;transport=tls>;expires=600", "<sip:alice@127.0.0.1:5080>;expires=300"};
  auto out = h.register_with_auth(s, "secret");
  ASSERT_EQ(out.response->status(), 200);
  EXPECT_EQ(out.changes.size(), 2u);
  EXPECT_EQ(header_values(*out.response, "Contact"),
            (std::vector<std::string>{"<sips:alice@127.0.0.1:5070;transport=tls>;expires=600",
                                      "<sip:alice@127.0.0.1:5080>;expires=300"}));
  h.now += 100s;
  // A query (no Contact) lists both with what is left.
  RegisterSpec q;
  q.contacts = {};
  q.cseq = 5;
  auto qo = h.register_with_auth(q, "secret");
  EXPECT_TRUE(qo.changes.empty());
  EXPECT_EQ(header_values(*qo.response, "Contact"),
            (std::vector<std::string>{"<sips:alice@127.0.0.1:5070;transport=tls>;expires=500",
                                      "<sip:alice@127.0.0.1:5080>;expires=200"}));
  // A second phone (another Call-ID) adds a third; the first phone removes its UDP contact.
  RegisterSpec other;
  other.call_id = "phone-2";
  other.contacts = {"<sips:alice@127.0.0.1:6000;transport=tls>"};
  EXPECT_EQ(h.register_with_auth(other, "secret").response->status(), 200);
  EXPECT_EQ(h.reg->lookup(h.now, "alice").size(), 3u);
  RegisterSpec rm;
  rm.cseq = 7;
  rm.contacts = {"<sip:alice@127.0.0.1:5080>;expires=0"};
  auto ro = h.register_with_auth(rm, "secret");
  ASSERT_EQ(ro.changes.size(), 1u);
  EXPECT_EQ(ro.changes[0].kind, BindingChangeKind::removed);
  EXPECT_EQ(header_values(*ro.response, "Contact").size(), 2u);
  // An older CSeq of the same Call-ID may not change the binding.
  RegisterSpec old;
  old.cseq = 0;  // answered with CSeq 1, below the 2 that registered it
  old.contacts = {"<sips:alice@127.0.0.1:5070;transport=tls>;expires=0"};
  auto oo = h.register_with_auth(old, "secret");
  EXPECT_EQ(oo.response->status(), 400);
  EXPECT_EQ(h.reg->lookup(h.now, "alice").size(), 2u);
}

// linphone-style: +sip.instance without reg-id (no outbound). After a restart on another port and Call-ID the
// instance names the same phone: its binding is replaced, not doubled.
TEST(RegistrarBindings, SameInstanceOnANewPortReplacesTheBinding) {
  Registered h;
  RegisterSpec s;
  s.contacts = {std::string("<sips:alice@127.0.0.1:45000;transport=tls>;+sip.instance=\"<urn:uuid:1234>\"")};
  ASSERT_EQ(h.register_with_auth(s, "secret").response->status(), 200);
  RegisterSpec again;
  again.call_id = "after-restart";
  again.contacts = {std::string("<sips:alice@127.0.0.1:45123;transport=tls>;+sip.instance=\"<urn:uuid:1234>\"")};
  auto out = h.register_with_auth(again, "secret");
  ASSERT_EQ(out.response->status(), 200);
  ASSERT_EQ(out.changes.size(), 1u);
  EXPECT_EQ(out.changes[0].kind, BindingChangeKind::refreshed);
  auto found = h.reg->lookup(h.now, "alice");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].contact.port, std::optional<std::uint16_t>(45123));
  // The same phone without its instance id (the same contact URI): still the same binding, but what a store
  // keys it on changed, so the change comes as removed + added.
  RegisterSpec plain = again;
  plain.cseq = 9;
  plain.contacts = {"<sips:alice@127.0.0.1:45123;transport=tls>"};
  auto p = h.register_with_auth(plain, "secret");
  ASSERT_EQ(p.changes.size(), 2u);
  EXPECT_EQ(p.changes[0].kind, BindingChangeKind::removed);
  EXPECT_EQ(p.changes[0].binding.instance, "urn:uuid:1234");
  EXPECT_EQ(p.changes[1].kind, BindingChangeKind::added);
  EXPECT_TRUE(p.changes[1].binding.instance.empty());
  EXPECT_EQ(h.reg->lookup(h.now, "alice").size(), 1u);
  EXPECT_EQ(found[0].instance, "urn:uuid:1234");
  EXPECT_FALSE(found[0].outbound);
}

TEST(RegistrarBindings, WildcardRemovesEverything) {
  Registered h;
  RegisterSpec s;
  s.contacts = {"<sips:alice@127.0.0.1:5070;transport=tls>", "<sips:alice@127.0.0.1:5071;transport=tls>"};
  ASSERT_EQ(h.register_with_auth(s, "secret").response->status(), 200);
  RegisterSpec bad;
  bad.cseq = 5;
  bad.contacts = {"*"};
  bad.expires = "60";
  EXPECT_EQ(h.register_with_auth(bad, "secret").response->status(), 400);
  RegisterSpec all;
  all.cseq = 7;
  all.contacts = {"*"};
  all.expires = "0";
  auto out = h.register_with_auth(all, "secret");
  ASSERT_EQ(out.response->status(), 200);
  EXPECT_EQ(out.changes.size(), 2u);
  EXPECT_TRUE(header_values(*out.response, "Contact").empty());
  EXPECT_TRUE(h.reg->lookup(h.now, "alice").empty());
  EXPECT_EQ(h.reg->stats().bindings, 0u);
}

TEST(RegistrarBindings, TooManyContacts) {
  RegistrarConfig cfg;
  cfg.max_bindings_per_user = 2;
  RegistrarHarness h(cfg);
  h.accounts.add("alice", "secret");
  RegisterSpec s;
  s.contacts = {"<sips:alice@127.0.0.1:1>", "<sips:alice@127.0.0.1:2>", "<sips:alice@127.0.0.1:3>"};
  auto out = h.register_with_auth(s, "secret");
  EXPECT_EQ(out.response->status(), 403);
  EXPECT_EQ(out.response->reason(), "Too Many Contacts");
  EXPECT_TRUE(h.reg->lookup(h.now, "alice").empty());
}

constexpr const char* kInstance = "urn:uuid:00000000-0000-1000-8000-000A95A0E128";

RegisterSpec outbound_spec(const std::string& port, std::uint32_t cseq, const std::string& call_id = "ob-1") {
  RegisterSpec s;
  s.call_id = call_id;
  s.cseq = cseq;
  s.contacts = {"<sips:alice@127.0.0.1:" + port + ";transport=tls;ob>;+sip.instance=\"<" + kInstance +
                ">\";reg-id=1"};
  s.extra = {"Supported: outbound, gruu"};
  return s;
}

TEST(RegistrarOutbound, FlowBoundBindingWithFlowTimerAndReplacement) {
  Registered h;
  auto out = h.register_with_auth(outbound_spec("41000", 1), "secret");
  ASSERT_EQ(out.response->status(), 200) << sip::serialize(*out.response);
  EXPECT_EQ(header_values(*out.response, "Require"), std::vector<std::string>{"outbound"});
  EXPECT_EQ(header_values(*out.response, "Flow-Timer"), std::vector<std::string>{"120"});
  ASSERT_EQ(out.changes.size(), 1u);
  EXPECT_TRUE(out.changes[0].binding.outbound);
  EXPECT_EQ(out.changes[0].binding.instance, kInstance);
  EXPECT_EQ(out.changes[0].binding.reg_id, 1u);
  // The phone reconnects (new flow, new port, new Call-ID after a restart): the same instance and reg-id
  // replace the old binding.
  h.ctx.flow = sip::txn::Flow::connection(2);
  h.ctx.source_port = 41002;
  out = h.register_with_auth(outbound_spec("41002", 1, "ob-2"), "secret");
  ASSERT_EQ(out.response->status(), 200);
  ASSERT_EQ(out.changes.size(), 1u);
  EXPECT_EQ(out.changes[0].kind, BindingChangeKind::refreshed);
  auto found = h.reg->lookup(h.now, "alice");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].flow, sip::txn::Flow::connection(2));
  EXPECT_EQ(found[0].contact.port, std::optional<std::uint16_t>(41002));
  // The old flow closing does not touch the new binding; the new one closing makes it unreachable.
  EXPECT_TRUE(h.reg->flow_closed(sip::txn::Flow::connection(1)).empty());
  EXPECT_EQ(h.reg->flow_closed(sip::txn::Flow::connection(2)).size(), 1u);
  EXPECT_TRUE(h.reg->lookup(h.now, "alice").empty());
  // Over UDP there is no Flow-Timer; without Supported: outbound it is a plain binding.
  h.accounts.add("alice", "secret", kTransportTls | kTransportUdp);
  h.ctx.transport = sip::Transport::udp;
  h.ctx.flow = sip::txn::Flow::udp(1);
  out = h.register_with_auth(outbound_spec("41003", 10, "ob-2"), "secret");
  ASSERT_EQ(out.response->status(), 200);
  EXPECT_EQ(header_values(*out.response, "Require"), std::vector<std::string>{"outbound"});
  EXPECT_TRUE(header_values(*out.response, "Flow-Timer").empty());
  RegisterSpec plain = outbound_spec("41004", 20, "ob-2");
  plain.extra = {};
  out = h.register_with_auth(plain, "secret");
  EXPECT_TRUE(header_values(*out.response, "Require").empty());
  EXPECT_FALSE(out.changes.back().binding.outbound);
}

TEST(RegistrarOutbound, NotTheFirstHopGets439) {
  Registered h;
  RegisterSpec s = outbound_spec("41000", 1);
  s.vias = 2;
  EXPECT_EQ(h.register_with_auth(s, "secret").response->status(), 439);
}

TEST(RegistrarGruu, PublicAndTemporaryGruusResolve) {
  Registered h;
  auto out = h.register_with_auth(outbound_spec("41000", 1), "secret");
  ASSERT_EQ(out.response->status(), 200);
  auto contact = out.response->header(sip::hdr::contact);
  ASSERT_TRUE(contact);
  const std::string pub = sip::unquoted(contact->address.params.get("pub-gruu").value_or(""));
  const std::string temp = sip::unquoted(contact->address.params.get("temp-gruu").value_or(""));
  EXPECT_EQ(pub, std::string("sips:alice@localhost;gr=") + kInstance);
  EXPECT_EQ(temp.rfind("sips:tgruu.", 0), 0u) << temp;
  EXPECT_NE(temp.find("@localhost;gr"), std::string::npos) << temp;
  EXPECT_EQ(out.changes[0].binding.pub_gruu, pub);
  EXPECT_EQ(out.changes[0].binding.temp_gruu, temp);
  auto by_pub = h.reg->lookup_gruu(h.now, *sip::parse_uri(pub));
  ASSERT_TRUE(by_pub);
  EXPECT_EQ(by_pub->instance, kInstance);
  auto by_temp = h.reg->lookup_gruu(h.now, *sip::parse_uri(temp));
  ASSERT_TRUE(by_temp);
  EXPECT_EQ(by_temp->flow, h.ctx.flow);
  // A refresh with the same Call-ID keeps the temporary GRUU.
  auto again = h.register_with_auth(outbound_spec("41000", 5), "secret");
  EXPECT_EQ(sip::unquoted(again.response->header(sip::hdr::contact)->address.params.get("temp-gruu").value_or("")), temp);
  // Unknown GRUUs, foreign domains and plain AORs resolve to nothing.
  EXPECT_FALSE(h.reg->lookup_gruu(h.now, *sip::parse_uri("sips:tgruu.00@localhost;gr")));
  EXPECT_FALSE(h.reg->lookup_gruu(h.now, *sip::parse_uri("sips:alice@localhost;gr=urn:uuid:other")));
  EXPECT_FALSE(h.reg->lookup_gruu(h.now, *sip::parse_uri(std::string("sips:alice@example.com;gr=") + kInstance)));
  EXPECT_FALSE(h.reg->lookup_gruu(h.now, *sip::parse_uri("sips:alice@localhost")));
  // Without Supported: gruu, none.
  RegisterSpec s = outbound_spec("41000", 9);
  s.extra = {"Supported: outbound"};
  auto plain = h.register_with_auth(s, "secret");
  EXPECT_FALSE(plain.response->header(sip::hdr::contact)->address.params.has("pub-gruu"));
  EXPECT_FALSE(h.reg->lookup_gruu(h.now, *sip::parse_uri(pub)));
}

TEST(RegistrarFlows, ClosedFlowAndRestoreAfterRestart) {
  Registered h;
  // linphone-like: a TLS contact that is its own connection's address (no listener).
  h.ctx.source_port = 45000;
  RegisterSpec s;
  s.contacts = {"<sips:alice@127.0.0.1:45000;transport=tls>"};
  ASSERT_EQ(h.register_with_auth(s, "secret").response->status(), 200);
  // baresip-like: a TLS contact naming its listener, from another connection.
  h.ctx.flow = sip::txn::Flow::connection(7);
  h.ctx.source_port = 45001;
  RegisterSpec b;
  b.call_id = "baresip";
  b.contacts = {"<sips:alice@127.0.0.1:5070;transport=tls>"};
  ASSERT_EQ(h.register_with_auth(b, "secret").response->status(), 200);
  ASSERT_EQ(h.reg->lookup(h.now, "alice").size(), 2u);

  EXPECT_EQ(h.reg->flow_closed(sip::txn::Flow::connection(1)).size(), 1u);
  auto left = h.reg->lookup(h.now, "alice");
  ASSERT_EQ(left.size(), 1u);  // the listener is still reachable directly
  EXPECT_EQ(left[0].contact.port, std::optional<std::uint16_t>(5070));

  // Restart: a new registrar, bindings from the database, 100 s later on the wall clock.
  const std::vector<Binding> saved = h.reg->bindings();
  ASSERT_EQ(saved.size(), 2u);
  RegistrarHarness h2;
  h2.accounts.add("alice", "secret");
  h2.now = Timestamp{} + 5h;
  h2.unix_now = h.unix_now + 100;
  h2.reg->restore(h2.now, h2.unix_now, saved);
  EXPECT_EQ(h2.reg->stats().bindings, 2u);
  auto restored = h2.reg->lookup(h2.now, "alice");
  ASSERT_EQ(restored.size(), 1u);  // only the listener: the other needs its phone to reconnect
  EXPECT_FALSE(restored[0].flow_alive);
  EXPECT_EQ(h2.reg->next_timeout(), h2.now + 3500s);
  // The linphone-like phone reconnects and registers again: reachable down the new connection.
  h2.ctx.flow = sip::txn::Flow::connection(1);
  h2.ctx.source_port = 45010;
  RegisterSpec again = s;
  again.cseq = 3;
  again.contacts = {"<sips:alice@127.0.0.1:45000;transport=tls>"};
  auto out = h2.register_with_auth(again, "secret");
  ASSERT_EQ(out.response->status(), 200);
  EXPECT_EQ(out.changes[0].kind, BindingChangeKind::refreshed);
  EXPECT_EQ(h2.reg->lookup(h2.now, "alice").size(), 2u);
  // Expired ones are not restored.
  RegistrarHarness h3;
  h3.unix_now = h.unix_now + 4000;
  h3.reg->restore(h3.now, h3.unix_now, saved);
  EXPECT_EQ(h3.reg->stats().bindings, 0u);
}

TEST(RegistrarAuthenticator, InviteIsChallengedWith407AndAccepted) {
  Registered h;
  const std::string text =
      "INVITE sips:bob@localhost SIP/2.0\r\nVia: SIP/2.0/TLS 127.0.0.1:40001;branch=z9hG4bKi1\r\n"
      "Max-Forwards: 70\r\nFrom: <sips:alice@localhost>;tag=a\r\nTo: <sips:bob@localhost>\r\n"
      "Call-ID: inv1\r\nCSeq: 1 INVITE\r\nContact: <sips:alice@127.0.0.1:5070>\r\nContent-Length: 0\r\n\r\n";
  AuthDecision d = h.reg->authenticate(h.now, h.ctx, parse(text));
  ASSERT_TRUE(d.response);
  EXPECT_FALSE(d.user);
  EXPECT_EQ(d.response->status(), 407);
  EXPECT_EQ(header_values(*d.response, "Proxy-Authenticate").size(), 2u);
  EXPECT_TRUE(header_values(*d.response, "WWW-Authenticate").empty());
  SipMessage retry = answered(parse(text), *d.response, "alice", "secret", DigestAlgorithm::md5);
  ASSERT_TRUE(retry.find(sip::HeaderId::proxy_authorization));
  AuthDecision ok = h.reg->authenticate(h.now, h.ctx, retry);
  EXPECT_FALSE(ok.response);
  EXPECT_EQ(ok.user, std::optional<std::string>("alice"));
  // Replayed: stale challenge, no user.
  AuthDecision replay = h.reg->authenticate(h.now, h.ctx, retry);
  ASSERT_TRUE(replay.response);
  EXPECT_EQ(replay.response->status(), 407);
  EXPECT_FALSE(replay.user);
  // Authorization (not Proxy-) is not accepted for an INVITE.
  SipMessage wrong_header = parse(text);
  (void)wrong_header.add_raw("Authorization", retry.find(sip::HeaderId::proxy_authorization)->value);
  EXPECT_EQ(h.reg->authenticate(h.now, h.ctx, wrong_header).response->status(), 407);
}

TEST(RegistrarAuthenticator, InviteOverForbiddenTransportIs403AfterDigest) {
  Registered h;
  h.ctx.transport = sip::Transport::tcp;
  const std::string text =
      "INVITE sip:bob@localhost SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:40001;branch=z9hG4bKi2\r\n"
      "Max-Forwards: 70\r\nFrom: <sip:alice@localhost>;tag=a\r\nTo: <sip:bob@localhost>\r\n"
      "Call-ID: inv2\r\nCSeq: 1 INVITE\r\nContact: <sip:alice@127.0.0.1:5070>\r\nContent-Length: 0\r\n\r\n";
  AuthDecision d = h.reg->authenticate(h.now, h.ctx, parse(text));
  AuthDecision r = h.reg->authenticate(h.now, h.ctx, answered(parse(text), *d.response, "alice", "secret"));
  ASSERT_TRUE(r.response);
  EXPECT_EQ(r.response->status(), 403);
  EXPECT_EQ(r.response->reason(), "Transport TCP not allowed for this account");
  EXPECT_FALSE(r.user);
}

TEST(RegistrarMalformed, BadContactExpiresAndRegIdAreNamed) {
  Registered h;
  RegisterSpec s;
  s.contacts = {"<sips:alice@127.0.0.1:5070>;expires=soon"};
  auto out = h.register_with_auth(s, "secret");
  EXPECT_EQ(out.response->status(), 400);
  EXPECT_EQ(header_values(*out.response, "Warning"),
            std::vector<std::string>{"399 localhost \"Contact expires: expected a number\""});
  RegisterSpec t;
  t.cseq = 3;
  t.contacts = {"<tel:+441234567890>"};
  EXPECT_EQ(h.register_with_auth(t, "secret").response->status(), 400);
  RegisterSpec r = outbound_spec("41000", 5);
  r.contacts = {std::string("<sips:alice@127.0.0.1:5070>;+sip.instance=\"<") + kInstance + ">\";reg-id=0"};
  EXPECT_EQ(h.register_with_auth(r, "secret").response->status(), 400);
}

}  // namespace
}  // namespace sotto::registrar
