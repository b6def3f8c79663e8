#pragma once
// SqliteStore's declaration, shared by its source files (sqlite_store.cpp: opening, schema and users;
// sqlite_records.cpp: bindings and calls). Not for use outside src/store: use open_sqlite_store.
//
//   auto st = std::make_unique<SqliteStore>(std::move(db), path);
//   if (auto ok = st->init(options); !ok) return Unexpected(ok.error());
//   return std::unique_ptr<Store>(std::move(st));

#include <sqlite3.h>

#include <memory>
#include <string>
#include <utility>

#include "store/store.hpp"

namespace sotto::store::detail {

struct DbCloser {
  void operator()(sqlite3* db) const noexcept { sqlite3_close_v2(db); }
};
struct StmtFinalizer {
  void operator()(sqlite3_stmt* s) const noexcept { sqlite3_finalize(s); }
};
using DbPtr = std::unique_ptr<sqlite3, DbCloser>;
using StmtPtr = std::unique_ptr<sqlite3_stmt, StmtFinalizer>;

class SqliteStore final : public Store {
 public:
  SqliteStore(DbPtr db, std::string path) : db_(std::move(db)), path_(std::move(path)) {}

  Status init(const OpenOptions& options);
  Status init_read_only(const OpenOptions& options);  // OpenOptions::read_only

  const StoreInfo& info() const override { return info_; }
  Status add_user(const UserRecord& user) override;
  Result<std::optional<UserRecord>> find_user(std::string_view name) override;
  Result<std::vector<UserRecord>> list_users() override;
  Result<bool> remove_user(std::string_view name) override;
  Result<bool> set_credentials(std::string_view name, const Credentials& credentials, std::int64_t now_unix) override;

  Status put_binding(const BindingRecord& binding) override;
  Status put_bindings(const std::vector<BindingRecord>& bindings) override;
  Result<bool> remove_binding(const BindingRecord& binding) override;
  Result<std::vector<BindingRecord>> list_bindings(std::int64_t now_unix) override;
  Result<std::size_t> remove_expired(std::int64_t now_unix) override;

  Status add_call(const CallRecord& call) override;
  Result<std::vector<CallRecord>> list_calls(std::int64_t since_unix_ms) override;
  Result<std::size_t> prune_calls(std::int64_t before_unix_ms, std::size_t limit) override;
  std::vector<Status> apply(const std::vector<Write>& writes) override;

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
  Status migrate(int from_version);
  Result<std::pair<int, std::string>> read_meta();  // schema_version, realm
  Status write_binding(const BindingRecord& b);
  Result<bool> delete_binding(const BindingRecord& b);
  Status write_call(const CallRecord& c);
  Result<BindingRecord> read_binding(sqlite3_stmt* s) const;
  // Runs body inside BEGIN IMMEDIATE ... COMMIT, rolling back when it fails.
  template <class F>
  Status in_transaction(F&& body) {
    if (auto st = exec("BEGIN IMMEDIATE"); !st) return st;
    Status r = body();
    if (!r) {
      (void)exec("ROLLBACK");
      return r;
    }
    if (auto st = exec("COMMIT"); !st) {
      (void)exec("ROLLBACK");
      return st;
    }
    return {};
  }

  DbPtr db_;
  std::string path_;
  StoreInfo info_;
};

}  // namespace sotto::store::detail
