#pragma once
// Test-only: what the store's tests share: a temporary directory, raw SQL on a database file (to build
// fixtures of older schema versions and to look behind the Store API), and typical records.
//
//   TempDir tmp;  write_v1(tmp.path());                    // a version 1 data directory
//   auto st = open_new(tmp);  st->add_call(call("c1", 1000));
//   EXPECT_EQ(sql_value(tmp.path() / "sotto.db", "SELECT count(*) FROM call_legs"), "2");

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "store/data_dir.hpp"
#include "store/verdict.hpp"

namespace sotto::store::testing {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "sotto-records-test-XXXXXX").string();
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

inline void sql(const fs::path& db_file, const char* statements) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_file.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  const int rc = sqlite3_exec(db, statements, nullptr, nullptr, &err);
  EXPECT_EQ(rc, SQLITE_OK) << (err ? err : "");
  sqlite3_free(err);
  sqlite3_close(db);
}

// "" when the statements ran, else SQLite's message (for statements a CHECK must refuse).
inline std::string sql_error(const fs::path& db_file, const char* statements) {
  sqlite3* db = nullptr;
  if (sqlite3_open(db_file.c_str(), &db) != SQLITE_OK) return "cannot open";
  char* err = nullptr;
  std::string out;
  if (sqlite3_exec(db, statements, nullptr, nullptr, &err) != SQLITE_OK) out = err ? err : "error";
  sqlite3_free(err);
  sqlite3_close(db);
  return out;
}

inline std::string sql_value(const fs::path& db_file, const char* query) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db_file.c_str(), &db, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  std::string out = "<error>";
  if (sqlite3_prepare_v2(db, query, -1, &s, nullptr) == SQLITE_OK && sqlite3_step(s) == SQLITE_ROW) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, 0));
    out = p ? p : "<null>";
  }
  sqlite3_finalize(s);
  sqlite3_close(db);
  return out;
}

// A version 1 data directory exactly as the version 1 code wrote it (schema text copied from that code).
inline void write_v1(const fs::path& dir) {
  fs::create_directories(dir);
  sql(dir / "sotto.db", R"sql(
PRAGMA journal_mode=WAL;
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE users (
  name        TEXT PRIMARY KEY,
  ha1_md5     TEXT NOT NULL,
  ha1_sha256  TEXT NOT NULL,
  srtp        TEXT NOT NULL CHECK (srtp IN ('off', 'offer', 'require')),
  suites      TEXT NOT NULL,
  transports  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);
INSERT INTO meta(key, value) VALUES ('schema_version', '1'), ('realm', 'example.org');
INSERT INTO users VALUES ('alice', '00112233445566778899aabbccddeeff',
  '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff', 'require', 'AES_CM_128_HMAC_SHA1_80',
  'tls,udp', 100, 200);
)sql");
}

// A version 2 data directory as the version 2 code wrote it: its schema text (copied from that code, both
// versions' statements as a new database ran them) and rows as its Store wrote them: two users, a binding,
// three calls (v2-secure: two TLS + SRTP legs and counters; v2-busy: UDP legs without media, no answer, a
// reason with a newline; v2-empty: no legs).
inline void write_v2(const fs::path& dir) {
  fs::create_directories(dir);
  sql(dir / "sotto.db", R"sql(
PRAGMA journal_mode=WAL;
PRAGMA foreign_keys=ON;
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
) WITHOUT ROWID;
CREATE TABLE users (
  name        TEXT PRIMARY KEY,
  ha1_md5     TEXT NOT NULL,
  ha1_sha256  TEXT NOT NULL,
  srtp        TEXT NOT NULL CHECK (srtp IN ('off', 'offer', 'require')),
  suites      TEXT NOT NULL,
  transports  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL
);

CREATE TABLE bindings (
  user          TEXT NOT NULL REFERENCES users(name) ON DELETE CASCADE,
  binding_key   TEXT NOT NULL,
  contact       TEXT NOT NULL,
  instance      TEXT NOT NULL,
  reg_id        INTEGER NOT NULL,
  transport     TEXT NOT NULL CHECK (transport IN ('TLS', 'TCP', 'UDP')),
  source_ip     TEXT NOT NULL,
  source_port   INTEGER NOT NULL,
  call_id       TEXT NOT NULL,
  cseq          INTEGER NOT NULL,
  expires_unix  INTEGER NOT NULL,
  pub_gruu      TEXT NOT NULL,
  outbound      INTEGER NOT NULL CHECK (outbound IN (0, 1)),
  flow          TEXT NOT NULL,
  updated_at    INTEGER NOT NULL,
  PRIMARY KEY (user, binding_key)
);
CREATE INDEX bindings_by_expiry ON bindings(expires_unix);
CREATE TABLE calls (
  id            INTEGER PRIMARY KEY,
  call_id       TEXT NOT NULL,
  from_uri      TEXT NOT NULL,
  to_uri        TEXT NOT NULL,
  started_ms    INTEGER NOT NULL,
  answered_ms   INTEGER,
  ended_ms      INTEGER NOT NULL,
  result        TEXT NOT NULL CHECK (result IN ('answered', 'busy', 'no-answer', 'rejected', 'cancelled', 'failed')),
  status        INTEGER NOT NULL,
  verdict       TEXT NOT NULL CHECK (verdict IN ('secure', 'partial', 'insecure')),
  reasons       TEXT NOT NULL
);
CREATE INDEX calls_by_start ON calls(started_ms);
CREATE TABLE call_legs (
  call              INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
  ordinal           INTEGER NOT NULL,
  side              TEXT NOT NULL CHECK (side IN ('caller', 'callee')),
  peer              TEXT NOT NULL,
  address           TEXT NOT NULL,
  transport         TEXT NOT NULL CHECK (transport IN ('TLS', 'TCP', 'UDP')),
  tls_version       TEXT NOT NULL,
  tls_cipher        TEXT NOT NULL,
  peer_certificate  TEXT NOT NULL,
  media             INTEGER NOT NULL CHECK (media IN (0, 1)),
  srtp_suite        TEXT,
  packets_in        INTEGER NOT NULL,
  packets_out       INTEGER NOT NULL,
  auth_failures     INTEGER NOT NULL,
  packets_lost      INTEGER NOT NULL,
  PRIMARY KEY (call, ordinal)
) WITHOUT ROWID;
INSERT INTO meta(key, value) VALUES ('schema_version', '2'), ('realm', 'example.org');
INSERT INTO users VALUES ('alice', '00112233445566778899aabbccddeeff',
  '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff', 'require', 'AES_CM_128_HMAC_SHA1_80',
  'tls,udp', 100, 200);
INSERT INTO users VALUES ('bob', 'ffeeddccbbaa99887766554433221100',
  'ffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100', 'offer', 'AES_CM_128_HMAC_SHA1_80',
  'tls,tcp,udp', 100, 100);
INSERT INTO bindings VALUES ('alice', 'contact:sips:alice@127.0.0.1:40312', 'sips:alice@127.0.0.1:40312', '', 0, 'TLS',
  '127.0.0.1', 40312, 'reg-1@127.0.0.1', 7, 5000, '', 0, 'tls 127.0.0.1:40312', 1000);
INSERT INTO calls VALUES (1, 'v2-secure@127.0.0.1', 'sips:alice@localhost', 'sips:bob@localhost', 1000000, 1001500,
  1010000, 'answered', 200, 'secure', '');
INSERT INTO call_legs VALUES (1, 0, 'caller', 'alice', '127.0.0.1:40312', 'TLS', 'TLSv1.3', 'TLS_AES_256_GCM_SHA384',
  '', 1, 'AES_CM_128_HMAC_SHA1_80', 1099511627779, 251, 17, 2);
INSERT INTO call_legs VALUES (1, 1, 'callee', 'bob', '127.0.0.1:40400', 'TLS', 'TLSv1.3', 'TLS_AES_256_GCM_SHA384',
  'CN=bob', 1, 'AEAD_AES_128_GCM', 250, 251, 0, 0);
INSERT INTO calls VALUES (2, 'v2-busy@127.0.0.1', 'sips:alice@localhost', 'sips:bob@localhost', 2000000, NULL,
  2004000, 'busy', 486, 'insecure', 'sip-cleartext: caller leg (alice 127.0.0.1:5070) signalled over UDP
sip-cleartext: callee leg (bob [::1]:5062) with a\nbreak');
INSERT INTO call_legs VALUES (2, 0, 'caller', 'alice', '127.0.0.1:5070', 'UDP', '', '', '', 0, NULL, 0, 0, 0, 0);
INSERT INTO call_legs VALUES (2, 1, 'callee', 'bob', '[::1]:5062', 'UDP', '', '', '', 0, NULL, 0, 0, 0, 0);
INSERT INTO calls VALUES (3, 'v2-empty@127.0.0.1', 'sips:alice@localhost', 'sips:bob@localhost', 3000000, NULL,
  3000000, 'failed', 0, 'insecure', 'no-legs: the record holds no leg, so nothing about its security is known');
)sql");
}

inline std::unique_ptr<Store> open_new(const TempDir& tmp) {
  auto st = open_data_dir(tmp.path(), {.realm = std::nullopt, .create = true});
  EXPECT_TRUE(st) << st.error().message();
  return st ? std::move(*st) : nullptr;
}

inline BindingRecord binding(std::string user, std::string contact, std::int64_t expires) {
  BindingRecord b;
  b.user = std::move(user);
  b.contact = std::move(contact);
  b.transport = Transport::tls;
  b.source_ip = "127.0.0.1";
  b.source_port = 40312;
  b.call_id = "reg-1@127.0.0.1";
  b.cseq = 7;
  b.expires_unix = expires;
  b.flow = "tls 127.0.0.1:40312";
  b.updated_unix = 1000;
  return b;
}

inline LegRecord tls_srtp_leg(LegSide side, std::string peer) {
  LegRecord l;
  l.side = side;
  l.peer = std::move(peer);
  l.address = "127.0.0.1:40312";
  l.transport = Transport::tls;
  l.tls_version = "TLSv1.3";
  l.tls_cipher = "TLS_AES_256_GCM_SHA384";
  l.srtp_suite = "AES_CM_128_HMAC_SHA1_80";
  l.packets_in = 250;
  l.packets_out = 251;
  return l;
}

inline CallRecord call(std::string id, std::int64_t started_ms) {
  CallRecord c;
  c.call_id = std::move(id);
  c.from = "sips:alice@localhost";
  c.to = "sips:bob@localhost";
  c.started_unix_ms = started_ms;
  c.answered_unix_ms = started_ms + 1500;
  c.ended_unix_ms = started_ms + 10'000;
  c.result = CallResult::answered;
  c.status = 200;
  c.legs = {tls_srtp_leg(LegSide::caller, "alice"), tls_srtp_leg(LegSide::callee, "bob")};
  apply_judgement(c);
  return c;
}

// The calls write_v2 holds, as list_calls returns them (end_reason empty: version 2 had none).
inline std::vector<CallRecord> v2_calls() {
  CallRecord secure;
  secure.call_id = "v2-secure@127.0.0.1";
  secure.from = "sips:alice@localhost";
  secure.to = "sips:bob@localhost";
  secure.started_unix_ms = 1'000'000;
  secure.answered_unix_ms = 1'001'500;
  secure.ended_unix_ms = 1'010'000;
  secure.result = CallResult::answered;
  secure.status = 200;
  secure.verdict = Verdict::secure;
  secure.legs = {tls_srtp_leg(LegSide::caller, "alice"), tls_srtp_leg(LegSide::callee, "bob")};
  secure.legs[0].packets_in = (1ull << 40) + 3;
  secure.legs[0].auth_failures = 17;
  secure.legs[0].packets_lost = 2;
  secure.legs[1].address = "127.0.0.1:40400";
  secure.legs[1].peer_certificate = "CN=bob";
  secure.legs[1].srtp_suite = "AEAD_AES_128_GCM";
  secure.legs[1].packets_in = 250;
  CallRecord busy = secure;
  busy.call_id = "v2-busy@127.0.0.1";
  busy.started_unix_ms = 2'000'000;
  busy.answered_unix_ms = std::nullopt;
  busy.ended_unix_ms = 2'004'000;
  busy.result = CallResult::busy;
  busy.status = 486;
  busy.verdict = Verdict::insecure;
  busy.reasons = {"sip-cleartext: caller leg (alice 127.0.0.1:5070) signalled over UDP",
                  "sip-cleartext: callee leg (bob [::1]:5062) with a\nbreak"};
  for (LegRecord& l : busy.legs) {
    l = LegRecord{};
    l.transport = Transport::udp;
    l.media = false;
  }
  busy.legs[1].side = LegSide::callee;
  busy.legs[0].peer = "alice";
  busy.legs[0].address = "127.0.0.1:5070";
  busy.legs[1].peer = "bob";
  busy.legs[1].address = "[::1]:5062";
  CallRecord empty = busy;
  empty.call_id = "v2-empty@127.0.0.1";
  empty.started_unix_ms = 3'000'000;
  empty.ended_unix_ms = 3'000'000;
  empty.result = CallResult::failed;
  empty.status = 0;
  empty.reasons = {"no-legs: the record holds no leg, so nothing about its security is known"};
  empty.legs.clear();
  return {secure, busy, empty};
}

}  // namespace sotto::store::testing
