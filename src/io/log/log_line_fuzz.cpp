// libFuzzer target: any bytes as a log message and field value. The JSON line must parse as strict JSON
// (nlohmann rejects raw control characters and invalid UTF-8) and hold the message; the text line must be
// one line. Valid UTF-8 input must round-trip through the JSON exactly.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>

#include "io/log/log_line.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sotto::io::log;
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  Record r{std::chrono::system_clock::time_point(std::chrono::milliseconds(static_cast<std::int64_t>(size) * 7919)),
           Level::warn, bytes, bytes, {{"f", bytes}, {bytes, std::int64_t{1}}, {"msg", false}}};
  const std::string line = format_json(r);
  if (line.find('\n') != std::string::npos || line.find('\r') != std::string::npos) std::abort();
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(line);
  } catch (const nlohmann::json::exception&) {
    std::abort();
  }
  if (!j.is_object() || !j["msg"].is_string() || j["level"] != "warn") std::abort();
  // Valid UTF-8 (nlohmann accepts it as a string value) round-trips exactly.
  bool valid = true;
  try {
    (void)nlohmann::json(bytes).dump();
  } catch (const nlohmann::json::type_error&) {
    valid = false;
  }
  if (valid && j["msg"] != bytes) std::abort();
  const std::string text = format_text(r);
  if (text.find('\n') != std::string::npos || text.find('\r') != std::string::npos) std::abort();
  return 0;
}
