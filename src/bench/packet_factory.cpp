#include "bench/packet_factory.hpp"

#include <cstring>

namespace sotto::bench {
namespace {

void be16(std::uint8_t* p, std::uint32_t v) {
  p[0] = static_cast<std::uint8_t>(v >> 8);
  p[1] = static_cast<std::uint8_t>(v);
}
void be32(std::uint8_t* p, std::uint32_t v) {
  be16(p, v >> 16);
  be16(p + 2, v);
}

}  // namespace

PacketFactory::PacketFactory(PacketShape shape) : shape_(shape), template_(shape.bytes, 0) {
  std::uint8_t* p = template_.data();
  if (shape.kind == PacketKind::rtp) {
    p[0] = 0x80;  // V=2, no padding/extension/CSRC
    p[1] = 0;     // PT 0 (PCMU)
    be32(p + 4, 0x12345678);
    be32(p + 8, kSsrc);
    for (std::size_t i = 12; i < template_.size(); ++i) p[i] = static_cast<std::uint8_t>(i * 7 + 3);
    return;
  }
  // RFC 3550 6.4.1 SR with one report block (52 bytes) + 6.5 SDES with one CNAME chunk (28 bytes).
  p[0] = 0x81;
  p[1] = 200;
  be16(p + 2, 52 / 4 - 1);
  be32(p + 4, kSsrc);
  for (std::size_t i = 8; i < 52; ++i) p[i] = static_cast<std::uint8_t>(i * 11);
  std::uint8_t* sdes = p + 52;
  sdes[0] = 0x81;
  sdes[1] = 202;
  be16(sdes + 2, 28 / 4 - 1);
  be32(sdes + 4, kSsrc);
  sdes[8] = 1;    // CNAME
  sdes[9] = 16;   // 16 characters, then END and padding up to 28 bytes
  std::memcpy(sdes + 10, "bench@sotto.test", 16);
}

std::size_t PacketFactory::write(std::span<std::uint8_t> buf, std::uint64_t index) const noexcept {
  std::memcpy(buf.data(), template_.data(), template_.size());
  if (shape_.kind == PacketKind::rtp) {
    be16(buf.data() + 2, static_cast<std::uint32_t>(index & 0xffff));
    be32(buf.data() + 4, static_cast<std::uint32_t>(index * 160));
  }
  return template_.size();
}

std::span<const std::uint8_t> PacketFactory::plaintext(std::uint64_t index, std::vector<std::uint8_t>& out) const {
  out.resize(template_.size());
  write(out, index);
  return out;
}

}  // namespace sotto::bench
