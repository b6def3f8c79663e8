#pragma once
// LogSummary: one log line per interval for events that can come in floods (junk datagrams, refused or
// evicted connections), with counts, instead of one line per event.
//
//   io::LogSummary refused("refused connection", std::chrono::seconds(10), clock, io, log);
//   refused.note("from 127.0.0.9: 32 connections without a dialog (--max-connections-per-source)");
//   // logs that line at once; further events within 10 s are counted and summarised in one line

#include <asio/io_context.hpp>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "io/clock.hpp"
#include "io/timer.hpp"

namespace sotto::io {

// The sans-IO part: decides which line, if any, to log for an event or at a deadline.
class EventSummary {
 public:
  EventSummary(std::string what, Duration interval) : what_(std::move(what)), interval_(interval) {}

  // An event. Returns the line to log now: the first event of a quiet period is logged in full; the
  // ones after it within the interval are only counted.
  std::optional<std::string> note(Timestamp now, std::string_view detail);
  // At or after next_deadline(): the summary of the events counted since the last line, if any.
  std::optional<std::string> flush(Timestamp now);
  std::optional<Timestamp> next_deadline() const;

  std::uint64_t total() const noexcept { return total_; }
  const std::string& what() const noexcept { return what_; }

 private:
  std::string what_;
  Duration interval_;
  std::optional<Timestamp> window_end_;  // set while a line was logged less than `interval_` ago
  std::uint64_t suppressed_ = 0;
  std::string last_detail_;
  std::uint64_t total_ = 0;
};

// EventSummary plus the timer that writes the summary line when the interval ends.
class LogSummary {
 public:
  using Log = std::function<void(std::string_view)>;
  LogSummary(std::string what, Duration interval, const Clock& clock, asio::io_context& io, Log log);
  LogSummary(const LogSummary&) = delete;
  LogSummary& operator=(const LogSummary&) = delete;

  void note(std::string_view detail);
  std::uint64_t total() const noexcept { return summary_.total(); }
  void set_log(Log log) { log_ = std::move(log); }

 private:
  void arm();

  EventSummary summary_;
  const Clock& clock_;
  Timer timer_;
  Log log_;
};

}  // namespace sotto::io
