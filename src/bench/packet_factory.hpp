#pragma once
// PacketFactory: the plaintext packets the SRTP bench feeds every implementation: RTP with a 12-byte
// header (PT 0, fixed SSRC) and a patterned payload, or an 80-byte compound RTCP (SR + SDES CNAME).
//
//   PacketFactory f({PacketKind::rtp, 172});
//   std::size_t n = f.write(buf, /*index=*/65536);   // seq 0 (ROC 1); returns 172
//   // RTCP: the same 80 bytes each time (the SRTCP index lives in the trailer)

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "bench/srtp_runner.hpp"

namespace sotto::bench {

class PacketFactory {
 public:
  explicit PacketFactory(PacketShape shape);
  // Copies the plaintext for RTP packet index `index` (seq = index mod 2^16) into `buf`; returns its
  // length. `buf` must hold shape.bytes.
  std::size_t write(std::span<std::uint8_t> buf, std::uint64_t index) const noexcept;
  std::span<const std::uint8_t> plaintext(std::uint64_t index, std::vector<std::uint8_t>& out) const;

  static constexpr std::uint32_t kSsrc = 0x5077E0AA;

 private:
  PacketShape shape_;
  std::vector<std::uint8_t> template_;
};

}  // namespace sotto::bench
