#pragma once
// The data directory: mode 0700, holding the database (sotto.db) and the CA (docs/SERVER.md).
//
//   auto dir = store::prepare_data_dir("./sotto-data", /*create=*/true);   // made 0700 when missing
//   auto st = store::open_data_dir("./sotto-data", {.realm = std::nullopt, .create = false});

#include <filesystem>
#include <memory>
#include <string_view>

#include "base/result.hpp"
#include "store/store.hpp"

namespace sotto::store {

inline constexpr std::string_view kDefaultDataDir = "./sotto-data";
inline constexpr std::string_view kDatabaseFile = "sotto.db";

// Errc::not_found when missing and !create ("no data directory at X"); Errc::io_error when it is not a
// directory or cannot be made. A directory we create gets mode 0700 (its parents the umask's default).
Status prepare_data_dir(const std::filesystem::path& dir, bool create);

// prepare_data_dir + open_sqlite_store(dir / kDatabaseFile).
Result<std::unique_ptr<Store>> open_data_dir(const std::filesystem::path& dir, const OpenOptions& options);

}  // namespace sotto::store
