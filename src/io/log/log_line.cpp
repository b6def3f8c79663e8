#include "io/log/log_line.hpp"

#include <ctime>
#include <nlohmann/json.hpp>

namespace sotto::io::log {

std::string_view to_string(Level level) noexcept {
  switch (level) {
    case Level::debug: return "debug";
    case Level::info: return "info";
    case Level::warn: return "warn";
    case Level::error: return "error";
  }
  return "info";
}

std::optional<Format> parse_format(std::string_view text) {
  if (text == "text") return Format::text;
  if (text == "json") return Format::json;
  return std::nullopt;
}

std::string rfc3339_ms(std::chrono::system_clock::time_point t) {
  using namespace std::chrono;
  const auto ms = duration_cast<milliseconds>(t.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  long frac = static_cast<long>(ms % 1000);
  if (frac < 0) {  // before 1970: floor, not truncate
    frac += 1000;
    --secs;
  }
  std::tm tm{};
  ::gmtime_r(&secs, &tm);
  char buf[48];
  const std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::string out(buf, n);
  const char digits[] = {'.', static_cast<char>('0' + frac / 100), static_cast<char>('0' + frac / 10 % 10),
                         static_cast<char>('0' + frac % 10), 'Z'};
  out.append(digits, sizeof digits);
  return out;
}

std::string format_json(const Record& r) {
  nlohmann::ordered_json j;
  j["ts"] = rfc3339_ms(r.time);
  j["level"] = std::string(to_string(r.level));
  j["component"] = std::string(r.component);
  j["msg"] = std::string(r.message);
  for (const Field& f : r.fields) {
    std::string key = f.key;
    while (j.contains(key)) key += '_';
    std::visit([&](const auto& v) { j[key] = v; }, f.value);
  }
  // Invalid UTF-8 becomes U+FFFD instead of an exception: a log line must never fail to be written.
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

namespace {

bool needs_quotes(std::string_view v) {
  if (v.empty()) return true;
  for (char c : v) {
    if (c == ' ' || c == '"' || c == '=' || c == '\\' || static_cast<unsigned char>(c) < 0x20) return true;
  }
  return false;
}

}  // namespace

// One record, one line: line breaks and other control characters in a message are escaped, so that text
// from the network (a user name, a reason phrase) cannot forge a log line.
static void append_escaped(std::string& out, std::string_view s) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (char c : s) {
    const auto u = static_cast<unsigned char>(c);
    if (c == '\n') out += "\\n";
    else if (c == '\r') out += "\\r";
    else if ((u < 0x20 && c != '\t') || u == 0x7F) {
      out += "\\x";
      out += kHex[u >> 4];
      out += kHex[u & 0xF];
    } else {
      out += c;
    }
  }
}

std::string format_text(const Record& r) {
  std::string out = rfc3339_ms(r.time);
  out += ' ';
  if (r.level == Level::warn && !r.message.starts_with("warning: ")) out += "warning: ";
  if (r.level == Level::error && !r.message.starts_with("error: ")) out += "error: ";
  append_escaped(out, r.message);
  for (const Field& f : r.fields) {
    out += ' ';
    append_escaped(out, f.key);
    out += '=';
    if (const auto* s = std::get_if<std::string>(&f.value)) {
      // JSON string escaping doubles as a quoted form that keeps each record on one line.
      out += needs_quotes(*s) ? nlohmann::json(*s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) : *s;
    } else if (const auto* i = std::get_if<std::int64_t>(&f.value)) {
      out += std::to_string(*i);
    } else {
      out += std::get<bool>(f.value) ? "true" : "false";
    }
  }
  return out;
}

}  // namespace sotto::io::log
