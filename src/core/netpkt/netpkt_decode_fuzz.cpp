// Fuzz target: the capture-parsing path. The first byte picks a link type, the rest is a frame;
// frames are decoded one after another (so fragments reassemble across inputs of one run) and TCP
// payloads go through a TcpDirection. Properties: no crash, no read past the input, spans inside
// what was given or the decoder's own buffer.
#include <array>
#include <cstdlib>

#include "core/netpkt/decoder.hpp"
#include "core/netpkt/tcp_direction.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace sotto::netpkt;
  static constexpr std::array<std::uint32_t, 9> kLinks = {
      LinkType::ethernet, LinkType::linux_sll, LinkType::linux_sll2, LinkType::raw, LinkType::null,
      LinkType::loop, LinkType::ipv4, LinkType::ipv6, 147};
  if (size < 2) return 0;
  Decoder d;
  TcpDirection tcp(4096);
  // Split the input into up to 4 frames at bytes 0xFE 0xFE so fragments can meet.
  std::uint32_t link = kLinks[data[0] % kLinks.size()];
  std::size_t start = 1;
  std::int64_t t = 0;
  for (std::size_t i = 1; i <= size; ++i) {
    bool cut = i == size || (i + 1 < size && data[i] == 0xFE && data[i + 1] == 0xFE);
    if (!cut) continue;
    auto p = d.decode(link, std::span<const std::uint8_t>(data + start, i - start), t += 1'000'000);
    if (p && p->transport == Transport::tcp) {
      auto out = tcp.add(p->tcp_seq, p->tcp_flags.syn, p->payload);
      if (out.size() > 70000) std::abort();
    }
    if (p && p->payload.size() > 70000) std::abort();
    start = i + 2;
    if (start > size) break;
    i = start - 1;
  }
  return 0;
}
