// Fuzz target: parse_since on any text. Properties: no crash; an error names the text; an absolute time
// formats with format_utc_ms and parses back to itself.
#include <cstdlib>
#include <string>

#include "store/time_text.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sotto;
  const std::string text(reinterpret_cast<const char*>(data), size);
  constexpr std::int64_t kNow = 1'796'083'200'000;
  auto r = store::parse_since(text, kNow);
  if (!r) {
    if (r.error().context.find("--since '") != 0) std::abort();
    return 0;
  }
  if (!text.empty() && text[0] >= '0' && text[0] <= '9' && text.size() >= 10 && text[4] == '-') {
    auto again = store::parse_since(store::format_utc_ms(*r), kNow);
    if (!again || *again != *r) std::abort();
  }
  return 0;
}
