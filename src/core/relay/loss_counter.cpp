#include "core/relay/loss_counter.hpp"

namespace sotto::relay {

void LossCounter::restart(std::uint32_t ssrc, std::uint16_t seq) noexcept {
  if (started_) retired_lost_ += current_lost();
  started_ = true;
  ssrc_ = ssrc;
  max_seq_ = seq;
  cycles_ = 0;
  base_ = seq;
  received_ = 1;
}

void LossCounter::on_packet(std::uint32_t ssrc, std::uint16_t seq) noexcept {
  if (!started_ || ssrc != ssrc_) {
    restart(ssrc, seq);
    return;
  }
  const auto ahead = static_cast<std::uint16_t>(seq - max_seq_);
  if (ahead < kMaxDropout) {
    if (seq < max_seq_) cycles_ += 65536;  // wrapped
    max_seq_ = seq;
  } else if (static_cast<std::uint16_t>(max_seq_ - seq) > kMaxMisorder) {
    restart(ssrc, seq);  // a large jump either way: the sender restarted its sequence
    return;
  }
  ++received_;  // in order, duplicate or late: all received
}

std::uint64_t LossCounter::current_lost() const noexcept {
  if (!started_) return 0;
  const std::uint64_t expected = cycles_ + max_seq_ - base_ + 1;
  return expected > received_ ? expected - received_ : 0;
}

std::uint64_t LossCounter::lost() const noexcept { return retired_lost_ + current_lost(); }

}  // namespace sotto::relay
