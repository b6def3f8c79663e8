#pragma once
// Logger: writes log records as text or JSON lines (--log-format text|json), one write per line, from any
// thread; hands out the line callbacks that the runtime, the server and the phone already take.
//
//   io::log::Logger logger(io::log::Format::json);                 // stderr
//   logger.info("server", "listening", {{"listen", "tls://127.0.0.1:5061"}});
//   server::Server server(io, opts, std::move(store), logger.sink("server"));   // std::function<void(string_view)>
//
// A line given to a sink that starts with "warning: " or "error: " is logged at that level (the prefix is
// dropped from the JSON "msg", kept in text). capture_spdlog() routes spdlog's default logger (TLS
// warnings in io) through the same writer, so a JSON log has no stray text lines.

#include <chrono>
#include <cstdio>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

#include "io/log/log_line.hpp"

namespace sotto::io::log {

struct LoggerOptions {
  Format format = Format::text;
  std::FILE* out = stderr;
  Level min_level = Level::info;
  bool timestamps = true;  // text only: "<ts> " before each line (off where a caller prints bare lines)
  // Where the time comes from; tests fix it.
  std::function<std::chrono::system_clock::time_point()> now = [] { return std::chrono::system_clock::now(); };
};

class Logger {
 public:
  explicit Logger(LoggerOptions options);
  explicit Logger(Format format) : Logger(LoggerOptions{.format = format}) {}
  ~Logger();
  Logger(const Logger&) = delete;
  Logger& operator=(const Logger&) = delete;

  void log(Level level, std::string_view component, std::string_view message, std::vector<Field> fields = {});
  void debug(std::string_view c, std::string_view m, std::vector<Field> f = {}) { log(Level::debug, c, m, std::move(f)); }
  void info(std::string_view c, std::string_view m, std::vector<Field> f = {}) { log(Level::info, c, m, std::move(f)); }
  void warn(std::string_view c, std::string_view m, std::vector<Field> f = {}) { log(Level::warn, c, m, std::move(f)); }
  void error(std::string_view c, std::string_view m, std::vector<Field> f = {}) { log(Level::error, c, m, std::move(f)); }

  // A line callback for `component` at `level` (see above for "warning: " / "error: " prefixes). The
  // Logger must outlive it.
  std::function<void(std::string_view)> sink(std::string component, Level level = Level::info);

  // Makes spdlog's default logger write through this Logger (component: the spdlog logger's name, or
  // "sotto"); undone by the destructor.
  void capture_spdlog();

  Format format() const noexcept { return options_.format; }

 private:
  LoggerOptions options_;
  std::mutex mutex_;
  bool captured_spdlog_ = false;
};

}  // namespace sotto::io::log
