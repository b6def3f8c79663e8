// libFuzzer target: any bytes as a label value and HELP text, and as a metric name. Escaped values never hold
// a raw line feed or an unescaped quote and are valid UTF-8; the registry refuses bad names with
// std::invalid_argument and never crashes; its exposition stays one sample per line.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <stdexcept>
#include <string>

#include "base/metrics/metrics.hpp"
#include "base/metrics/prometheus_text.hpp"

namespace {

bool valid_utf8(const std::string& s) {
  std::size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    std::size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
    if (n == 0 || i + n > s.size()) return false;
    for (std::size_t k = 1; k < n; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return false;
    }
    i += n;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sotto::metrics;
  const std::string bytes(reinterpret_cast<const char*>(data), size);
  const std::string v = escape_label_value(bytes);
  if (v.find('\n') != std::string::npos || !valid_utf8(v)) std::abort();
  for (std::size_t i = 0; i < v.size(); ++i) {
    if (v[i] != '"') continue;
    std::size_t slashes = 0;
    for (std::size_t k = i; k > 0 && v[k - 1] == '\\'; --k) ++slashes;
    if (slashes % 2 == 0) std::abort();  // a quote that would end the value
  }
  if (escape_help(bytes).find('\n') != std::string::npos) std::abort();

  Registry reg;
  reg.counter("sotto_fuzz_total", bytes.empty() ? "h" : bytes, {{"v", bytes}}).inc();
  try {
    reg.gauge("sotto_" + bytes, "h").set(1);
  } catch (const std::invalid_argument&) {
  }
  const std::string out = reg.expose();
  if (out.empty() || out.back() != '\n') std::abort();
  return 0;
}
