// Fuzz target: RTP and RTCP header parsing. Properties: never reads past the input; a parsed header
// never claims more bytes than were given.
#include <cstdlib>

#include "core/rtp/rtp_header.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::span<const std::uint8_t> in(data, size);
  if (auto h = sotto::rtp::parse_rtp_header(in)) {
    if (h->header_len > size) std::abort();
    if (h->extension && h->extension_offset + 4 + h->extension_len != h->header_len) std::abort();
  }
  (void)sotto::rtp::parse_rtcp_header(in);
  return 0;
}
