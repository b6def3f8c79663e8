#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <thread>
#include <unistd.h>

#include "base/metrics/metrics.hpp"
#include "base/metrics/prometheus_text.hpp"

namespace sotto::metrics {
namespace {

TEST(Metrics, ExposesHelpTypeAndSamplesSortedByName) {
  Registry reg;
  reg.gauge("sotto_registrations_active", "Registered contacts").set(3);
  Counter& answered = reg.counter("sotto_calls_total", "Calls by result", {{"result", "answered"}});
  Counter& busy = reg.counter("sotto_calls_total", "Calls by result", {{"result", "busy"}});
  answered.inc();
  answered.inc(4);
  busy.inc();
  EXPECT_EQ(reg.expose(),
            "# HELP sotto_calls_total Calls by result\n"
            "# TYPE sotto_calls_total counter\n"
            "sotto_calls_total{result=\"answered\"} 5\n"
            "sotto_calls_total{result=\"busy\"} 1\n"
            "# HELP sotto_registrations_active Registered contacts\n"
            "# TYPE sotto_registrations_active gauge\n"
            "sotto_registrations_active 3\n");
}

TEST(Metrics, SameLabelSetInAnyOrderIsTheSameSeries) {
  Registry reg;
  Counter& a = reg.counter("sotto_x_total", "x", {{"b", "2"}, {"a", "1"}});
  Counter& b = reg.counter("sotto_x_total", "x", {{"a", "1"}, {"b", "2"}});
  EXPECT_EQ(&a, &b);
  a.inc();
  EXPECT_EQ(reg.expose(), "# HELP sotto_x_total x\n# TYPE sotto_x_total counter\nsotto_x_total{a=\"1\",b=\"2\"} 1\n");
}

TEST(Metrics, GaugeGoesUpAndDownAndBelowZero) {
  Registry reg;
  Gauge& g = reg.gauge("sotto_connections_open", "Open connections", {{"transport", "tls"}});
  g.inc();
  g.inc();
  g.dec();
  g.add(-5);
  EXPECT_EQ(g.value(), -4);
  EXPECT_NE(reg.expose().find("sotto_connections_open{transport=\"tls\"} -4\n"), std::string::npos);
}

TEST(Metrics, CallbackGaugeIsReadAtExposition) {
  Registry reg;
  double v = 1.5;
  reg.gauge_callback("sotto_uptime_seconds", "Seconds since start", {}, [&] { return v; });
  EXPECT_NE(reg.expose().find("sotto_uptime_seconds 1.5\n"), std::string::npos);
  v = 7;
  EXPECT_NE(reg.expose().find("sotto_uptime_seconds 7\n"), std::string::npos);
}

TEST(Metrics, LabelValuesAreEscaped) {
  Registry reg;
  reg.counter("sotto_e_total", "e", {{"v", "a\\b\"c\nd"}}).inc();
  EXPECT_NE(reg.expose().find("sotto_e_total{v=\"a\\\\b\\\"c\\nd\"} 1\n"), std::string::npos);
}

TEST(PrometheusText, EscapesLabelValuesAndHelp) {
  EXPECT_EQ(escape_label_value("plain"), "plain");
  EXPECT_EQ(escape_label_value("say \"hi\""), "say \\\"hi\\\"");
  EXPECT_EQ(escape_label_value("C:\\dir"), "C:\\\\dir");
  EXPECT_EQ(escape_label_value("two\nlines"), "two\\nlines");
  EXPECT_EQ(escape_label_value("tab\tcr\r"), "tab\tcr\r");  // only \\, \" and \n are escapes in 0.0.4
  EXPECT_EQ(escape_label_value("caf\xC3\xA9"), "caf\xC3\xA9");       // valid UTF-8 kept
  EXPECT_EQ(escape_label_value("bad\xFFz"), "bad\xEF\xBF\xBDz");     // invalid byte -> U+FFFD
  EXPECT_EQ(escape_label_value("\xC0\xAF"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // overlong '/'
  EXPECT_EQ(escape_label_value("\xED\xA0\x80"), "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  EXPECT_EQ(escape_label_value("\xE2\x82"), "\xEF\xBF\xBD\xEF\xBF\xBD");  // truncated sequence
  EXPECT_EQ(escape_help("a \"quoted\" \\ help\nline"), "a \"quoted\" \\\\ help\\nline");  // quotes stay in HELP
}

TEST(PrometheusText, FormatsValuesAsPrometheusParsesThem) {
  EXPECT_EQ(format_value(0), "0");
  EXPECT_EQ(format_value(42), "42");
  EXPECT_EQ(format_value(-3), "-3");
  EXPECT_EQ(format_value(1.5), "1.5");
  EXPECT_EQ(format_value(0.1), "0.1");
  EXPECT_EQ(format_value(1e-7), "1e-07");
  EXPECT_EQ(format_value(1e300), "1e+300");
  EXPECT_EQ(format_value(std::numeric_limits<double>::quiet_NaN()), "NaN");
  EXPECT_EQ(format_value(std::numeric_limits<double>::infinity()), "+Inf");
  EXPECT_EQ(format_value(-std::numeric_limits<double>::infinity()), "-Inf");
}

TEST(PrometheusText, NamesFollowTheGrammar) {
  EXPECT_TRUE(is_metric_name("sotto_calls_total"));
  EXPECT_TRUE(is_metric_name("a:b_c"));
  EXPECT_FALSE(is_metric_name(""));
  EXPECT_FALSE(is_metric_name("9lives"));
  EXPECT_FALSE(is_metric_name("sotto-calls"));
  EXPECT_FALSE(is_metric_name("sotto calls"));
  EXPECT_TRUE(is_label_name("result"));
  EXPECT_TRUE(is_label_name("_x1"));
  EXPECT_FALSE(is_label_name("a:b"));
  EXPECT_FALSE(is_label_name("1a"));
  EXPECT_FALSE(is_label_name(""));
}

std::string misuse_message(const std::function<void()>& f) {
  try {
    f();
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "(no exception)";
}

TEST(Metrics, MisuseIsRefusedWithTheReason) {
  Registry reg;
  reg.counter("sotto_a_total", "A");
  EXPECT_EQ(misuse_message([&] { reg.counter("sotto-a_total", "A"); }),
            "metric sotto-a_total: name is not [a-zA-Z_:][a-zA-Z0-9_:]*");
  EXPECT_EQ(misuse_message([&] { reg.counter("calls_total", "A"); }),
            "metric calls_total: name does not start with 'sotto_'");
  EXPECT_EQ(misuse_message([&] { reg.counter("sotto_calls", "A"); }),
            "metric sotto_calls: a counter's name must end in _total");
  EXPECT_EQ(misuse_message([&] { reg.gauge("sotto_open_total", "A"); }),
            "metric sotto_open_total: only a counter's name ends in _total");
  EXPECT_EQ(misuse_message([&] { reg.counter("sotto_b_total", ""); }), "metric sotto_b_total: no help text");
  EXPECT_EQ(misuse_message([&] { reg.counter("sotto_a_total", "other help"); }),
            "metric sotto_a_total: registered before with another help text");
  EXPECT_EQ(misuse_message([&] { reg.gauge_callback("sotto_g", "G", {}, [] { return 1.0; }); reg.gauge("sotto_g", "G"); }),
            "metric sotto_g: this label set is a callback gauge");
  EXPECT_EQ(misuse_message([&] { reg.counter("sotto_c_total", "C", {{"1x", "v"}}); }),
            "metric sotto_c_total: label name '1x' is not [a-zA-Z_][a-zA-Z0-9_]*");
  EXPECT_EQ(misuse_message([&] { reg.counter("sotto_c_total", "C", {{"__name", "v"}}); }),
            "metric sotto_c_total: label name '__name' starts with '__' (reserved)");
  EXPECT_EQ(misuse_message([&] { reg.counter("sotto_c_total", "C", {{"a", "1"}, {"a", "2"}}); }),
            "metric sotto_c_total: label 'a' given twice");
  reg.gauge("sotto_h", "H");
  EXPECT_EQ(misuse_message([&] { reg.counter("sotto_h", "H"); }), "metric sotto_h: a counter's name must end in _total");
  // Nothing registered by a refused call shows up.
  EXPECT_EQ(reg.expose().find("sotto_c_total"), std::string::npos);
}

TEST(Metrics, ConcurrentIncrementsAreAllCounted) {
  Registry reg;
  Counter& c = reg.counter("sotto_n_total", "N");
  Gauge& g = reg.gauge("sotto_g", "G");
  constexpr int kThreads = 4, kEach = 200000;
  std::vector<std::thread> ts;
  for (int t = 0; t < kThreads; ++t) {
    ts.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        c.inc();
        g.inc();
        g.dec();
        if (i % 50000 == 0) (void)reg.expose();  // scrapes while counting
      }
    });
  }
  for (auto& t : ts) t.join();
  EXPECT_EQ(c.value(), std::uint64_t{kThreads} * kEach);
  EXPECT_EQ(g.value(), 0);
}

// The registry as the server fills it: the metric names docs/OPERATIONS.md lists, plus hostile label values.
Registry& sample_registry() {
  static Registry reg;
  static bool filled = false;
  if (filled) return reg;
  filled = true;
  reg.gauge("sotto_registrations_active", "Registered contacts (bindings) now").set(2);
  for (const char* r : {"answered", "busy", "no-answer", "rejected", "cancelled", "failed"}) {
    reg.counter("sotto_calls_total", "Finished calls by result", {{"result", r}}).inc();
  }
  reg.gauge("sotto_calls_active", "Calls in progress").set(1);
  reg.counter("sotto_srtp_auth_failures_total", "SRTP/SRTCP packets dropped: authentication failed").inc(17);
  reg.counter("sotto_connections_refused_total", "Connections refused, by reason",
              {{"reason", "per-source"}}).inc(3);
  reg.counter("sotto_connections_refused_total", "Connections refused, by reason",
              {{"reason", "quote\" backslash\\ newline\n bad\xFF utf8 é"}}).inc();
  reg.gauge_callback("sotto_uptime_seconds", "Seconds since the server started \\ \"help\"\nsecond line", {},
                     [] { return 12.25; });
  reg.gauge_callback("sotto_weird_values", "NaN and infinities", {{"v", "nan"}},
                     [] { return std::numeric_limits<double>::quiet_NaN(); });
  reg.gauge_callback("sotto_weird_values", "NaN and infinities", {{"v", "inf"}},
                     [] { return std::numeric_limits<double>::infinity(); });
  reg.gauge_callback("sotto_weird_values", "NaN and infinities", {{"v", "tiny"}}, [] { return 1e-9; });
  return reg;
}

struct ToolRun {
  int status = -1;
  std::string output;
};

// Runs `promtool check metrics` (Debian package prometheus) on `text`: exit status and combined output.
ToolRun promtool_check(const std::string& text) {
  const auto dir = std::filesystem::temp_directory_path();
  const auto file = dir / ("sotto-metrics-" + std::to_string(::getpid()) + ".prom");
  {
    std::ofstream(file, std::ios::binary) << text;
  }
  ToolRun r;
  const std::string cmd = "promtool check metrics < '" + file.string() + "' 2>&1";
  if (FILE* p = ::popen(cmd.c_str(), "r")) {
    char buf[512];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, p)) r.output.append(buf, n);
    const int st = ::pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  }
  std::filesystem::remove(file);
  return r;
}

bool have_promtool() { return std::system("command -v promtool >/dev/null 2>&1") == 0; }

// promtool parses with Prometheus's own text-format parser and lints (help text, _total suffixes).
TEST(MetricsPromtool, AcceptsTheExposition) {
  ASSERT_TRUE(have_promtool()) << "promtool not found: install the Debian package prometheus (scripts/setup)";
  const std::string text = sample_registry().expose();
  ToolRun r = promtool_check(text);
  EXPECT_EQ(r.status, 0) << r.output << "\n--- exposition:\n" << text;
  EXPECT_EQ(r.output, "") << text;
}

// The control: the same check fails on broken text, so the pass above means something.
TEST(MetricsPromtool, RejectsBrokenExpositions) {
  ASSERT_TRUE(have_promtool()) << "promtool not found: install the Debian package prometheus (scripts/setup)";
  // A raw line feed inside a label value (what an unescaped value would produce).
  ToolRun unescaped = promtool_check("# HELP sotto_x_total x\n# TYPE sotto_x_total counter\nsotto_x_total{a=\"1\n2\"} 1\n");
  EXPECT_NE(unescaped.status, 0) << unescaped.output;
  // A counter without the _total suffix: a lint problem.
  ToolRun lint = promtool_check("# HELP sotto_x x\n# TYPE sotto_x counter\nsotto_x 1\n");
  EXPECT_NE(lint.status, 0) << lint.output;
  EXPECT_NE(lint.output.find("_total"), std::string::npos) << lint.output;
}

}  // namespace
}  // namespace sotto::metrics
