#pragma once
// Registry: named counters and gauges with labels, exposed in the Prometheus text format (0.0.4).
//
//   metrics::Registry reg;                                        // names must start with "sotto_"
//   metrics::Counter& answered = reg.counter("sotto_calls_total", "Calls by result", {{"result", "answered"}});
//   answered.inc();                                               // one relaxed atomic add, no lock
//   std::string body = reg.expose();                              // serve with metrics::kContentType
//
// Registering takes a lock and may allocate: do it once at startup and keep the reference (it stays valid
// for the registry's lifetime). inc/set/add are lock-free and safe from any thread. expose() takes the
// registration lock and reads each value once (relaxed), so a scrape is a consistent-enough snapshot,
// not an atomic one across series.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace sotto::metrics {

// The Content-Type of expose()'s output (Prometheus text exposition format 0.0.4).
inline constexpr std::string_view kContentType = "text/plain; version=0.0.4; charset=utf-8";

struct Label {
  std::string name;   // [a-zA-Z_][a-zA-Z0-9_]*, not starting with "__" (reserved by Prometheus)
  std::string value;  // any text; escaped on output; invalid UTF-8 is replaced by U+FFFD
};
using Labels = std::vector<Label>;

// Monotonic count of events (a Prometheus counter: only goes up; resets only with the process).
class Counter {
 public:
  void inc(std::uint64_t n = 1) noexcept { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// A value that goes up and down (active registrations, open connections).
class Gauge {
 public:
  void set(std::int64_t v) noexcept { value_.store(v, std::memory_order_relaxed); }
  void add(std::int64_t d) noexcept { value_.fetch_add(d, std::memory_order_relaxed); }
  void inc() noexcept { add(1); }
  void dec() noexcept { add(-1); }
  std::int64_t value() const noexcept { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::int64_t> value_{0};
};

enum class MetricType { counter, gauge };

class Registry {
 public:
  // Every metric name must start with `name_prefix` (one namespace for all of sotto's metrics).
  explicit Registry(std::string name_prefix = "sotto_");
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  // The series `name{labels}`, created on first use; the same name and label set (in any order) returns the
  // same object. Throws std::invalid_argument naming the problem when the name or a label is malformed,
  // a counter's name does not end in "_total" (the Prometheus convention, checked by promtool), a gauge's
  // does, or the name was registered before with another type or help text: all programming errors,
  // caught at startup.
  Counter& counter(std::string_view name, std::string_view help, const Labels& labels = {});
  Gauge& gauge(std::string_view name, std::string_view help, const Labels& labels = {});
  // A gauge whose value is read when exposed, e.g. from a size the server already keeps. `read` runs on
  // the thread that calls expose() (the HTTP thread), under the registry's lock: it must be thread-safe,
  // quick, and must not call back into the registry.
  void gauge_callback(std::string_view name, std::string_view help, const Labels& labels,
                      std::function<double()> read);

  // All metrics, families sorted by name and series by label set: "# HELP", "# TYPE", then the samples.
  std::string expose() const;

 private:
  struct Series {
    std::string labels;  // rendered, sorted by label name: {a="x",b="y"}, or empty
    std::unique_ptr<Counter> counter;
    std::unique_ptr<Gauge> gauge;
    std::function<double()> read;
  };
  struct Family {
    MetricType type;
    std::string help;
    std::map<std::string, Series> series;  // by rendered label set
  };
  // Finds or creates the series; mutex_ held by the caller.
  Series& series(MetricType type, std::string_view name, std::string_view help, const Labels& labels);

  std::string prefix_;
  mutable std::mutex mutex_;
  std::map<std::string, Family, std::less<>> families_;
};

}  // namespace sotto::metrics
