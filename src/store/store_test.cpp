#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include "crypto/hash.hpp"

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "store/data_dir.hpp"
#include "store/sqlite_store.hpp"

namespace sotto::store {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "sotto-store-test-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 07777;
}

TEST(Credentials, Rfc7616Ha1) {
  // The RFC 7616 section 3.9.1 example user, realm and password.
  const auto c = digest_credentials("Mufasa", "http-auth@example.org", "Circle of Life");
  EXPECT_EQ(c.ha1_md5, crypto::hex_digest(crypto::Hash::md5, "Mufasa:http-auth@example.org:Circle of Life"));
  // Known values (md5sum / sha256sum of the string).
  EXPECT_EQ(c.ha1_md5, "3d78807defe7de2157e2b0b6573a855f");
  EXPECT_EQ(c.ha1_sha256, "7987c64c30e25f1b74be53f966b49b90f2808aa92faf9a00262392d7b4794232");
}

TEST(UserPolicy, ParsesModesSuitesAndTransports) {
  EXPECT_EQ(*parse_srtp_mode("offer"), negotiation::SrtpMode::offer);
  auto bad_mode = parse_srtp_mode("mandatory");
  ASSERT_FALSE(bad_mode);
  EXPECT_NE(bad_mode.error().context.find("'mandatory'"), std::string::npos);

  auto suites = parse_suite_list("AEAD_AES_128_GCM, AES_CM_128_HMAC_SHA1_80");
  ASSERT_TRUE(suites) << suites.error().message();
  EXPECT_EQ(*suites, (std::vector{srtp::SuiteId::AEAD_AES_128_GCM, srtp::SuiteId::AES_CM_128_HMAC_SHA1_80}));
  EXPECT_EQ(format_suite_list(*suites), "AEAD_AES_128_GCM,AES_CM_128_HMAC_SHA1_80");

  auto unknown = parse_suite_list("AES_CM_128_HMAC_SHA1_80,aes_cm_128_hmac_sha1_80");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().context.find("'aes_cm_128_hmac_sha1_80'"), std::string::npos);
  EXPECT_FALSE(parse_suite_list("NULL_HMAC_SHA1_80"));
  EXPECT_FALSE(parse_suite_list("AES_CM_128_NULL_AUTH"));
  EXPECT_FALSE(parse_suite_list("AEAD_AES_128_GCM,AEAD_AES_128_GCM"));
  EXPECT_FALSE(parse_suite_list(""));
  EXPECT_FALSE(parse_suite_list("AEAD_AES_128_GCM,"));

  auto t = parse_transport_list("udp,tls");
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->has(Transport::tls));
  EXPECT_TRUE(t->has(Transport::udp));
  EXPECT_FALSE(t->has(Transport::tcp));
  EXPECT_EQ(format_transport_list(*t), "tls,udp");
  auto bad_t = parse_transport_list("tls,sctp");
  ASSERT_FALSE(bad_t);
  EXPECT_NE(bad_t.error().context.find("'sctp'"), std::string::npos);
  EXPECT_FALSE(parse_transport_list("tls,tls"));
  EXPECT_FALSE(parse_transport_list(""));
}

TEST(UserPolicy, DefaultIsTlsOnlySrtpRequiredEngineSuites) {
  UserPolicy p;
  EXPECT_EQ(p.srtp, negotiation::SrtpMode::require);
  EXPECT_EQ(p.suites, negotiation::default_suites());
  EXPECT_EQ(format_transport_list(p.transports), "tls");
}

TEST(UserPolicy, UserNamesAndRealms) {
  EXPECT_TRUE(validate_user_name("alice"));
  EXPECT_TRUE(validate_user_name("+441234567890"));
  EXPECT_FALSE(validate_user_name(""));
  EXPECT_FALSE(validate_user_name("al ice"));
  EXPECT_FALSE(validate_user_name("alice:x"));
  EXPECT_FALSE(validate_user_name("alice@example.com"));
  EXPECT_FALSE(validate_user_name(std::string(65, 'a')));
  EXPECT_TRUE(validate_realm("sotto"));
  EXPECT_TRUE(validate_realm("sip.example.com"));
  EXPECT_FALSE(validate_realm(""));
  EXPECT_FALSE(validate_realm("a\"b"));
  EXPECT_FALSE(validate_realm("a\nb"));
}

TEST(DataDir, CreatedWithMode0700AndDatabase0600) {
  TempDir tmp;
  const fs::path dir = tmp.path() / "nested" / "sotto-data";
  EXPECT_EQ(prepare_data_dir(dir, false).error().code, Errc::not_found);
  ::umask(022);
  auto st = open_data_dir(dir, {.realm = std::nullopt, .create = true});
  ASSERT_TRUE(st) << st.error().message();
  EXPECT_EQ(mode_of(dir), 0700u);
  EXPECT_EQ(mode_of(dir / "sotto.db"), 0600u);
  EXPECT_EQ((*st)->info().realm, "sotto");
  EXPECT_EQ((*st)->info().schema_version, kSchemaVersion);
}

TEST(DataDir, MissingDirectoryIsNotCreatedWithoutAsking) {
  TempDir tmp;
  auto st = open_data_dir(tmp.path() / "absent", {.realm = std::nullopt, .create = false});
  ASSERT_FALSE(st);
  EXPECT_EQ(st.error().code, Errc::not_found);
  EXPECT_FALSE(fs::exists(tmp.path() / "absent"));
}

TEST(DataDir, AFileInTheWayIsAnError) {
  TempDir tmp;
  std::ofstream(tmp.path() / "file") << "x";
  auto st = open_data_dir(tmp.path() / "file", {.realm = std::nullopt, .create = true});
  ASSERT_FALSE(st);
  EXPECT_NE(st.error().context.find("not a directory"), std::string::npos);
}

TEST(SqliteStore, RealmIsFixedAtCreation) {
  TempDir tmp;
  {
    auto st = open_data_dir(tmp.path(), {.realm = "example.org", .create = true});
    ASSERT_TRUE(st) << st.error().message();
    EXPECT_EQ((*st)->info().realm, "example.org");
  }
  auto same = open_data_dir(tmp.path(), {.realm = "example.org", .create = false});
  ASSERT_TRUE(same);
  auto unspecified = open_data_dir(tmp.path(), {.realm = std::nullopt, .create = false});
  ASSERT_TRUE(unspecified);
  EXPECT_EQ((*unspecified)->info().realm, "example.org");
  auto other = open_data_dir(tmp.path(), {.realm = "sotto", .create = true});
  ASSERT_FALSE(other);
  EXPECT_EQ(other.error().code, Errc::invalid_argument);
  EXPECT_NE(other.error().context.find("--realm sotto"), std::string::npos) << other.error().context;
  EXPECT_NE(other.error().context.find("'example.org'"), std::string::npos) << other.error().context;
}

TEST(SqliteStore, UsersRoundTripWithoutPasswords) {
  TempDir tmp;
  auto st = open_data_dir(tmp.path(), {.realm = std::nullopt, .create = true});
  ASSERT_TRUE(st);
  Store& s = **st;
  UserPolicy p;
  p.srtp = negotiation::SrtpMode::offer;
  p.suites = {srtp::SuiteId::AEAD_AES_256_GCM};
  p.transports = *parse_transport_list("tls,udp");
  const auto alice = make_user("alice", s.info().realm, "correct horse", p, 1000);
  ASSERT_TRUE(s.add_user(alice));
  ASSERT_TRUE(s.add_user(make_user("bob", s.info().realm, "battery staple", {}, 1001)));
  auto dup = s.add_user(make_user("alice", s.info().realm, "x", {}, 1002));
  ASSERT_FALSE(dup);
  EXPECT_EQ(dup.error().code, Errc::invalid_state);
  EXPECT_NE(dup.error().context.find("already exists"), std::string::npos);
  EXPECT_FALSE(s.add_user(make_user("bad name", s.info().realm, "x", {}, 1)));

  auto found = s.find_user("alice");
  ASSERT_TRUE(found);
  ASSERT_TRUE(found->has_value());
  EXPECT_EQ(**found, alice);
  auto none = s.find_user("carol");
  ASSERT_TRUE(none);
  EXPECT_FALSE(none->has_value());

  auto all = s.list_users();
  ASSERT_TRUE(all);
  ASSERT_EQ(all->size(), 2u);
  EXPECT_EQ((*all)[0].name, "alice");
  EXPECT_EQ((*all)[1].name, "bob");
  EXPECT_EQ((*all)[1].policy, UserPolicy{});

  // The password itself is nowhere in the file.
  std::ifstream f(tmp.path() / "sotto.db", std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  std::ifstream w(tmp.path() / "sotto.db-wal", std::ios::binary);
  bytes.append((std::istreambuf_iterator<char>(w)), std::istreambuf_iterator<char>());
  EXPECT_EQ(bytes.find("correct horse"), std::string::npos);
  EXPECT_NE(bytes.find(alice.credentials.ha1_sha256), std::string::npos);

  const auto next = digest_credentials("alice", s.info().realm, "new one");
  auto changed = s.set_credentials("alice", next, 2000);
  ASSERT_TRUE(changed);
  EXPECT_TRUE(*changed);
  EXPECT_EQ((*s.find_user("alice"))->credentials, next);
  EXPECT_EQ((*s.find_user("alice"))->updated_unix, 2000);
  EXPECT_FALSE(*s.set_credentials("carol", next, 2000));

  EXPECT_TRUE(*s.remove_user("bob"));
  EXPECT_FALSE(*s.remove_user("bob"));
  EXPECT_EQ(s.list_users()->size(), 1u);
}

TEST(SqliteStore, SurvivesReopenAndUsesWal) {
  TempDir tmp;
  {
    auto st = open_data_dir(tmp.path(), {.realm = std::nullopt, .create = true});
    ASSERT_TRUE(st);
    ASSERT_TRUE((*st)->add_user(make_user("alice", "sotto", "pw", {}, 1)));
  }
  auto st = open_data_dir(tmp.path(), {.realm = std::nullopt, .create = false});
  ASSERT_TRUE(st);
  EXPECT_EQ((*st)->list_users()->size(), 1u);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open_v2((tmp.path() / "sotto.db").c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  ASSERT_EQ(sqlite3_prepare_v2(db, "PRAGMA journal_mode", -1, &s, nullptr), SQLITE_OK);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)), "wal");
  sqlite3_finalize(s);
  sqlite3_close(db);
}

TEST(SqliteStore, TwoOpenStoresSeeEachOthersCommits) {
  // The server and `sotto user add` run at once: a commit of one is visible to the other at once.
  TempDir tmp;
  auto a = open_data_dir(tmp.path(), {.realm = std::nullopt, .create = true});
  auto b = open_data_dir(tmp.path(), {.realm = std::nullopt, .create = true});
  ASSERT_TRUE(a && b);
  ASSERT_TRUE((*a)->add_user(make_user("alice", "sotto", "pw", {}, 1)));
  auto seen = (*b)->find_user("alice");
  ASSERT_TRUE(seen);
  EXPECT_TRUE(seen->has_value());
  ASSERT_TRUE(*(*b)->remove_user("alice"));
  EXPECT_FALSE((*(*a)->find_user("alice")).has_value());
  auto dup = (*b)->add_user(make_user("bob", "sotto", "pw", {}, 1));
  ASSERT_TRUE(dup);
  EXPECT_FALSE((*a)->add_user(make_user("bob", "sotto", "other", {}, 2)));
}

TEST(SqliteStore, NewerSchemaAndForeignDatabasesAreRefused) {
  TempDir tmp;
  {
    auto st = open_data_dir(tmp.path(), {.realm = std::nullopt, .create = true});
    ASSERT_TRUE(st);
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((tmp.path() / "sotto.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE meta SET value = '99' WHERE key = 'schema_version'", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto newer = open_data_dir(tmp.path(), {.realm = std::nullopt, .create = false});
  ASSERT_FALSE(newer);
  EXPECT_EQ(newer.error().code, Errc::unsupported);
  EXPECT_NE(newer.error().context.find("schema version 99"), std::string::npos);

  TempDir other;
  ASSERT_EQ(sqlite3_open((other.path() / "sotto.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "CREATE TABLE t(x)", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto foreign = open_data_dir(other.path(), {.realm = std::nullopt, .create = false});
  ASSERT_FALSE(foreign);
  EXPECT_NE(foreign.error().context.find("not a sotto one"), std::string::npos);

  TempDir junk;
  std::ofstream(junk.path() / "sotto.db") << std::string(4096, 'j');
  auto garbage = open_data_dir(junk.path(), {.realm = std::nullopt, .create = false});
  ASSERT_FALSE(garbage);
  EXPECT_NE(garbage.error().context.find("sotto.db"), std::string::npos);
}

TEST(SqliteStore, CorruptPolicyRowIsReportedNotTrusted) {
  TempDir tmp;
  {
    auto st = open_data_dir(tmp.path(), {.realm = std::nullopt, .create = true});
    ASSERT_TRUE((*st)->add_user(make_user("alice", "sotto", "pw", {}, 1)));
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((tmp.path() / "sotto.db").c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE users SET suites = 'BOGUS'", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  auto st = open_data_dir(tmp.path(), {.realm = std::nullopt, .create = false});
  ASSERT_TRUE(st);
  auto u = (*st)->find_user("alice");
  ASSERT_FALSE(u);
  EXPECT_NE(u.error().context.find("user 'alice'"), std::string::npos);
}

}  // namespace
}  // namespace sotto::store
