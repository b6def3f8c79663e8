// The Store in SQLite. Every statement is prepared with bound parameters (no SQL built from user text).
// Durability: WAL with synchronous=FULL, so a commit is on disk when the call returns (docs/SERVER.md says
// why FULL rather than NORMAL).

#include "store/sqlite_store.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace sotto::store {
namespace {

struct DbCloser {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
using DbPtr = std::unique_ptr<sqlite3, DbCloser>;
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

constexpr int kBusyTimeoutMs = 5000;

class SqliteStore final : public Store {
 public:
  SqliteStore(DbPtr db, std::string path) : db_(std::move(db)), path_(std::move(path)) {}

  Status init(const OpenOptions& options);

  const StoreInfo& info() const override { return info_; }
  Status add_user(const UserRecord& user) override;
  Result<std::optional<UserRecord>> find_user(std::string_view name) override;
  Result<std::vector<UserRecord>> list_users() override;
  Result<bool> remove_user(std::string_view name) override;
  Result<bool> set_credentials(std::string_view name, const Credentials& credentials, std::int64_t now_unix) override;

 private:
  Unexpected<Error> db_fail(std::string_view what) const {
    return fail(Errc::io_error, path_ + ": " + std::string(what) + ": " + sqlite3_errmsg(db_.get()));
  }
  Status exec(const char* sql) {
    char* err = nullptr;
    if (sqlite3_exec(db_.get(), sql, nullptr, nullptr, &err) != SQLITE_OK) {
      std::string msg = err != nullptr ? err : "unknown error";
      sqlite3_free(err);
      return fail(Errc::io_error, path_ + ": " + msg);
    }
    return {};
  }
  Result<StmtPtr> prepare(std::string_view sql) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v2(db_.get(), sql.data(), static_cast<int>(sql.size()), &s, nullptr) != SQLITE_OK) {
      return db_fail("prepare");
    }
    return StmtPtr(s);
  }
  static void bind_text(sqlite3_stmt* s, int i, std::string_view v) {
    sqlite3_bind_text(s, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
  }
  static std::string column_text(sqlite3_stmt* s, int i) {
    const auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, i));
    return p != nullptr ? std::string(p, static_cast<std::size_t>(sqlite3_column_bytes(s, i))) : std::string();
  }
  Result<UserRecord> read_user(sqlite3_stmt* s) const;
  Result<std::optional<std::string>> meta_value(std::string_view key);

  DbPtr db_;
  std::string path_;
  StoreInfo info_;
};

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
    auto ins = prepare("INSERT INTO meta(key, value) VALUES ('schema_version', ?1), ('realm', ?2)");
    if (!ins) return rollback(ins.error());
    bind_text(ins->get(), 1, std::to_string(kSchemaVersion));
    bind_text(ins->get(), 2, realm);
    if (sqlite3_step(ins->get()) != SQLITE_DONE) return rollback(db_fail("writing meta").error);
  } else if (has_meta == 0) {
    return rollback(Error{Errc::malformed_input, path_ + " is an SQLite database but not a sotto one (no meta table)"});
  }

  auto version = meta_value("schema_version");
  if (!version) return rollback(version.error());
  auto realm = meta_value("realm");
  if (!realm) return rollback(realm.error());
  if (!*version || !*realm) {
    return rollback(Error{Errc::malformed_input, path_ + ": meta table lacks schema_version or realm"});
  }
  int v = 0;
  for (char c : **version) {
    if (c < '0' || c > '9' || v > 100000) {
      return rollback(Error{Errc::malformed_input, path_ + ": schema_version '" + **version + "' is not a number"});
    }
    v = v * 10 + (c - '0');
  }
  if (v > kSchemaVersion) {
    return rollback(Error{Errc::unsupported, path_ + ": schema version " + std::to_string(v) +
                                                 " is newer than this sotto understands (" +
                                                 std::to_string(kSchemaVersion) + "); use a newer sotto"});
  }
  if (v < 1) return rollback(Error{Errc::malformed_input, path_ + ": schema_version " + **version + " is invalid"});
  if (options.realm && *options.realm != **realm) {
    return rollback(Error{Errc::invalid_argument, "--realm " + *options.realm + " differs from realm '" + **realm +
                                                      "' fixed when " + path_ +
                                                      " was created (stored digests are only valid for that "
                                                      "realm; leave --realm out or use a new --data-dir)"});
  }
  if (auto st = exec("COMMIT"); !st) return rollback(st.error());
  info_ = StoreInfo{v, **realm};
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

}  // namespace

Result<std::unique_ptr<Store>> open_sqlite_store(const std::filesystem::path& file, const OpenOptions& options) {
  const std::string path = file.string();
  if (options.realm) {
    if (auto v = validate_realm(*options.realm); !v) return Unexpected(v.error());
  }
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) {
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
  const int rc = sqlite3_open_v2(path.c_str(), &raw, SQLITE_OPEN_READWRITE | SQLITE_OPEN_FULLMUTEX, nullptr);
  DbPtr db(raw);
  if (rc != SQLITE_OK) {
    return fail(Errc::io_error, "cannot open " + path + ": " + (db ? sqlite3_errmsg(db.get()) : sqlite3_errstr(rc)));
  }
  sqlite3_extended_result_codes(db.get(), 0);
  auto store = std::make_unique<SqliteStore>(std::move(db), path);
  if (auto st = store->init(options); !st) return Unexpected(st.error());
  return std::unique_ptr<Store>(std::move(store));
}

UserRecord make_user(std::string_view name, std::string_view realm, std::string_view password, UserPolicy policy,
                     std::int64_t now_unix) {
  return UserRecord{std::string(name), digest_credentials(name, realm, password), std::move(policy), now_unix,
                    now_unix};
}

}  // namespace sotto::store
