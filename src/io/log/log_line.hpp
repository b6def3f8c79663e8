#pragma once
// One log record and its two renderings: a text line for people, a JSON object for log collectors.
//
//   io::log::Record r{now, io::log::Level::info, "registrar", "registered alice", {{"contact", "sips:alice@..."}}};
//   io::log::format_json(r);  // {"ts":"2026-12-06T21:57:00.123Z","level":"info","component":"registrar","msg":...}
//   io::log::format_text(r);  // 2026-12-06T21:57:00.123Z registered alice contact=sips:alice@...

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

namespace sotto::io::log {

enum class Format { text, json };
enum class Level { debug, info, warn, error };

std::string_view to_string(Level level) noexcept;         // "debug", "info", "warn", "error"
std::optional<Format> parse_format(std::string_view text);  // "text" | "json"

// A structured field: rendered as "key":value in JSON (numbers and booleans unquoted), key=value in text.
struct Field {
  std::string key;
  std::variant<std::string, std::int64_t, bool> value;
};

struct Record {
  std::chrono::system_clock::time_point time;
  Level level = Level::info;
  std::string_view component;  // "server", "registrar", "phone"
  std::string_view message;
  std::vector<Field> fields;
};

// RFC 3339, UTC, milliseconds: 2026-12-06T21:57:00.123Z.
std::string rfc3339_ms(std::chrono::system_clock::time_point t);

// One JSON object, no line break inside (control characters escaped, invalid UTF-8 replaced by U+FFFD):
// ts, level, component, msg, then the fields in order; a field named like one of those four gets a
// trailing underscore ("msg_") rather than overwriting it.
std::string format_json(const Record& r);
// "<ts> <msg>", "<ts> warning: <msg>" / "<ts> error: <msg>", then " key=value" per field (values with
// spaces, quotes or control characters quoted and escaped). Always one line: line breaks and control
// characters in the message are written as \n, \r, \xNN (a message from the network cannot forge a line).
std::string format_text(const Record& r);

}  // namespace sotto::io::log
