// Fuzz target: URI parsing. Properties: a parsed URI serializes to a string that parses to an equal
// URI (structurally and per uri_equivalent), and serialization is a fixed point. Also feeds the same
// bytes to the name-addr and Via parsers, which embed URIs and hosts.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/sip/name_addr.hpp"
#include "core/sip/uri.hpp"
#include "core/sip/via.hpp"

using namespace sotto::sip;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  if (auto u = parse_uri(in)) {
    const std::string s = serialize(*u);
    auto again = parse_uri(s);
    if (!again) std::abort();
    if (!(*again == *u)) std::abort();
    if (!uri_equivalent(*u, *again)) std::abort();
    if (serialize(*again) != s) std::abort();
  }
  if (auto na = parse_name_addr(in, "To")) {
    const std::string s = serialize(*na);
    auto again = parse_name_addr(s, "To");
    if (!again || !(*again == *na)) std::abort();
  }
  if (auto v = parse_via(in)) {
    const std::string s = serialize(*v);
    auto again = parse_via(s);
    if (!again || !(*again == *v)) std::abort();
  }
  return 0;
}
