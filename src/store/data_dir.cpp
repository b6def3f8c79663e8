#include "store/data_dir.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstring>

#include "store/sqlite_store.hpp"

namespace sotto::store {

Status prepare_data_dir(const std::filesystem::path& dir, bool create) {
  std::error_code ec;
  const auto st = std::filesystem::status(dir, ec);
  if (std::filesystem::exists(st)) {
    if (!std::filesystem::is_directory(st)) {
      return fail(Errc::io_error, "data directory " + dir.string() + " exists but is not a directory");
    }
    return {};
  }
  if (!create) {
    return fail(Errc::not_found, "no data directory at " + dir.string() +
                                     " (create it with `sotto user add` or `sotto ca init`, or pass --data-dir)");
  }
  if (dir.has_parent_path() && !dir.parent_path().empty()) {
    std::filesystem::create_directories(dir.parent_path(), ec);
    if (ec) return fail(Errc::io_error, "cannot create " + dir.parent_path().string() + ": " + ec.message());
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    return fail(Errc::io_error, "cannot create data directory " + dir.string() + ": " + std::strerror(errno));
  }
  // mkdir's mode is masked by the umask; 0700 is what we want whatever it is.
  if (::chmod(dir.c_str(), 0700) != 0) {
    return fail(Errc::io_error, "cannot set mode 0700 on " + dir.string() + ": " + std::strerror(errno));
  }
  return {};
}

Result<std::unique_ptr<Store>> open_data_dir(const std::filesystem::path& dir, const OpenOptions& options) {
  if (auto st = prepare_data_dir(dir, options.create && !options.read_only); !st) return Unexpected(st.error());
  return open_sqlite_store(dir / std::string(kDatabaseFile), options);
}

}  // namespace sotto::store
