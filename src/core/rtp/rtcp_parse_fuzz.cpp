// Fuzz target: compound RTCP parsing. Properties: never crashes or reads past the input; whatever
// parses serialises again, to no more bytes than were given (padding is dropped), and re-parses to
// the same model (round trip).
#include <cstdlib>

#include "core/rtp/rtcp_parse.hpp"
#include "core/rtp/rtcp_serialize.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sotto::rtp;
  auto c = parse_rtcp(std::span<const std::uint8_t>(data, size));
  if (!c) return 0;
  auto bytes = serialize_rtcp(*c);
  if (!bytes) std::abort();
  if (bytes->size() > size) std::abort();
  auto again = parse_rtcp(*bytes);
  if (!again || !(*again == *c)) std::abort();
  return 0;
}
