#pragma once
// Store: the server's persistent state behind one small interface (accounts, registrar bindings, call
// records), so a PostgreSQL backend can sit beside the SQLite one. Every write is durable when it returns.
//
//   auto st = store::open_data_dir("./sotto-data", {.realm = std::nullopt, .create = true});
//   if (!st) die(st.error().message());
//   (*st)->add_user(store::make_user("alice", (*st)->info().realm, "secret", {}, now));

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "base/result.hpp"
#include "store/binding_record.hpp"
#include "store/call_record.hpp"
#include "store/user_policy.hpp"

namespace sotto::store {

// 1: meta, users. 2: + bindings, calls, call_legs. 3: + calls.end_reason, call_legs.side 'transfer-target'.
// An older database is upgraded when opened read-write (docs/SERVER.md "Database").
inline constexpr int kSchemaVersion = 3;
inline constexpr std::string_view kDefaultRealm = "sotto";

struct UserRecord {
  std::string name;
  Credentials credentials;  // never the password
  UserPolicy policy;
  std::int64_t created_unix = 0;
  std::int64_t updated_unix = 0;
  friend bool operator==(const UserRecord&, const UserRecord&) = default;
};

UserRecord make_user(std::string_view name, std::string_view realm, std::string_view password, UserPolicy policy,
                     std::int64_t now_unix);

// One write of a batch (Store::apply, CommitQueue).
struct PutBinding {
  BindingRecord binding;
};
struct RemoveBinding {
  BindingRecord binding;
};
struct AddCall {
  CallRecord call;
};
using Write = std::variant<PutBinding, RemoveBinding, AddCall>;

struct StoreInfo {
  int schema_version = 0;
  std::string realm;  // the digest realm, fixed when the store was created
};

class Store {
 public:
  virtual ~Store() = default;
  virtual const StoreInfo& info() const = 0;
  // Errc::invalid_state "user 'alice' already exists" when the name is taken.
  virtual Status add_user(const UserRecord& user) = 0;
  virtual Result<std::optional<UserRecord>> find_user(std::string_view name) = 0;
  virtual Result<std::vector<UserRecord>> list_users() = 0;  // by name
  // false when there was no such user.
  virtual Result<bool> remove_user(std::string_view name) = 0;
  virtual Result<bool> set_credentials(std::string_view name, const Credentials& credentials,
                                       std::int64_t now_unix) = 0;

  // Registrar bindings (binding_record.hpp). put_binding inserts, or replaces the binding with the same
  // binding_key(); Errc::invalid_state "no user 'alice'" when the account does not exist (removing an
  // account removes its bindings). put_bindings writes several in one transaction (one sync), for bursts.
  virtual Status put_binding(const BindingRecord& binding) = 0;
  virtual Status put_bindings(const std::vector<BindingRecord>& bindings) = 0;
  // By binding_key(); false when there was none.
  virtual Result<bool> remove_binding(const BindingRecord& binding) = 0;
  // Bindings with expires_unix > now_unix, by user, then contact.
  virtual Result<std::vector<BindingRecord>> list_bindings(std::int64_t now_unix) = 0;
  // Deletes bindings with expires_unix <= now_unix; how many.
  virtual Result<std::size_t> remove_expired(std::int64_t now_unix) = 0;

  // Call records (call_record.hpp): the call and its legs in one transaction. Errc::invalid_argument for
  // a record that cannot be stored (a leg side outside LegSide is impossible by type; an empty
  // call_id or a negative time is refused).
  virtual Status add_call(const CallRecord& call) = 0;
  // Calls with started_unix_ms >= since_unix_ms, oldest first (ties in the order they were added).
  virtual Result<std::vector<CallRecord>> list_calls(std::int64_t since_unix_ms) = 0;
  // Retention: deletes at most `limit` calls (oldest first, with their legs) that started before
  // before_unix_ms, in one short transaction; how many. Call it again while it returns `limit`.
  virtual Result<std::size_t> prune_calls(std::int64_t before_unix_ms, std::size_t limit) = 0;

  // Group commit: the writes in one transaction (one sync), each with its own result in the same order. A
  // write that fails (an unknown user) is undone alone and the others still commit; when the commit itself
  // fails, every result is that error.
  virtual std::vector<Status> apply(const std::vector<Write>& writes) = 0;
};

struct OpenOptions {
  // The realm the caller asks for: fixed on creation (default kDefaultRealm); on an existing store a
  // different value is an error naming both.
  std::optional<std::string> realm;
  bool create = false;  // create the data directory and the database when missing
  // Open for reading only (`sotto calls`, `sotto registrations`): nothing is created, upgraded or written
  // (SQLite may add its own -wal/-shm beside the file). Needs schema version 2 or newer; writes fail.
  bool read_only = false;
};

}  // namespace sotto::store
