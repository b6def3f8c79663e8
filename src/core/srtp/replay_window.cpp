#include "core/srtp/replay_window.hpp"

#include <algorithm>

namespace sotto::srtp {

ReplayWindow::ReplayWindow(std::uint32_t size) : size_(size), bits_((size + 63) / 64, 0) {}

ReplayWindow::Verdict ReplayWindow::check(std::uint64_t index) const noexcept {
  if (!started_ || index > highest_) return Verdict::fresh;
  std::uint64_t delta = highest_ - index;
  if (delta >= size_) return Verdict::too_old;
  return test(delta) ? Verdict::replay : Verdict::fresh;
}

void ReplayWindow::accept(std::uint64_t index) noexcept {
  if (!started_) {
    started_ = true;
    highest_ = index;
    std::fill(bits_.begin(), bits_.end(), 0);
    set(0);
    return;
  }
  if (index > highest_) {
    shift(index - highest_);
    highest_ = index;
    set(0);
  } else if (highest_ - index < size_) {
    set(highest_ - index);
  }
}

void ReplayWindow::reset() noexcept {
  started_ = false;
  highest_ = 0;
  std::fill(bits_.begin(), bits_.end(), 0);
}

bool ReplayWindow::test(std::uint64_t d) const noexcept { return (bits_[d / 64] >> (d % 64)) & 1; }
void ReplayWindow::set(std::uint64_t d) noexcept { bits_[d / 64] |= std::uint64_t{1} << (d % 64); }

void ReplayWindow::shift(std::uint64_t by) noexcept {
  // Move every bit from delta d to d + by (towards "older").
  const std::size_t words = bits_.size();
  if (by >= std::uint64_t{words} * 64) {
    std::fill(bits_.begin(), bits_.end(), 0);
    return;
  }
  const std::size_t w = static_cast<std::size_t>(by / 64);
  const unsigned b = static_cast<unsigned>(by % 64);
  for (std::size_t i = words; i-- > 0;) {
    std::uint64_t v = 0;
    if (i >= w) {
      v = bits_[i - w] << b;
      if (b != 0 && i >= w + 1) v |= bits_[i - w - 1] >> (64 - b);
    }
    bits_[i] = v;
  }
}

}  // namespace sotto::srtp
