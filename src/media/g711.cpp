#include "media/g711.hpp"

#include <algorithm>
#include <array>
#include <bit>

namespace sotto::media {
namespace {

// G.711 section 3 (mu-law): 8 segments of 16 steps over the biased magnitude |x| + 132, the code
// inverted so that an all-ones byte is positive zero.
constexpr int kUlawBias = 0x84;
constexpr int kUlawClip = 32635;

constexpr std::int16_t ulaw_expand(std::uint8_t code) {
  const int u = static_cast<std::uint8_t>(~code);
  const int exponent = (u >> 4) & 0x07;
  const int mantissa = u & 0x0F;
  const int magnitude = (((mantissa << 3) + kUlawBias) << exponent) - kUlawBias;
  return static_cast<std::int16_t>((u & 0x80) ? -magnitude : magnitude);
}

// G.711 section 2 (A-law): 13-bit magnitude, segment 0 and 1 share the step, even bits inverted
// (XOR 0x55), sign bit set for positive values. Decodes to the middle of the quantisation interval.
constexpr std::int16_t alaw_expand(std::uint8_t code) {
  const int a = code ^ 0x55;
  const int segment = (a >> 4) & 0x07;
  const int mantissa = a & 0x0F;
  const int magnitude = segment == 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (segment - 1);
  return static_cast<std::int16_t>((a & 0x80) ? magnitude : -magnitude);
}

template <std::int16_t (*Expand)(std::uint8_t)>
constexpr std::array<std::int16_t, 256> make_table() {
  std::array<std::int16_t, 256> t{};
  for (int i = 0; i < 256; ++i) t[static_cast<std::size_t>(i)] = Expand(static_cast<std::uint8_t>(i));
  return t;
}

constexpr auto kUlawTable = make_table<ulaw_expand>();
constexpr auto kAlawTable = make_table<alaw_expand>();

}  // namespace

std::uint8_t payload_type_of(G711Law law) noexcept {
  return law == G711Law::mu_law ? kPayloadTypePcmu : kPayloadTypePcma;
}

std::optional<G711Law> g711_law_of(std::uint8_t payload_type) noexcept {
  if (payload_type == kPayloadTypePcmu) return G711Law::mu_law;
  if (payload_type == kPayloadTypePcma) return G711Law::a_law;
  return std::nullopt;
}

std::uint8_t g711_silence(G711Law law) noexcept { return law == G711Law::mu_law ? 0xFF : 0xD5; }

std::uint8_t ulaw_encode(std::int16_t sample) noexcept {
  int x = sample;
  const int sign = x < 0 ? 0x80 : 0x00;
  if (x < 0) x = -x;
  x = std::min(x, kUlawClip) + kUlawBias;  // 132 .. 32767
  // Segment = position of the top bit above bit 7.
  const int exponent = std::bit_width(static_cast<unsigned>(x)) - 8;
  const int mantissa = (x >> (exponent + 3)) & 0x0F;
  return static_cast<std::uint8_t>(~(sign | (exponent << 4) | mantissa));
}

std::int16_t ulaw_decode(std::uint8_t code) noexcept { return kUlawTable[code]; }

std::uint8_t alaw_encode(std::int16_t sample) noexcept {
  int x = sample;
  int mask = 0xD5;  // positive: sign bit set, even bits inverted
  if (x < 0) {
    mask = 0x55;
    x = ~x;  // -x - 1: keeps -32768 in range
  }
  x >>= 3;  // 13-bit magnitude 0..4095
  int segment = 0;
  int mantissa = x >> 1;
  if (x >= 32) {
    segment = std::bit_width(static_cast<unsigned>(x)) - 5;  // 1..7
    mantissa = (x >> segment) & 0x0F;
  }
  return static_cast<std::uint8_t>(((segment << 4) | mantissa) ^ mask);
}

std::int16_t alaw_decode(std::uint8_t code) noexcept { return kAlawTable[code]; }

void g711_encode(G711Law law, std::span<const std::int16_t> in, std::span<std::uint8_t> out) noexcept {
  const std::size_t n = std::min(in.size(), out.size());
  if (law == G711Law::mu_law) {
    for (std::size_t i = 0; i < n; ++i) out[i] = ulaw_encode(in[i]);
  } else {
    for (std::size_t i = 0; i < n; ++i) out[i] = alaw_encode(in[i]);
  }
}

void g711_decode(G711Law law, std::span<const std::uint8_t> in, std::span<std::int16_t> out) noexcept {
  const std::size_t n = std::min(in.size(), out.size());
  const auto& table = law == G711Law::mu_law ? kUlawTable : kAlawTable;
  for (std::size_t i = 0; i < n; ++i) out[i] = table[in[i]];
}

}  // namespace sotto::media
