// The Store in SQLite. Every statement is prepared with bound parameters (no SQL built from user text).
// Durability: WAL with synchronous=FULL, so a commit is on disk when the call returns (docs/SERVER.md says
// why FULL rather than NORMAL).

#include "store/sqlite_store.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "store/sqlite_store_impl.hpp"

namespace sotto::store {
namespace {

constexpr int kBusyTimeoutMs = 5000;

using detail::DbPtr;
using detail::SqliteStore;

constexpr const char* kSchemaV1 = R"sql(
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
)sql";

// Version 2: registrar bindings and call records (docs/SERVER.md "Database", docs/RECORDS.md). Text
// columns hold the records' own spellings ("TLS", "no-answer", "secure"), so the file reads well in
// sqlite3 and a bad hand edit is refused by the CHECKs.
constexpr const char* kSchemaV2 = R"sql(
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
)sql";

// Version 3: why a call ended (calls.end_reason), and legs of parties that joined by a transfer
// (call_legs.side 'transfer-target'). SQLite cannot change a CHECK in place, so call_legs is rebuilt as its
// documentation says (create the new table, copy, drop the old, rename), keeping every row. Nothing refers
// to call_legs, so dropping it touches no other table. A new database runs the same statements after
// kSchemaV2, so a new and an upgraded file have the same schema.
constexpr const char* kUpgradeV3 = R"sql(
ALTER TABLE calls ADD COLUMN end_reason TEXT NOT NULL DEFAULT '';
CREATE TABLE call_legs_v3 (
  call              INTEGER NOT NULL REFERENCES calls(id) ON DELETE CASCADE,
  ordinal           INTEGER NOT NULL,
  side              TEXT NOT NULL CHECK (side IN ('caller', 'callee', 'transfer-target')),
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
INSERT INTO call_legs_v3(call, ordinal, side, peer, address, transport, tls_version, tls_cipher, peer_certificate,
                         media, srtp_suite, packets_in, packets_out, auth_failures, packets_lost)
  SELECT call, ordinal, side, peer, address, transport, tls_version, tls_cipher, peer_certificate,
         media, srtp_suite, packets_in, packets_out, auth_failures, packets_lost FROM call_legs;
DROP TABLE call_legs;
ALTER TABLE call_legs_v3 RENAME TO call_legs;
)sql";

// The oldest version a read-only open can read (calls and bindings exist from version 2 on).
constexpr int kOldestReadable = 2;

}  // namespace

namespace detail {

// Upgrades from `from_version` to kSchemaVersion inside the transaction init() holds, so an upgrade
// interrupted by a crash leaves the old version intact.
Status SqliteStore::migrate(int from_version) {
  if (from_version < 2) {
    if (auto st = exec(kSchemaV2); !st) return st;
  }
  if (from_version < 3) {
    if (auto st = exec(kUpgradeV3); !st) return st;
  }
  auto up = prepare("UPDATE meta SET value = ?1 WHERE key = 'schema_version'");
  if (!up) return Unexpected(up.error());
  bind_text(up->get(), 1, std::to_string(kSchemaVersion));
  if (sqlite3_step(up->get()) != SQLITE_DONE) return db_fail("upgrading the schema");
  return {};
}

Result<std::optional<std::string>> SqliteStore::meta_value(std::string_view key) {
  auto st = prepare("SELECT value FROM meta WHERE key = ?1");
  if (!st) return Unexpected(st.error());
  bind_text(st->get(), 1, key);
  const int rc = sqlite3_step(st->get());
  if (rc == SQLITE_ROW) return std::optional<std::string>(column_text(st->get(), 0));
  if (rc == SQLITE_DONE) return std::optional<std::string>();
  return db_fail("reading meta");
}

Status SqliteStore::init(const OpenOptions& options) {
  sqlite3_busy_timeout(db_.get(), kBusyTimeoutMs);
  // journal_mode answers with the mode it got: "wal" unless the file system cannot do it.
  {
    auto st = prepare("PRAGMA journal_mode=WAL");
    if (!st) return Unexpected(st.error());
    if (sqlite3_step(st->get()) != SQLITE_ROW) return db_fail("PRAGMA journal_mode");
    if (column_text(st->get(), 0) != "wal") {
      return fail(Errc::io_error, path_ + ": cannot use write-ahead logging (journal_mode is " +
                                      column_text(st->get(), 0) + ")");
    }
  }
  if (auto st = exec("PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;"); !st) return st;

  if (auto st = exec("BEGIN IMMEDIATE"); !st) return st;
  auto rollback = [this](Error e) {
    (void)exec("ROLLBACK");
    return Unexpected<Error>(std::move(e));
  };
  auto tables = prepare("SELECT count(*), sum(name = 'meta') FROM sqlite_master WHERE type = 'table'");
  if (!tables) return rollback(tables.error());
  if (sqlite3_step(tables->get()) != SQLITE_ROW) return rollback(db_fail("reading the schema").error);
  const int n_tables = sqlite3_column_int(tables->get(), 0);
  const int has_meta = sqlite3_column_int(tables->get(), 1);
  tables->reset();

  if (n_tables == 0) {
    // A new database (or one whose creation never committed).
    const std::string realm = options.realm.value_or(std::string(kDefaultRealm));
    if (auto v = validate_realm(realm); !v) return rollback(v.error());
    if (auto st = exec(kSchemaV1); !st) return rollback(st.error());
    if (auto st = exec(kSchemaV2); !st) return rollback(st.error());
    if (auto st = exec(kUpgradeV3); !st) return rollback(st.error());
    auto ins = prepare("INSERT INTO meta(key, value) VALUES ('schema_version', ?1), ('realm', ?2)");
    if (!ins) return rollback(ins.error());
    bind_text(ins->get(), 1, std::to_string(kSchemaVersion));
    bind_text(ins->get(), 2, realm);
    if (sqlite3_step(ins->get()) != SQLITE_DONE) return rollback(db_fail("writing meta").error);
  } else if (has_meta == 0) {
    return rollback(Error{Errc::malformed_input, path_ + " is an SQLite database but not a sotto one (no meta table)"});
  }

  auto stored = read_meta();
  if (!stored) return rollback(stored.error());
  auto& [v, realm] = *stored;
  if (v < kSchemaVersion) {
    if (auto st = migrate(v); !st) return rollback(st.error());
    v = kSchemaVersion;
  }
  if (options.realm && *options.realm != realm) {
    return rollback(Error{Errc::invalid_argument, "--realm " + *options.realm + " differs from realm '" + realm +
                                                      "' fixed when " + path_ +
                                                      " was created (stored digests are only valid for that "
                                                      "realm; leave --realm out or use a new --data-dir)"});
  }
  if (auto st = exec("COMMIT"); !st) return rollback(st.error());
  info_ = StoreInfo{v, realm};
  return {};
}

Result<std::pair<int, std::string>> SqliteStore::read_meta() {
  auto version = meta_value("schema_version");
  if (!version) return Unexpected(version.error());
  auto realm = meta_value("realm");
  if (!realm) return Unexpected(realm.error());
  if (!*version || !*realm) return fail(Errc::malformed_input, path_ + ": meta table lacks schema_version or realm");
  int v = 0;
  for (char c : **version) {
    if (c < '0' || c > '9' || v > 100000) {
      return fail(Errc::malformed_input, path_ + ": schema_version '" + **version + "' is not a number");
    }
    v = v * 10 + (c - '0');
  }
  if (v > kSchemaVersion) {
    return fail(Errc::unsupported, path_ + ": schema version " + std::to_string(v) +
                                       " is newer than this sotto understands (" + std::to_string(kSchemaVersion) +
                                       "); use a newer sotto");
  }
  if (v < 1) return fail(Errc::malformed_input, path_ + ": schema_version " + **version + " is invalid");
  return std::pair<int, std::string>(v, std::move(**realm));
}

// Read-only: no pragma that writes, no transaction that could upgrade. An older schema than this build's is
// read as it is (list_calls knows which columns version 2 lacks).
Status SqliteStore::init_read_only(const OpenOptions& options) {
  sqlite3_busy_timeout(db_.get(), kBusyTimeoutMs);
  if (auto st = exec("PRAGMA query_only=ON;"); !st) return st;
  auto tables = prepare("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'");
  if (!tables) return Unexpected(tables.error());
  if (sqlite3_step(tables->get()) != SQLITE_ROW) return db_fail("reading the schema");
  if (sqlite3_column_int(tables->get(), 0) == 0) {
    return fail(Errc::malformed_input, path_ + " is not a sotto database (no meta table)");
  }
  tables->reset();
  auto stored = read_meta();
  if (!stored) return Unexpected(stored.error());
  auto& [v, realm] = *stored;
  if (v < kOldestReadable) {
    return fail(Errc::unsupported, path_ + ": schema version " + std::to_string(v) +
                                       " holds no calls or registrations yet; `sotto serve` (or any command that "
                                       "writes, such as `sotto user list`) upgrades it to version " +
                                       std::to_string(kSchemaVersion));
  }
  if (options.realm && *options.realm != realm) {
    return fail(Errc::invalid_argument, "--realm " + *options.realm + " differs from realm '" + realm + "' of " + path_);
  }
  info_ = StoreInfo{v, realm};
  return {};
}

Result<UserRecord> SqliteStore::read_user(sqlite3_stmt* s) const {
  UserRecord u;
  u.name = column_text(s, 0);
  u.credentials.ha1_md5 = column_text(s, 1);
  u.credentials.ha1_sha256 = column_text(s, 2);
  auto bad = [&](const Error& e) {
    return fail(Errc::malformed_input, path_ + ": user '" + u.name + "': stored " + e.context);
  };
  auto mode = parse_srtp_mode(column_text(s, 3));
  if (!mode) return bad(mode.error());
  auto suites = parse_suite_list(column_text(s, 4));
  if (!suites) return bad(suites.error());
  auto transports = parse_transport_list(column_text(s, 5));
  if (!transports) return bad(transports.error());
  u.policy = UserPolicy{*mode, std::move(*suites), *transports};
  u.created_unix = sqlite3_column_int64(s, 6);
  u.updated_unix = sqlite3_column_int64(s, 7);
  return u;
}

Status SqliteStore::add_user(const UserRecord& user) {
  if (auto v = validate_user_name(user.name); !v) return v;
  auto st = prepare(
      "INSERT INTO users(name, ha1_md5, ha1_sha256, srtp, suites, transports, created_at, updated_at) "
      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
  if (!st) return Unexpected(st.error());
  sqlite3_stmt* s = st->get();
  bind_text(s, 1, user.name);
  bind_text(s, 2, user.credentials.ha1_md5);
  bind_text(s, 3, user.credentials.ha1_sha256);
  bind_text(s, 4, negotiation::to_string(user.policy.srtp));
  bind_text(s, 5, format_suite_list(user.policy.suites));
  bind_text(s, 6, format_transport_list(user.policy.transports));
  sqlite3_bind_int64(s, 7, user.created_unix);
  sqlite3_bind_int64(s, 8, user.updated_unix);
  const int rc = sqlite3_step(s);
  if (rc == SQLITE_CONSTRAINT) {
    return fail(Errc::invalid_state, "user '" + user.name + "' already exists");
  }
  if (rc != SQLITE_DONE) return db_fail("adding user '" + user.name + "'");
  return {};
}

Result<std::optional<UserRecord>> SqliteStore::find_user(std::string_view name) {
  auto st = prepare(
      "SELECT name, ha1_md5, ha1_sha256, srtp, suites, transports, created_at, updated_at FROM users "
      "WHERE name = ?1");
  if (!st) return Unexpected(st.error());
  bind_text(st->get(), 1, name);
  const int rc = sqlite3_step(st->get());
  if (rc == SQLITE_DONE) return std::optional<UserRecord>();
  if (rc != SQLITE_ROW) return db_fail("reading user");
  auto u = read_user(st->get());
  if (!u) return Unexpected(u.error());
  return std::optional<UserRecord>(std::move(*u));
}

Result<std::vector<UserRecord>> SqliteStore::list_users() {
  auto st = prepare(
      "SELECT name, ha1_md5, ha1_sha256, srtp, suites, transports, created_at, updated_at FROM users "
      "ORDER BY name");
  if (!st) return Unexpected(st.error());
  std::vector<UserRecord> out;
  while (true) {
    const int rc = sqlite3_step(st->get());
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) return db_fail("listing users");
    auto u = read_user(st->get());
    if (!u) return Unexpected(u.error());
    out.push_back(std::move(*u));
  }
  return out;
}

Result<bool> SqliteStore::remove_user(std::string_view name) {
  auto st = prepare("DELETE FROM users WHERE name = ?1");
  if (!st) return Unexpected(st.error());
  bind_text(st->get(), 1, name);
  if (sqlite3_step(st->get()) != SQLITE_DONE) return db_fail("removing user");
  return sqlite3_changes(db_.get()) > 0;
}

Result<bool> SqliteStore::set_credentials(std::string_view name, const Credentials& credentials,
                                          std::int64_t now_unix) {
  auto st = prepare("UPDATE users SET ha1_md5 = ?2, ha1_sha256 = ?3, updated_at = ?4 WHERE name = ?1");
  if (!st) return Unexpected(st.error());
  bind_text(st->get(), 1, name);
  bind_text(st->get(), 2, credentials.ha1_md5);
  bind_text(st->get(), 3, credentials.ha1_sha256);
  sqlite3_bind_int64(st->get(), 4, now_unix);
  if (sqlite3_step(st->get()) != SQLITE_DONE) return db_fail("updating credentials");
  return sqlite3_changes(db_.get()) > 0;
}

}  // namespace detail

Result<std::unique_ptr<Store>> open_sqlite_store(const std::filesystem::path& file, const OpenOptions& options) {
  const std::string path = file.string();
  if (options.realm) {
    if (auto v = validate_realm(*options.realm); !v) return Unexpected(v.error());
  }
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
    if (options.read_only) {
      return fail(Errc::not_found, "no database at " + path + " (`sotto serve` or `sotto user add` creates it)");
    }
    if (!options.create) {
      return fail(Errc::not_found, "no database at " + path + " (create it with `sotto user add` or `sotto ca init`)");
    }
    // Created here with mode 0600, so SQLite (which copies it to -wal and -shm) never makes it world-readable.
    const int fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0 && errno != EEXIST) {
      return fail(Errc::io_error, "cannot create " + path + ": " + std::strerror(errno));
    }
    if (fd >= 0) ::close(fd);
  }
  sqlite3* raw = nullptr;
  const int flags = (options.read_only ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_FULLMUTEX;
  const int rc = sqlite3_open_v2(path.c_str(), &raw, flags, nullptr);
  DbPtr db(raw);
  if (rc != SQLITE_OK) {
    return fail(Errc::io_error, "cannot open " + path + ": " + (db ? sqlite3_errmsg(db.get()) : sqlite3_errstr(rc)));
  }
  sqlite3_extended_result_codes(db.get(), 0);
  auto store = std::make_unique<SqliteStore>(std::move(db), path);
  if (auto st = options.read_only ? store->init_read_only(options) : store->init(options); !st) {
    return Unexpected(st.error());
  }
  return std::unique_ptr<Store>(std::move(store));
}

UserRecord make_user(std::string_view name, std::string_view realm, std::string_view password, UserPolicy policy,
                     std::int64_t now_unix) {
  return UserRecord{std::string(name), digest_credentials(name, realm, password), std::move(policy), now_unix,
                    now_unix};
}

}  // namespace sotto::store
