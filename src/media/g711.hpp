#pragma once
// G.711 (ITU-T G.711): PCMU (mu-law, RTP payload type 0) and PCMA (A-law, payload type 8) coding of
// 16-bit linear PCM, one byte per sample.
//
//   std::array<std::uint8_t, 160> payload;
//   media::g711_encode(G711Law::mu_law, pcm_frame, payload);   // 160 samples -> 160 bytes
//   media::g711_decode(G711Law::mu_law, payload, pcm_frame);

#include <cstdint>
#include <optional>
#include <span>

namespace sotto::media {

enum class G711Law : std::uint8_t {
  mu_law,  // PCMU, RFC 3551 section 4.5.14, static payload type 0
  a_law,   // PCMA, static payload type 8
};

inline constexpr std::uint8_t kPayloadTypePcmu = 0;
inline constexpr std::uint8_t kPayloadTypePcma = 8;

// The static payload type of a law, and the law of a static payload type (nullopt: not G.711).
std::uint8_t payload_type_of(G711Law law) noexcept;
std::optional<G711Law> g711_law_of(std::uint8_t payload_type) noexcept;

// Silence: mu-law 0xFF (positive zero), A-law 0xD5 (smallest positive step, decodes to +8).
std::uint8_t g711_silence(G711Law law) noexcept;

// Single samples. mu-law clips magnitudes above 32635 (decodes to +-32124); A-law uses the top 13 bits.
std::uint8_t ulaw_encode(std::int16_t sample) noexcept;
std::int16_t ulaw_decode(std::uint8_t code) noexcept;
std::uint8_t alaw_encode(std::int16_t sample) noexcept;
std::int16_t alaw_decode(std::uint8_t code) noexcept;

// Whole frames: converts min(in.size(), out.size()) samples.
void g711_encode(G711Law law, std::span<const std::int16_t> in, std::span<std::uint8_t> out) noexcept;
void g711_decode(G711Law law, std::span<const std::uint8_t> in, std::span<std::int16_t> out) noexcept;

}  // namespace sotto::media
