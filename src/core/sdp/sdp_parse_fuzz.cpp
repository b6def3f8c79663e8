// Fuzz target: SDP parsing. Properties: parse never crashes; whatever parses serializes to text that
// parses back to an equal value, and serializing that gives the same text (canonical form is stable).
// The offer/answer helpers run on every parsed SDP too: they must not crash on any valid input.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/sdp/offer_answer.hpp"
#include "core/sdp/sdp.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sotto::sdp;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto sdp = parse_sdp(text);
  if (!sdp) {
    if (sdp.error().context.empty()) std::abort();  // every rejection must say why
    return 0;
  }
  std::string wire = serialize(*sdp);
  auto again = parse_sdp(wire, ParseLimits{.max_bytes = 1u << 20, .max_lines = 1u << 16});
  if (!again) std::abort();
  if (!(*again == *sdp)) std::abort();
  if (serialize(*again) != wire) std::abort();

  LocalCapabilities caps{.address = "192.0.2.1"};
  caps.media.push_back({.port = 4000,
                        .protos = {"RTP/AVP", "RTP/SAVP"},
                        .codecs = {{"PCMU", 8000}, {"opus", 48000, 2}, {"telephone-event", 8000}}});
  if (auto answer = build_answer(*sdp, caps)) {
    if (answer->media.size() != sdp->media.size()) std::abort();
    if (!answered_streams(*sdp, *answer)) std::abort();  // our own answer must satisfy our own checks
  }
  (void)apply_answer(*sdp, *sdp);
  return 0;
}
