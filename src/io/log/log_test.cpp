#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>

#include "io/log/log_line.hpp"
#include "io/log/logger.hpp"

namespace sotto::io::log {
namespace {

using namespace std::chrono;
using json = nlohmann::json;

// 2026-12-06T21:57:00.123Z
const system_clock::time_point kT = system_clock::time_point(milliseconds(1796594220123));

// Parses one line as strict JSON (nlohmann rejects invalid UTF-8, raw control characters, trailing junk).
json parse_line(const std::string& line) {
  EXPECT_EQ(line.find('\n'), std::string::npos) << line;
  return json::parse(line);  // throws json::parse_error on anything that is not one JSON value
}

TEST(LogLine, Rfc3339WithMillisecondsInUtc) {
  EXPECT_EQ(rfc3339_ms(system_clock::time_point{}), "1970-01-01T00:00:00.000Z");
  EXPECT_EQ(rfc3339_ms(kT), "2026-12-06T21:57:00.123Z");
  EXPECT_EQ(rfc3339_ms(kT + microseconds(999)), "2026-12-06T21:57:00.123Z");  // truncated, not rounded
  EXPECT_EQ(rfc3339_ms(system_clock::time_point(milliseconds(-1))), "1969-12-31T23:59:59.999Z");
}

TEST(LogLine, JsonHasTheFixedKeysThenTheFields) {
  Record r{kT, Level::info, "registrar", "registered alice", {{"user", std::string("alice")}, {"expires", std::int64_t{600}}, {"tls", true}}};
  EXPECT_EQ(format_json(r),
            "{\"ts\":\"2026-12-06T21:57:00.123Z\",\"level\":\"info\",\"component\":\"registrar\","
            "\"msg\":\"registered alice\",\"user\":\"alice\",\"expires\":600,\"tls\":true}");
}

TEST(LogLine, JsonEscapesQuotesNewlinesAndControlCharacters) {
  const std::string nasty = "say \"hi\"\\ \nline2\r\t\x01\x1b[31mred\x7f end";
  Record r{kT, Level::warn, "srv\"x", nasty, {{"raw", nasty}}};
  const std::string line = format_json(r);
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_EQ(line.find('\r'), std::string::npos);
  EXPECT_EQ(line.find('\x01'), std::string::npos);
  EXPECT_EQ(line.find('\x1b'), std::string::npos);
  EXPECT_NE(line.find("say \\\"hi\\\"\\\\ \\nline2\\r\\t\\u0001\\u001b[31mred"), std::string::npos) << line;
  json j = parse_line(line);
  EXPECT_EQ(j["msg"], nasty);  // round-trips exactly
  EXPECT_EQ(j["raw"], nasty);
  EXPECT_EQ(j["component"], "srv\"x");
  EXPECT_EQ(j["level"], "warn");
}

TEST(LogLine, JsonReplacesInvalidUtf8) {
  Record r{kT, Level::info, "phone", "caf\xC3\xA9 bad\xFF\xFE end", {}};
  json j = parse_line(format_json(r));
  EXPECT_EQ(j["msg"], "caf\xC3\xA9 bad\xEF\xBF\xBD\xEF\xBF\xBD end");
}

TEST(LogLine, FieldsCannotOverwriteTheFixedKeys) {
  Record r{kT, Level::info, "server", "real", {{"msg", std::string("fake")}, {"level", std::string("error")}, {"msg", std::string("again")}}};
  json j = parse_line(format_json(r));
  EXPECT_EQ(j["msg"], "real");
  EXPECT_EQ(j["level"], "info");
  EXPECT_EQ(j["msg_"], "fake");
  EXPECT_EQ(j["level_"], "error");
  EXPECT_EQ(j["msg__"], "again");
}

TEST(LogLine, TextLineIsTimestampMessageAndFields) {
  EXPECT_EQ(format_text({kT, Level::info, "server", "listening", {{"on", std::string("tls://127.0.0.1:5061")}}}),
            "2026-12-06T21:57:00.123Z listening on=tls://127.0.0.1:5061");
  EXPECT_EQ(format_text({kT, Level::warn, "server", "disk slow", {{"why", std::string("a \"b\"\nc")}, {"n", std::int64_t{-2}}}}),
            "2026-12-06T21:57:00.123Z warning: disk slow why=\"a \\\"b\\\"\\nc\" n=-2");
  EXPECT_EQ(format_text({kT, Level::warn, "server", "warning: already prefixed", {}}),
            "2026-12-06T21:57:00.123Z warning: already prefixed");
  EXPECT_EQ(format_text({kT, Level::error, "server", "store closed", {}}), "2026-12-06T21:57:00.123Z error: store closed");
  // A message cannot forge a second line.
  EXPECT_EQ(format_text({kT, Level::info, "registrar", "user a\n2026-12-06T00:00:00.000Z admin logged in\r\x1b[2J\tx", {}}),
            "2026-12-06T21:57:00.123Z user a\\n2026-12-06T00:00:00.000Z admin logged in\\r\\x1b[2J\tx");
}

TEST(LogLine, ParsesTheFormatOption) {
  EXPECT_EQ(parse_format("text"), Format::text);
  EXPECT_EQ(parse_format("json"), Format::json);
  EXPECT_FALSE(parse_format("JSON"));
  EXPECT_FALSE(parse_format(""));
}

// Everything written to a temporary file, read back as lines.
struct Captured {
  std::FILE* f = std::tmpfile();
  ~Captured() { std::fclose(f); }
  std::vector<std::string> lines() {
    std::fflush(f);
    std::rewind(f);
    std::string all;
    char buf[4096];
    while (std::size_t n = std::fread(buf, 1, sizeof buf, f)) all.append(buf, n);
    std::vector<std::string> out;
    std::istringstream in(all);
    for (std::string l; std::getline(in, l);) out.push_back(l);
    EXPECT_TRUE(all.empty() || all.back() == '\n');
    return out;
  }
};

LoggerOptions fixed(Format f, std::FILE* out) {
  LoggerOptions o;
  o.format = f;
  o.out = out;
  o.now = [] { return kT; };
  return o;
}

TEST(Logger, SinkTakesWarningAndErrorPrefixesAsLevels) {
  Captured c;
  Logger logger(fixed(Format::json, c.f));
  auto sink = logger.sink("server");
  sink("listening on tls://127.0.0.1:5061");
  sink("warning: --http: something");
  sink("error: store: disk full");
  logger.debug("server", "not shown at the default level");
  auto lines = c.lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(parse_line(lines[0])["level"], "info");
  EXPECT_EQ(parse_line(lines[1])["level"], "warn");
  EXPECT_EQ(parse_line(lines[1])["msg"], "--http: something");
  EXPECT_EQ(parse_line(lines[2])["level"], "error");
  EXPECT_EQ(parse_line(lines[2])["msg"], "store: disk full");
  EXPECT_EQ(parse_line(lines[2])["component"], "server");
}

TEST(Logger, TextKeepsTheLineAsGiven) {
  Captured c;
  Logger logger(fixed(Format::text, c.f));
  auto sink = logger.sink("server");
  sink("warning: --http: something");
  sink("plain line");
  LoggerOptions bare = fixed(Format::text, c.f);
  bare.timestamps = false;
  Logger bare_logger(bare);
  bare_logger.sink("phone")("registered as sips:alice@localhost");
  auto lines = c.lines();
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[0], "2026-12-06T21:57:00.123Z warning: --http: something");
  EXPECT_EQ(lines[1], "2026-12-06T21:57:00.123Z plain line");
  EXPECT_EQ(lines[2], "registered as sips:alice@localhost");
}

// Lines from several threads never interleave: each one parses on its own.
TEST(Logger, ConcurrentLinesStayWhole) {
  Captured c;
  Logger logger(fixed(Format::json, c.f));
  std::vector<std::thread> ts;
  for (int t = 0; t < 4; ++t) {
    ts.emplace_back([&, t] {
      auto sink = logger.sink("t" + std::to_string(t));
      for (int i = 0; i < 500; ++i) sink(std::string(100 + i, 'a' + static_cast<char>(t)) + "\n\"" + std::to_string(i));
    });
  }
  for (auto& t : ts) t.join();
  auto lines = c.lines();
  ASSERT_EQ(lines.size(), 2000u);
  std::map<std::string, int> per;
  for (const auto& l : lines) {
    json j = parse_line(l);
    ++per[j["component"].get<std::string>()];
  }
  EXPECT_EQ(per, (std::map<std::string, int>{{"t0", 500}, {"t1", 500}, {"t2", 500}, {"t3", 500}}));
}

TEST(Logger, CapturesSpdlogsDefaultLogger) {
  Captured c;
  {
    Logger logger(fixed(Format::json, c.f));
    logger.capture_spdlog();
    spdlog::warn("TLS: keylog file {} enabled", "/tmp/k\"eys");
    spdlog::info("plain");
  }
  spdlog::warn("after the logger: goes to spdlog's own stderr sink, not the file");
  auto lines = c.lines();
  ASSERT_EQ(lines.size(), 2u);
  json w = parse_line(lines[0]);
  EXPECT_EQ(w["level"], "warn");
  EXPECT_EQ(w["component"], "sotto");
  EXPECT_EQ(w["msg"], "TLS: keylog file /tmp/k\"eys enabled");
  EXPECT_EQ(parse_line(lines[1])["level"], "info");
}

}  // namespace
}  // namespace sotto::io::log
