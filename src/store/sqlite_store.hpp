#pragma once
// SqliteStore: the Store in one SQLite file (WAL, synchronous=FULL, busy timeout; docs/SERVER.md).
//
//   auto st = store::open_sqlite_store("./sotto-data/sotto.db", {.realm = "example", .create = true});
//   if (!st) die(st.error().message());
//   auto users = (*st)->list_users();

#include <filesystem>
#include <memory>

#include "base/result.hpp"
#include "store/store.hpp"

namespace sotto::store {

// Opens (or, with options.create, creates) the database file. A newer schema_version than this build
// knows, or a realm other than options.realm, is an error; nothing is changed then.
Result<std::unique_ptr<Store>> open_sqlite_store(const std::filesystem::path& file, const OpenOptions& options);

}  // namespace sotto::store
