#include "base/metrics/metrics.hpp"

#include <algorithm>
#include <stdexcept>

#include "base/metrics/prometheus_text.hpp"

namespace sotto::metrics {
namespace {

std::string_view type_name(MetricType t) { return t == MetricType::counter ? "counter" : "gauge"; }

bool ends_with(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

[[noreturn]] void misuse(std::string_view name, const std::string& what) {
  throw std::invalid_argument("metric " + std::string(name) + ": " + what);
}

// {a="x",b="y"} with labels sorted by name, so that the same set in another order is the same series.
std::string render_labels(std::string_view metric, const Labels& labels) {
  if (labels.empty()) return {};
  std::vector<const Label*> sorted;
  for (const Label& l : labels) {
    if (!is_label_name(l.name)) misuse(metric, "label name '" + l.name + "' is not [a-zA-Z_][a-zA-Z0-9_]*");
    if (l.name.starts_with("__")) misuse(metric, "label name '" + l.name + "' starts with '__' (reserved)");
    sorted.push_back(&l);
  }
  std::sort(sorted.begin(), sorted.end(), [](const Label* a, const Label* b) { return a->name < b->name; });
  std::string out = "{";
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (i > 0 && sorted[i]->name == sorted[i - 1]->name) misuse(metric, "label '" + sorted[i]->name + "' given twice");
    if (i > 0) out += ',';
    out += sorted[i]->name;
    out += "=\"";
    out += escape_label_value(sorted[i]->value);
    out += '"';
  }
  out += '}';
  return out;
}

}  // namespace

Registry::Registry(std::string name_prefix) : prefix_(std::move(name_prefix)) {}

Registry::Series& Registry::series(MetricType type, std::string_view name, std::string_view help,
                                   const Labels& labels) {
  if (!is_metric_name(name)) misuse(name, "name is not [a-zA-Z_:][a-zA-Z0-9_:]*");
  if (!name.starts_with(prefix_)) misuse(name, "name does not start with '" + prefix_ + "'");
  if (help.empty()) misuse(name, "no help text");
  // promtool's lint: counters end in _total, nothing else does.
  if (type == MetricType::counter && !ends_with(name, "_total")) misuse(name, "a counter's name must end in _total");
  if (type != MetricType::counter && ends_with(name, "_total")) misuse(name, "only a counter's name ends in _total");
  std::string key = render_labels(name, labels);

  auto it = families_.find(name);
  if (it == families_.end()) {
    it = families_.emplace(std::string(name), Family{type, std::string(help), {}}).first;
  } else if (it->second.type != type) {
    misuse(name, "registered before as a " + std::string(type_name(it->second.type)));
  } else if (it->second.help != help) {
    misuse(name, "registered before with another help text");
  }
  auto [s, inserted] = it->second.series.try_emplace(key);
  if (inserted) s->second.labels = std::move(key);
  return s->second;
}

Counter& Registry::counter(std::string_view name, std::string_view help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  Series& s = series(MetricType::counter, name, help, labels);
  if (!s.counter) s.counter = std::make_unique<Counter>();
  return *s.counter;
}

Gauge& Registry::gauge(std::string_view name, std::string_view help, const Labels& labels) {
  std::lock_guard lock(mutex_);
  Series& s = series(MetricType::gauge, name, help, labels);
  if (s.read) misuse(name, "this label set is a callback gauge");
  if (!s.gauge) s.gauge = std::make_unique<Gauge>();
  return *s.gauge;
}

void Registry::gauge_callback(std::string_view name, std::string_view help, const Labels& labels,
                              std::function<double()> read) {
  if (!read) misuse(name, "empty callback");
  std::lock_guard lock(mutex_);
  Series& s = series(MetricType::gauge, name, help, labels);
  if (s.gauge) misuse(name, "this label set is a plain gauge");
  s.read = std::move(read);
}

std::string Registry::expose() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, f] : families_) {
    out += "# HELP " + name + ' ' + escape_help(f.help) + '\n';
    out += "# TYPE " + name + ' ' + std::string(type_name(f.type)) + '\n';
    for (const auto& [key, s] : f.series) {
      out += name;
      out += s.labels;
      out += ' ';
      if (s.counter) out += std::to_string(s.counter->value());
      else if (s.gauge) out += std::to_string(s.gauge->value());
      else out += format_value(s.read());
      out += '\n';
    }
  }
  return out;
}

}  // namespace sotto::metrics
