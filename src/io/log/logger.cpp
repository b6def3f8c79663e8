#include "io/log/logger.hpp"

#include <spdlog/sinks/base_sink.h>
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

namespace sotto::io::log {
namespace {

class LoggerSink final : public spdlog::sinks::base_sink<std::mutex> {
 public:
  explicit LoggerSink(Logger& logger) : logger_(logger) {}

 protected:
  void sink_it_(const spdlog::details::log_msg& msg) override {
    Level level = Level::info;
    switch (msg.level) {
      case spdlog::level::trace:
      case spdlog::level::debug: level = Level::debug; break;
      case spdlog::level::info: level = Level::info; break;
      case spdlog::level::warn: level = Level::warn; break;
      default: level = Level::error; break;
    }
    const std::string_view name(msg.logger_name.data(), msg.logger_name.size());
    logger_.log(level, name.empty() ? "sotto" : name, std::string_view(msg.payload.data(), msg.payload.size()));
  }
  void flush_() override {}

 private:
  Logger& logger_;
};

}  // namespace

Logger::Logger(LoggerOptions options) : options_(std::move(options)) {}

Logger::~Logger() {
  // spdlog's own default: a colour sink on stderr (the lambda sink above would outlive this Logger).
  if (captured_spdlog_) {
    spdlog::set_default_logger(std::make_shared<spdlog::logger>("", std::make_shared<spdlog::sinks::stderr_color_sink_mt>()));
  }
}

void Logger::log(Level level, std::string_view component, std::string_view message, std::vector<Field> fields) {
  if (level < options_.min_level) return;
  Record r{options_.now(), level, component, message, std::move(fields)};
  std::string line;
  if (options_.format == Format::json) {
    line = format_json(r);
  } else {
    line = format_text(r);
    if (!options_.timestamps) line.erase(0, line.find(' ') + 1);
  }
  line += '\n';
  std::lock_guard lock(mutex_);
  std::fwrite(line.data(), 1, line.size(), options_.out);
  std::fflush(options_.out);
}

std::function<void(std::string_view)> Logger::sink(std::string component, Level level) {
  return [this, component = std::move(component), level](std::string_view line) {
    Level l = level;
    std::string_view msg = line;
    if (line.starts_with("warning: ")) {
      l = Level::warn;
      msg.remove_prefix(9);
    } else if (line.starts_with("error: ")) {
      l = Level::error;
      msg.remove_prefix(7);
    }
    // The text form keeps the line as it was; format_text adds the prefix back for warn and error.
    log(l, component, options_.format == Format::json ? msg : line);
  };
}

void Logger::capture_spdlog() {
  auto logger = std::make_shared<spdlog::logger>("", std::make_shared<LoggerSink>(*this));
  logger->set_level(spdlog::level::trace);
  spdlog::set_default_logger(std::move(logger));
  captured_spdlog_ = true;
}

}  // namespace sotto::io::log
