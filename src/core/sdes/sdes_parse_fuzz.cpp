// Fuzz target: a=crypto parsing. Properties: whatever parses is valid, serializes to a line that parses
// back to an equal attribute (round trip) and re-serializes identically; whatever to_policy accepts,
// the SRTP engine accepts too.
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "core/sdes/crypto_attribute.hpp"
#include "core/sdes/to_policy.hpp"
#include "core/srtp/context.hpp"

namespace {

[[noreturn]] void die(const char* what, const std::string& detail) {
  std::fprintf(stderr, "sdes_parse_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sotto;
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto a = sdes::parse_crypto_attribute(text);
  if (!a) return 0;
  if (auto v = sdes::validate(*a); !v) die("parsed attribute fails validate()", v.error().message());

  const std::string line = sdes::serialize(*a);
  auto b = sdes::parse_crypto_attribute(line);
  if (!b) die("serialized attribute does not parse", line + "\n" + b.error().message());
  if (!(*a == *b)) die("round trip changed the attribute", line);
  if (sdes::serialize(*b) != line) die("serialization is not stable", line);

  if (auto p = sdes::to_policy(*a)) {
    auto ctx = srtp::Context::create(srtp::Direction::inbound, *p);
    if (!ctx) die("engine refuses to_policy output", line + "\n" + ctx.error().message());
  }
  return 0;
}
