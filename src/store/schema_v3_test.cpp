// Schema version 3: the upgrade from a real version 2 file keeping every row, end_reason and transfer-target
// legs, the verdict over transfer targets, retention (prune_calls) and read-only opening.
#include <gtest/gtest.h>

#include <filesystem>

#include "store/data_dir.hpp"
#include "store/testing_store.hpp"
#include "store/verdict.hpp"

namespace sotto::store {
namespace {

using namespace testing;

std::string schema_of(const fs::path& db_file) {
  return sql_value(db_file,
                   "SELECT group_concat(type || ' ' || name || ': ' || ifnull(sql, ''), char(10)) FROM "
                   "(SELECT * FROM sqlite_master ORDER BY type, name)");
}

// The schema without its whitespace (the version 1 fixture spells meta on one line).
std::string squeezed_schema_of(const fs::path& db_file) {
  std::string out;
  for (char c : schema_of(db_file)) {
    if (c != ' ' && c != '\n') out += c;
  }
  return out;
}

std::string version_of(const fs::path& db_file) {
  return sql_value(db_file, "SELECT value FROM meta WHERE key = 'schema_version'");
}

LegRecord plain_rtp_target(std::string peer) {
  LegRecord l = tls_srtp_leg(LegSide::transfer_target, std::move(peer));
  l.address = "127.0.0.1:40500";
  l.srtp_suite = std::nullopt;
  return l;
}

TEST(SchemaV3, VersionTwoFileIsUpgradedKeepingEveryRow) {
  TempDir tmp;
  write_v2(tmp.path());
  const fs::path db = tmp.path() / "sotto.db";
  ASSERT_EQ(version_of(db), "2");
  auto st = open_data_dir(tmp.path(), {.realm = std::nullopt, .create = false});
  ASSERT_TRUE(st) << st.error().message();
  EXPECT_EQ((*st)->info().schema_version, 3);
  EXPECT_EQ(version_of(db), "3");

  // Every call, leg, counter and reason as version 2 wrote it; end_reason empty.
  auto calls = (*st)->list_calls(0);
  ASSERT_TRUE(calls) << calls.error().message();
  EXPECT_EQ(*calls, v2_calls());
  EXPECT_EQ(sql_value(db, "SELECT count(*) FROM call_legs"), "4");
  // Users and bindings are not touched.
  auto users = (*st)->list_users();
  ASSERT_TRUE(users);
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[1].credentials.ha1_md5, "ffeeddccbbaa99887766554433221100");
  auto bindings = (*st)->list_bindings(0);
  ASSERT_TRUE(bindings);
  ASSERT_EQ(bindings->size(), 1u);
  EXPECT_EQ((*bindings)[0].contact, "sips:alice@127.0.0.1:40312");
  EXPECT_EQ(sql_value(db, "PRAGMA integrity_check"), "ok");
  EXPECT_EQ(sql_value(db, "SELECT count(*) FROM pragma_foreign_key_check"), "0");

  // The upgraded file has exactly the schema of a new one.
  TempDir fresh;
  { ASSERT_TRUE(open_new(fresh)); }
  EXPECT_EQ(schema_of(db), schema_of(fresh.path() / "sotto.db"));
  EXPECT_NE(schema_of(db).find("'transfer-target'"), std::string::npos) << schema_of(db);
  EXPECT_EQ(schema_of(db).find("call_legs_v3"), std::string::npos) << schema_of(db);

  // The new columns and values work on it; the legs still go with their call.
  CallRecord t = call("transferred@127.0.0.1", 4'000'000);
  t.end_reason = "transferred";
  t.legs.push_back(tls_srtp_leg(LegSide::transfer_target, "carol"));
  apply_judgement(t);
  ASSERT_TRUE((*st)->add_call(t));
  calls = (*st)->list_calls(4'000'000);
  ASSERT_TRUE(calls);
  ASSERT_EQ(calls->size(), 1u);
  EXPECT_EQ((*calls)[0], t);
  ASSERT_TRUE((*st)->remove_user("alice"));
  EXPECT_EQ(sql_value(db, "SELECT count(*) FROM bindings"), "0");
  EXPECT_EQ((*st)->prune_calls(2'000'001, 10).value(), 2u);
  EXPECT_EQ(sql_value(db, "SELECT count(*) FROM call_legs"), "3");

  // Opening again is a no-op.
  st->reset();
  auto again = open_data_dir(tmp.path(), {.realm = std::nullopt, .create = false});
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ((*again)->list_calls(0)->size(), 2u);
}

TEST(SchemaV3, AFailedOpenLeavesVersionTwoUntouched) {
  TempDir tmp;
  write_v2(tmp.path());
  const fs::path db = tmp.path() / "sotto.db";
  const std::string before = schema_of(db);
  // The realm check fails after the upgrade ran in the same transaction: all of it is rolled back.
  auto st = open_data_dir(tmp.path(), {.realm = "other", .create = false});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, Errc::invalid_argument);
  EXPECT_EQ(version_of(db), "2");
  EXPECT_EQ(schema_of(db), before);
  EXPECT_EQ(sql_value(db, "SELECT count(*) FROM call_legs"), "4");
  // And it upgrades fine afterwards.
  auto ok = open_data_dir(tmp.path(), {.realm = "example.org", .create = false});
  ASSERT_TRUE(ok) << ok.error().message();
  EXPECT_EQ((*ok)->list_calls(0).value(), v2_calls());
}

TEST(SchemaV3, VersionOneIsUpgradedThroughTwoToThree) {
  TempDir tmp;
  write_v1(tmp.path());
  auto st = open_data_dir(tmp.path(), {.realm = std::nullopt, .create = false});
  ASSERT_TRUE(st) << st.error().message();
  EXPECT_EQ((*st)->info().schema_version, 3);
  TempDir fresh;
  { ASSERT_TRUE(open_new(fresh)); }
  EXPECT_EQ(squeezed_schema_of(tmp.path() / "sotto.db"), squeezed_schema_of(fresh.path() / "sotto.db"));
}

TEST(SchemaV3, EndReasonAndTransferTargetsRoundTrip) {
  TempDir tmp;
  auto st = open_new(tmp);
  ASSERT_TRUE(st);
  CallRecord c = call("xfer@127.0.0.1", 1'000'000);
  c.end_reason = "BYE from transfer-target \"carol\"\nwith a newline";
  c.legs.push_back(tls_srtp_leg(LegSide::transfer_target, "carol"));
  c.legs.push_back(plain_rtp_target("dave"));
  c.legs.back().transport = Transport::udp;
  c.legs.back().packets_lost = 9;
  apply_judgement(c);
  ASSERT_TRUE(st->add_call(c));
  auto calls = st->list_calls(0);
  ASSERT_TRUE(calls) << calls.error().message();
  ASSERT_EQ(calls->size(), 1u);
  EXPECT_EQ((*calls)[0], c);
  EXPECT_EQ((*calls)[0].legs[2].side, LegSide::transfer_target);
  EXPECT_EQ(sql_value(tmp.path() / "sotto.db", "SELECT side FROM call_legs WHERE ordinal = 3"), "transfer-target");
  EXPECT_EQ(sql_value(tmp.path() / "sotto.db", "SELECT end_reason FROM calls"), c.end_reason);

  // The CHECK still refuses a side that is not one of the three.
  EXPECT_NE(sql_error(tmp.path() / "sotto.db", "UPDATE call_legs SET side = 'bystander' WHERE ordinal = 2")
                .find("CHECK constraint failed"),
            std::string::npos);
  EXPECT_EQ(sql_value(tmp.path() / "sotto.db", "SELECT side FROM call_legs WHERE ordinal = 2"), "transfer-target");
}

TEST(SchemaV3, VerdictCoversTransferTargets) {
  CallRecord c = call("xfer", 0);
  c.legs.push_back(tls_srtp_leg(LegSide::transfer_target, "carol"));
  EXPECT_EQ(judge(c), (Judgement{Verdict::secure, {}}));

  // Transferred to a target with plain RTP: partial, and the reason names that leg.
  c.legs.push_back(plain_rtp_target("dave"));
  auto j = judge(c);
  EXPECT_EQ(j.verdict, Verdict::partial);
  ASSERT_EQ(j.reasons.size(), 1u);
  EXPECT_EQ(j.reasons[0], "rtp-unencrypted: transfer-target leg (dave 127.0.0.1:40500) media is plain RTP");

  // A target over UDP: its signalling is named too.
  c.legs.back().transport = Transport::udp;
  j = judge(c);
  ASSERT_EQ(j.reasons.size(), 2u);
  EXPECT_EQ(j.reasons[0], "sip-cleartext: transfer-target leg (dave 127.0.0.1:40500) signalled over UDP");
  EXPECT_EQ(LegSide::transfer_target, *parse_leg_side("transfer-target"));
  EXPECT_EQ(to_string(LegSide::transfer_target), "transfer-target");
  EXPECT_FALSE(parse_leg_side("transfer_target"));
}

TEST(Retention, PruneDeletesOldCallsInBoundedBatchesWithTheirLegs) {
  TempDir tmp;
  auto st = open_new(tmp);
  ASSERT_TRUE(st);
  ASSERT_TRUE(st->add_user(make_user("alice", "sotto", "pw", {}, 1)));
  ASSERT_TRUE(st->put_binding(binding("alice", "sips:alice@127.0.0.1:40312", 1)));  // long expired
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(st->add_call(call("c" + std::to_string(i), 1000 * i)));
  const fs::path db = tmp.path() / "sotto.db";
  EXPECT_EQ(sql_value(db, "SELECT count(*) FROM call_legs"), "20");

  // Before 7000: c0..c6, three per batch, oldest first.
  EXPECT_EQ(st->prune_calls(7000, 3).value(), 3u);
  EXPECT_EQ(st->list_calls(0).value().front().call_id, "c3");
  EXPECT_EQ(st->prune_calls(7000, 3).value(), 3u);
  EXPECT_EQ(st->prune_calls(7000, 3).value(), 1u);
  EXPECT_EQ(st->prune_calls(7000, 3).value(), 0u);
  EXPECT_EQ(st->prune_calls(7000, 0).value(), 0u);
  auto left = st->list_calls(0);
  ASSERT_TRUE(left);
  ASSERT_EQ(left->size(), 3u);
  EXPECT_EQ((*left)[0].call_id, "c7");
  EXPECT_EQ((*left)[0].legs.size(), 2u);
  EXPECT_EQ(sql_value(db, "SELECT count(*) FROM call_legs"), "6");
  // The bound is exclusive: a call that started exactly at it stays.
  EXPECT_EQ(st->prune_calls(8000, 100).value(), 1u);
  EXPECT_EQ(st->list_calls(0).value().front().call_id, "c8");
  // Bindings are not the records' business, even expired ones.
  EXPECT_EQ(sql_value(db, "SELECT count(*) FROM bindings"), "1");
}

TEST(ReadOnly, ReadsWhileAWriterHasItOpenAndWritesNothing) {
  TempDir tmp;
  auto writer = open_new(tmp);
  ASSERT_TRUE(writer);
  ASSERT_TRUE(writer->add_user(make_user("alice", "sotto", "pw", {}, 1)));
  ASSERT_TRUE(writer->put_binding(binding("alice", "sips:alice@127.0.0.1:40312", 5000)));
  ASSERT_TRUE(writer->add_call(call("c1", 1000)));
  auto reader = open_data_dir(tmp.path(), {.realm = std::nullopt, .create = false, .read_only = true});
  ASSERT_TRUE(reader) << reader.error().message();
  EXPECT_EQ((*reader)->info().schema_version, kSchemaVersion);
  EXPECT_EQ((*reader)->list_calls(0).value().size(), 1u);
  EXPECT_EQ((*reader)->list_bindings(0).value().size(), 1u);
  // The writer goes on; the reader sees its commits.
  ASSERT_TRUE(writer->add_call(call("c2", 2000)));
  EXPECT_EQ((*reader)->list_calls(0).value().size(), 2u);
  // Writes through the reader fail and change nothing.
  EXPECT_FALSE((*reader)->add_call(call("c3", 3000)));
  EXPECT_FALSE((*reader)->prune_calls(10'000, 10));
  EXPECT_EQ(writer->list_calls(0).value().size(), 2u);
}

TEST(ReadOnly, MissingDirectoryOrDatabaseIsNotCreated) {
  TempDir tmp;
  auto st = open_data_dir(tmp.path() / "absent", {.realm = std::nullopt, .create = true, .read_only = true});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, Errc::not_found);
  EXPECT_NE(st.error().context.find("no data directory at"), std::string::npos) << st.error().context;
  EXPECT_FALSE(fs::exists(tmp.path() / "absent"));
  st = open_data_dir(tmp.path(), {.realm = std::nullopt, .create = true, .read_only = true});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, Errc::not_found);
  EXPECT_NE(st.error().context.find("no database at " + (tmp.path() / "sotto.db").string()), std::string::npos)
      << st.error().context;
  EXPECT_TRUE(fs::is_empty(tmp.path()));
}

TEST(ReadOnly, OlderFilesAreReadAsTheyAreNeverUpgraded) {
  TempDir tmp;
  write_v2(tmp.path());
  const fs::path db = tmp.path() / "sotto.db";
  const std::string before = schema_of(db);
  auto st = open_data_dir(tmp.path(), {.realm = std::nullopt, .create = false, .read_only = true});
  ASSERT_TRUE(st) << st.error().message();
  EXPECT_EQ((*st)->info().schema_version, 2);
  EXPECT_EQ((*st)->list_calls(0).value(), v2_calls());
  EXPECT_EQ((*st)->list_bindings(0).value().size(), 1u);
  st->reset();
  EXPECT_EQ(version_of(db), "2");
  EXPECT_EQ(schema_of(db), before);

  // Version 1 has neither calls nor bindings: a clear error, and the file stays version 1.
  TempDir v1;
  write_v1(v1.path());
  st = open_data_dir(v1.path(), {.realm = std::nullopt, .create = false, .read_only = true});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, Errc::unsupported);
  EXPECT_NE(st.error().context.find("schema version 1 holds no calls or registrations yet"), std::string::npos)
      << st.error().context;
  EXPECT_EQ(version_of(v1.path() / "sotto.db"), "1");

  // Newer than this build: refused as on a read-write open.
  sql(db, "UPDATE meta SET value = '4' WHERE key = 'schema_version'");
  st = open_data_dir(tmp.path(), {.realm = std::nullopt, .create = false, .read_only = true});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, Errc::unsupported);
  EXPECT_NE(st.error().context.find("schema version 4 is newer than this sotto understands (3)"), std::string::npos)
      << st.error().context;
}

}  // namespace
}  // namespace sotto::store
