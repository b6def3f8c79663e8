#include "io/log_summary.hpp"

#include <chrono>

namespace sotto::io {
namespace {

std::string seconds(Duration d) {
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
  return ms % 1000 == 0 ? std::to_string(ms / 1000) + " s" : std::to_string(ms) + " ms";
}

}  // namespace

std::optional<std::string> EventSummary::note(Timestamp now, std::string_view detail) {
  std::optional<std::string> pending;
  // The interval ended without a flush (no timer ran): report what was counted, then count this one.
  if (window_end_ && now >= *window_end_) pending = flush(now);
  ++total_;
  if (pending) {
    ++suppressed_;
    last_detail_.assign(detail);
    return pending;
  }
  if (!window_end_) {
    window_end_ = now + interval_;
    return what_ + ": " + std::string(detail);
  }
  ++suppressed_;
  last_detail_.assign(detail);
  return std::nullopt;
}

std::optional<std::string> EventSummary::flush(Timestamp now) {
  if (!window_end_ || now < *window_end_) return std::nullopt;
  if (suppressed_ == 0) {
    window_end_.reset();  // quiet: the next event is logged in full again
    return std::nullopt;
  }
  std::string line = what_ + ": " + std::to_string(suppressed_) + " more in the last " + seconds(interval_) +
                     " (" + std::to_string(total_) + " in all; last: " + last_detail_ + ")";
  suppressed_ = 0;
  window_end_ = now + interval_;  // a flood goes on: one line per interval
  return line;
}

std::optional<Timestamp> EventSummary::next_deadline() const { return window_end_; }

LogSummary::LogSummary(std::string what, Duration interval, const Clock& clock, asio::io_context& io, Log log)
    : summary_(std::move(what), interval), clock_(clock), timer_(io, clock), log_(std::move(log)) {}

void LogSummary::note(std::string_view detail) {
  if (auto line = summary_.note(clock_.now(), detail); line && log_) log_(*line);
  arm();
}

void LogSummary::arm() {
  auto deadline = summary_.next_deadline();
  if (!deadline) {
    timer_.cancel();
    return;
  }
  if (timer_.armed() && timer_.deadline() == deadline) return;
  timer_.arm(*deadline, [this](Timestamp now) {
    if (auto line = summary_.flush(now); line && log_) log_(*line);
    arm();
  });
}

}  // namespace sotto::io
