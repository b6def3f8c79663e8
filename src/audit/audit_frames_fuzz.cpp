// Fuzz target: the whole audit analysis driven by frames. The first byte picks a link type, the rest
// is cut into frames at FE FE; each frame goes to the Analyzer (with audio kept, so extraction runs
// too), then the report is finished and rendered as JSON and text. Properties: no crash, no read
// past the input, a report whatever the bytes.
#include <array>
#include <cstdlib>

#include "audit/analyzer.hpp"
#include "audit/json_report.hpp"
#include "audit/text_report.hpp"
#include "core/netpkt/decoder.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sotto;
  static constexpr std::array<std::uint32_t, 4> kLinks = {netpkt::LinkType::raw, netpkt::LinkType::ethernet,
                                                          netpkt::LinkType::linux_sll2, netpkt::LinkType::null};
  if (size < 2) return 0;
  audit::Analyzer a(audit::AuditOptions{.srtp_keys = {}, .keep_audio = true, .tls_keys = nullptr});
  std::uint32_t link = kLinks[data[0] % kLinks.size()];
  std::size_t start = 1;
  std::uint64_t n = 0;
  for (std::size_t i = 1; i <= size; ++i) {
    bool cut = i == size || (i + 1 < size && data[i] == 0xFE && data[i + 1] == 0xFE);
    if (!cut) continue;
    ++n;
    a.frame(n, static_cast<std::int64_t>(n) * 20'000'000, link, std::span<const std::uint8_t>(data + start, i - start));
    start = i + 2;
    if (start > size) break;
    i = start - 1;
  }
  audit::Report r = a.finish(audit::CaptureInfo{});
  auto j = audit::to_json(r);
  auto t = audit::to_text(r);
  if (j.is_null() || t.empty()) std::abort();
  return 0;
}
