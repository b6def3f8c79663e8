#pragma once
// LossCounter: packets lost from the sequence numbers one peer sent (RFC 3550 appendix A.3: expected
// minus received), over the whole call, across changes of SSRC and sequence restarts.
//
//   LossCounter loss;
//   loss.on_packet(ssrc, seq);          // every RTP packet accepted from the peer
//   std::uint64_t lost = loss.lost();   // never negative (duplicates do not make up for losses)

#include <cstdint>

namespace sotto::relay {

class LossCounter {
 public:
  void on_packet(std::uint32_t ssrc, std::uint16_t seq) noexcept;
  std::uint64_t lost() const noexcept;

 private:
  // RFC 3550 appendix A.1: a jump this far ahead, or this far back, is a restart, not loss/misorder.
  static constexpr std::uint16_t kMaxDropout = 3000;
  static constexpr std::uint16_t kMaxMisorder = 100;
  void restart(std::uint32_t ssrc, std::uint16_t seq) noexcept;
  std::uint64_t current_lost() const noexcept;

  bool started_ = false;
  std::uint32_t ssrc_ = 0;
  std::uint16_t max_seq_ = 0;
  std::uint64_t cycles_ = 0;      // wraps of the sequence number, times 2^16
  std::uint64_t base_ = 0;        // extended sequence number of the first packet
  std::uint64_t received_ = 0;
  std::uint64_t retired_lost_ = 0;  // of earlier SSRCs / sequence runs
};

}  // namespace sotto::relay
