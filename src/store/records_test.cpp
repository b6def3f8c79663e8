// The upgrade from version 1, registrar bindings, call records, the verdict and --since.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <cstdlib>
#include <filesystem>

#include "store/data_dir.hpp"
#include "store/testing_store.hpp"
#include "store/time_text.hpp"
#include "store/verdict.hpp"

namespace sotto::store {
namespace {

using namespace testing;

TEST(SchemaUpgrade, VersionOneFileIsUpgradedOnOpenKeepingUsers) {
  TempDir tmp;
  write_v1(tmp.path());
  auto st = open_data_dir(tmp.path(), {.realm = std::nullopt, .create = false});
  ASSERT_TRUE(st) << st.error().message();
  EXPECT_EQ((*st)->info().schema_version, kSchemaVersion);
  EXPECT_EQ((*st)->info().realm, "example.org");
  auto alice = (*st)->find_user("alice");
  ASSERT_TRUE(alice && alice->has_value());
  EXPECT_EQ((*alice)->credentials.ha1_md5, "00112233445566778899aabbccddeeff");
  EXPECT_EQ(format_transport_list((*alice)->policy.transports), "tls,udp");
  EXPECT_EQ((*alice)->updated_unix, 200);
  // The new tables work on the upgraded file.
  ASSERT_TRUE((*st)->put_binding(binding("alice", "sips:alice@127.0.0.1:40312", 5000)));
  ASSERT_TRUE((*st)->add_call(call("c1", 1000)));
  EXPECT_EQ(sql_value(tmp.path() / "sotto.db", "SELECT value FROM meta WHERE key = 'schema_version'"), "3");
  st->reset();
  // Opening again is a no-op.
  auto again = open_data_dir(tmp.path(), {.realm = std::nullopt, .create = false});
  ASSERT_TRUE(again);
  EXPECT_EQ((*again)->list_bindings(0)->size(), 1u);
  EXPECT_EQ((*again)->list_calls(0)->size(), 1u);
}

TEST(SchemaUpgrade, AFailedOpenLeavesVersionOneUntouched) {
  TempDir tmp;
  write_v1(tmp.path());
  // The realm check fails after the upgrade ran inside the same transaction: it is rolled back.
  auto st = open_data_dir(tmp.path(), {.realm = "other", .create = false});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, Errc::invalid_argument);
  EXPECT_EQ(sql_value(tmp.path() / "sotto.db", "SELECT value FROM meta WHERE key = 'schema_version'"), "1");
  EXPECT_EQ(sql_value(tmp.path() / "sotto.db", "SELECT count(*) FROM sqlite_master WHERE name = 'bindings'"), "0");
}

TEST(SchemaUpgrade, NewerThanThisBuildIsRefusedNamingBothVersions) {
  TempDir tmp;
  { ASSERT_TRUE(open_new(tmp)); }
  sql(tmp.path() / "sotto.db", "UPDATE meta SET value = '4' WHERE key = 'schema_version'");
  auto st = open_data_dir(tmp.path(), {.realm = std::nullopt, .create = false});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, Errc::unsupported);
  EXPECT_NE(st.error().context.find("schema version 4 is newer than this sotto understands (3)"), std::string::npos)
      << st.error().context;
  EXPECT_EQ(sql_value(tmp.path() / "sotto.db", "SELECT value FROM meta WHERE key = 'schema_version'"), "4");
}

TEST(Bindings, RoundTripReplaceRemoveAndExpire) {
  TempDir tmp;
  auto st = open_new(tmp);
  ASSERT_TRUE(st);
  ASSERT_TRUE(st->add_user(make_user("alice", "sotto", "pw", {}, 1)));
  ASSERT_TRUE(st->add_user(make_user("bob", "sotto", "pw", {}, 1)));

  BindingRecord a = binding("alice", "sips:alice@127.0.0.1:40312;transport=tls", 2000);
  a.instance = "<urn:uuid:00000000-0000-1000-8000-000A95A0E128>";
  a.reg_id = 1;
  a.pub_gruu = "sips:alice@localhost;gr=urn:uuid:00000000-0000-1000-8000-000A95A0E128";
  a.outbound = true;
  BindingRecord b = binding("bob", "sip:bob@127.0.0.1:5062", 1500);
  b.transport = Transport::udp;
  b.source_port = 5062;
  b.flow = "udp 127.0.0.1:5062";
  ASSERT_TRUE(st->put_binding(a));
  ASSERT_TRUE(st->put_binding(b));

  auto all = st->list_bindings(1000);
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0], a);
  EXPECT_EQ((*all)[1], b);
  // Unexpired only: bob's expires at 1500.
  ASSERT_EQ(st->list_bindings(1500)->size(), 1u);

  // The same instance and reg-id from a new port replaces the binding (RFC 5626 section 6).
  BindingRecord a2 = a;
  a2.contact = "sips:alice@127.0.0.1:40999;transport=tls";
  a2.source_port = 40999;
  a2.cseq = 8;
  a2.expires_unix = 2600;
  ASSERT_TRUE(st->put_binding(a2));
  all = st->list_bindings(1000);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0], a2);
  // Another reg-id of the same instance is another flow.
  BindingRecord a3 = a2;
  a3.reg_id = 2;
  ASSERT_TRUE(st->put_binding(a3));
  EXPECT_EQ(st->list_bindings(1000)->size(), 3u);
  EXPECT_TRUE(*st->remove_binding(a3));
  EXPECT_FALSE(*st->remove_binding(a3));

  // Without an instance, the contact identifies the binding.
  BindingRecord b2 = b;
  b2.expires_unix = 1800;
  ASSERT_TRUE(st->put_binding(b2));
  EXPECT_EQ(st->list_bindings(1000)->size(), 2u);

  auto expired = st->remove_expired(1800);
  ASSERT_TRUE(expired);
  EXPECT_EQ(*expired, 1u);
  ASSERT_EQ(st->list_bindings(0)->size(), 1u);
  EXPECT_EQ((*st->list_bindings(0))[0].user, "alice");

  // An unknown account cannot hold bindings; removing an account removes its bindings.
  auto orphan = st->put_binding(binding("carol", "sips:carol@127.0.0.1", 5000));
  ASSERT_FALSE(orphan);
  EXPECT_EQ(orphan.error().code, Errc::invalid_state);
  EXPECT_NE(orphan.error().context.find("no user 'carol'"), std::string::npos);
  EXPECT_FALSE(st->put_binding(binding("", "sips:x@127.0.0.1", 5000)));
  ASSERT_TRUE(*st->remove_user("alice"));
  EXPECT_TRUE(st->list_bindings(0)->empty());
}

TEST(Bindings, BatchIsOneTransactionAllOrNothing) {
  TempDir tmp;
  auto st = open_new(tmp);
  ASSERT_TRUE(st);
  ASSERT_TRUE(st->add_user(make_user("alice", "sotto", "pw", {}, 1)));
  std::vector<BindingRecord> batch;
  for (int i = 0; i < 5; ++i) batch.push_back(binding("alice", "sips:alice@127.0.0.1:" + std::to_string(5000 + i), 900));
  ASSERT_TRUE(st->put_bindings(batch));
  EXPECT_EQ(st->list_bindings(0)->size(), 5u);
  batch.push_back(binding("nobody", "sips:nobody@127.0.0.1", 900));
  batch[0].expires_unix = 5;
  EXPECT_FALSE(st->put_bindings(batch));
  auto after = st->list_bindings(0);
  ASSERT_EQ(after->size(), 5u);
  EXPECT_EQ((*after)[0].expires_unix, 900);  // the failed batch changed nothing
}

TEST(Bindings, SurviveReopen) {
  TempDir tmp;
  BindingRecord a = binding("alice", "sips:alice@[::1]:40312", 4000);
  a.source_ip = "::1";
  {
    auto st = open_new(tmp);
    ASSERT_TRUE(st->add_user(make_user("alice", "sotto", "pw", {}, 1)));
    ASSERT_TRUE(st->put_binding(a));
  }
  auto st = open_data_dir(tmp.path(), {.realm = std::nullopt, .create = false});
  ASSERT_TRUE(st);
  auto all = (*st)->list_bindings(3999);
  ASSERT_EQ(all->size(), 1u);
  EXPECT_EQ((*all)[0], a);
}

TEST(Calls, RoundTripEveryFieldAndSinceFilter) {
  TempDir tmp;
  auto st = open_new(tmp);
  ASSERT_TRUE(st);
  CallRecord c1 = call("c1@127.0.0.1", 1'000'000);
  CallRecord c2 = call("c2@127.0.0.1", 2'000'000);
  c2.result = CallResult::busy;
  c2.status = 486;
  c2.answered_unix_ms = std::nullopt;
  c2.legs[1].transport = Transport::udp;
  c2.legs[1].tls_version.clear();
  c2.legs[1].tls_cipher.clear();
  c2.legs[1].media = false;
  c2.legs[1].srtp_suite = std::nullopt;
  c2.legs[0].peer_certificate = "CN=alice";
  c2.legs[0].packets_in = (1ull << 40) + 3;
  c2.legs[0].auth_failures = 17;
  c2.legs[0].packets_lost = 2;
  apply_judgement(c2);
  c2.reasons.push_back("a line with\na break and a \\ backslash");
  CallRecord c3 = call("c3@127.0.0.1", 2'000'000);  // same start as c2: kept in insertion order
  c3.legs.clear();
  apply_judgement(c3);
  CallRecord c1_again = call("c1@127.0.0.1", 3'000'000);  // the same Call-ID again (a new INVITE): its own record

  for (const auto* c : {&c1, &c2, &c3, &c1_again}) ASSERT_TRUE(st->add_call(*c)) << c->call_id;

  auto all = st->list_calls(0);
  ASSERT_TRUE(all) << all.error().message();
  ASSERT_EQ(all->size(), 4u);
  EXPECT_EQ((*all)[0], c1);
  EXPECT_EQ((*all)[1], c2);
  EXPECT_EQ((*all)[2], c3);
  EXPECT_EQ((*all)[3], c1_again);
  EXPECT_EQ((*all)[1].verdict, Verdict::partial);
  EXPECT_FALSE((*all)[1].answered_unix_ms.has_value());

  auto since = st->list_calls(2'000'000);
  ASSERT_EQ(since->size(), 3u);
  EXPECT_EQ((*since)[0].call_id, "c2@127.0.0.1");
  EXPECT_EQ(st->list_calls(2'000'001)->size(), 1u);
  EXPECT_TRUE(st->list_calls(3'000'001)->empty());

  EXPECT_EQ(st->add_call(CallRecord{}).error().code, Errc::invalid_argument);
  CallRecord negative = call("n", -5);
  EXPECT_FALSE(st->add_call(negative));
  EXPECT_EQ(st->list_calls(0)->size(), 4u);
}

TEST(Calls, HandEditedRowIsReportedWithItsCallId) {
  TempDir tmp;
  {
    auto st = open_new(tmp);
    ASSERT_TRUE(st->add_call(call("edited@host", 1)));
  }
  sql(tmp.path() / "sotto.db",
      "PRAGMA ignore_check_constraints = ON; UPDATE call_legs SET transport = 'SCTP' WHERE ordinal = 1;");
  auto st = open_data_dir(tmp.path(), {.realm = std::nullopt, .create = false});
  ASSERT_TRUE(st);
  auto calls = (*st)->list_calls(0);
  ASSERT_FALSE(calls);
  EXPECT_NE(calls.error().context.find("call edited@host"), std::string::npos) << calls.error().context;
  EXPECT_NE(calls.error().context.find("'SCTP'"), std::string::npos) << calls.error().context;
}

TEST(Verdict, SecureNeedsTlsAndSrtpOnEveryLeg) {
  CallRecord c = call("v", 0);
  EXPECT_EQ(judge(c), (Judgement{Verdict::secure, {}}));

  // A plain RTP callee leg over TLS: partial, in the audit's words.
  CallRecord rtp = c;
  rtp.legs[1].srtp_suite = std::nullopt;
  auto j = judge(rtp);
  EXPECT_EQ(j.verdict, Verdict::partial);
  ASSERT_EQ(j.reasons.size(), 1u);
  EXPECT_EQ(j.reasons[0], "rtp-unencrypted: callee leg (bob 127.0.0.1:40312) media is plain RTP");

  // One leg over UDP with SRTP: partial (its signalling, with the SDES keys, is readable).
  CallRecord udp = c;
  udp.legs[0].transport = Transport::udp;
  j = judge(udp);
  EXPECT_EQ(j.verdict, Verdict::partial);
  ASSERT_EQ(j.reasons.size(), 1u);
  EXPECT_EQ(j.reasons[0], "sip-cleartext: caller leg (alice 127.0.0.1:40312) signalled over UDP");

  // Nothing protected anywhere: insecure, one reason per fact.
  CallRecord none = c;
  for (auto& l : none.legs) {
    l.transport = Transport::tcp;
    l.srtp_suite = std::nullopt;
  }
  j = judge(none);
  EXPECT_EQ(j.verdict, Verdict::insecure);
  EXPECT_EQ(j.reasons.size(), 4u);

  // Legs without media are judged on their signalling alone.
  CallRecord rejected = c;
  rejected.legs[1].media = false;
  rejected.legs[1].srtp_suite = std::nullopt;
  EXPECT_EQ(judge(rejected).verdict, Verdict::secure);
  rejected.legs[1].transport = Transport::udp;
  EXPECT_EQ(judge(rejected).verdict, Verdict::partial);
  for (auto& l : rejected.legs) {
    l.media = false;
    l.transport = Transport::udp;
  }
  EXPECT_EQ(judge(rejected).verdict, Verdict::insecure);

  // Old TLS and suites that do not encrypt or authenticate keep a call from secure.
  CallRecord weak = c;
  weak.legs[0].tls_version = "TLSv1.1";
  j = judge(weak);
  EXPECT_EQ(j.verdict, Verdict::partial);
  EXPECT_EQ(j.reasons[0].rfind("tls-weak: ", 0), 0u) << j.reasons[0];
  CallRecord null_cipher = c;
  null_cipher.legs[0].srtp_suite = "NULL_HMAC_SHA1_80";
  j = judge(null_cipher);
  EXPECT_EQ(j.verdict, Verdict::partial);
  EXPECT_EQ(j.reasons[0].rfind("srtp-null-cipher: ", 0), 0u) << j.reasons[0];
  CallRecord null_auth = c;
  null_auth.legs[1].srtp_suite = "AES_CM_128_NULL_AUTH";
  j = judge(null_auth);
  EXPECT_EQ(j.verdict, Verdict::partial);
  EXPECT_EQ(j.reasons[0].rfind("srtp-null-auth: ", 0), 0u) << j.reasons[0];
  // NULL cipher over UDP everywhere protects nothing.
  for (auto& l : null_cipher.legs) {
    l.transport = Transport::udp;
    l.srtp_suite = "NULL_HMAC_SHA1_32";
  }
  EXPECT_EQ(judge(null_cipher).verdict, Verdict::insecure);

  CallRecord empty = c;
  empty.legs.clear();
  EXPECT_EQ(judge(empty).verdict, Verdict::insecure);
}

TEST(Verdict, ResultForStatusUsesTheAuditsMapping) {
  EXPECT_EQ(result_for_status(200), CallResult::answered);
  EXPECT_EQ(result_for_status(486), CallResult::busy);
  EXPECT_EQ(result_for_status(600), CallResult::busy);
  EXPECT_EQ(result_for_status(480), CallResult::no_answer);
  EXPECT_EQ(result_for_status(408), CallResult::no_answer);
  EXPECT_EQ(result_for_status(487), CallResult::cancelled);
  EXPECT_EQ(result_for_status(503), CallResult::failed);
  EXPECT_EQ(result_for_status(488), CallResult::rejected);
  EXPECT_EQ(result_for_status(302), CallResult::rejected);
  EXPECT_EQ(result_for_status(0), CallResult::failed);
  EXPECT_EQ(to_string(CallResult::no_answer), "no-answer");
  EXPECT_EQ(*parse_call_result("no-answer"), CallResult::no_answer);
  EXPECT_FALSE(parse_call_result("no_answer"));
  EXPECT_FALSE(parse_verdict("Secure"));
  EXPECT_EQ(*parse_transport_label("UDP"), Transport::udp);
  EXPECT_FALSE(parse_transport_label("udp"));
}

TEST(TimeText, SinceAcceptsAgesAndUtcTimes) {
  const std::int64_t now = 1'796'083'200'000 + 5'000;  // 2026-12-01T00:00:05Z
  EXPECT_EQ(*parse_since("30s", now), now - 30'000);
  EXPECT_EQ(*parse_since("30m", now), now - 1'800'000);
  EXPECT_EQ(*parse_since("1h", now), now - 3'600'000);
  EXPECT_EQ(*parse_since("2d", now), now - 172'800'000);
  EXPECT_EQ(*parse_since("0m", now), now);
  EXPECT_EQ(*parse_since("2026-12-01T00:00Z", now), 1'796'083'200'000);
  EXPECT_EQ(*parse_since("2026-12-01", now), 1'796'083'200'000);
  EXPECT_EQ(*parse_since("2026-12-01T13:45:30Z", now), 1'796'083'200'000 + (13 * 3600 + 45 * 60 + 30) * 1000LL);
  EXPECT_EQ(*parse_since("2024-02-29", now), 1'709'164'800'000);
  EXPECT_EQ(*parse_since("1970-01-01T00:00Z", now), 0);
  // What `sotto calls --json` writes can be pasted back.
  EXPECT_EQ(*parse_since("2026-12-01T00:00:00.123Z", now), 1'796'083'200'123);
  EXPECT_EQ(*parse_since("2026-12-01T00:00:00.5Z", now), 1'796'083'200'500);
  EXPECT_EQ(*parse_since("2026-12-01T00:00:00.123456Z", now), 1'796'083'200'123);
  for (const char* bad : {"", "1", "h", "1w", "-1h", "1.5h", "1 h", "yesterday", "2026-12-01T00:00", "2026-12-01T00:00+01:00",
                          "2026-13-01", "2025-02-29", "2026-12-01T24:00Z", "2026-12-01T00:60Z", "2026-12-1",
                          "2026-12-01T00:00:00.Z", "2026-12-01T00:00.5Z", "1969-12-31", "99999999999999d",
                          "2026-12-01Z", "2026-12-01T00:00:00.1234567890Z"}) {
    auto r = parse_since(bad, now);
    ASSERT_FALSE(r) << bad;
    EXPECT_EQ(r.error().code, Errc::invalid_argument);
    EXPECT_NE(r.error().context.find("'" + std::string(bad) + "'"), std::string::npos) << r.error().context;
    EXPECT_NE(r.error().context.find("1h"), std::string::npos) << r.error().context;
  }
}

TEST(TimeText, FormatsUtcWithMilliseconds) {
  EXPECT_EQ(format_utc_ms(0), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(format_utc_ms(1'796'083'200'123), "2026-12-01T00:00:00.123Z");
  EXPECT_EQ(format_utc_ms(1'709'164'800'000 + 86'399'999), "2024-02-29T23:59:59.999Z");
  EXPECT_EQ(format_utc_ms(-1), "1970-01-01T00:00:00.000Z");
  const std::int64_t t = 1'796'083'200'000 + 3'723'456;
  EXPECT_EQ(*parse_since(format_utc_ms(t).substr(0, 19) + "Z", 0), t - 456);
  EXPECT_EQ(*parse_since(format_utc_ms(t), 0), t);
}

}  // namespace
}  // namespace sotto::store
