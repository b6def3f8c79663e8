#pragma once
// Store: the server's persistent state behind one small interface (accounts now; bindings and call
// records later), so a PostgreSQL backend can sit beside the SQLite one.
//
//   auto st = store::open_data_dir("./sotto-data", {.realm = std::nullopt, .create = true});
//   if (!st) die(st.error().message());
//   (*st)->add_user(store::make_user("alice", (*st)->info().realm, "secret", {}, now));

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "store/user_policy.hpp"

namespace sotto::store {

inline constexpr int kSchemaVersion = 1;
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
};

struct OpenOptions {
  // The realm the caller asks for: fixed on creation (default kDefaultRealm); on an existing store a
  // different value is an error naming both.
  std::optional<std::string> realm;
  bool create = false;  // create the data directory and the database when missing
};

}  // namespace sotto::store
