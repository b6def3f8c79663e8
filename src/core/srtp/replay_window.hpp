#pragma once
// ReplayWindow: a sliding bitmap of recently accepted packet indices (RFC 3711 section 3.3.2).
//
//   ReplayWindow w(128);
//   if (auto st = w.check(index); st == ReplayWindow::Verdict::fresh) { /* authenticate */ w.accept(index); }
//
// check() never changes state: the window only moves after the packet authenticated.

#include <cstdint>
#include <vector>

namespace sotto::srtp {

class ReplayWindow {
 public:
  enum class Verdict : std::uint8_t { fresh, replay, too_old };

  explicit ReplayWindow(std::uint32_t size = 128);

  Verdict check(std::uint64_t index) const noexcept;
  void accept(std::uint64_t index) noexcept;
  // Forget history; the next accepted index starts the window.
  void reset() noexcept;

  bool empty() const noexcept { return !started_; }
  std::uint64_t highest() const noexcept { return highest_; }
  std::uint32_t size() const noexcept { return size_; }

 private:
  bool test(std::uint64_t delta) const noexcept;
  void set(std::uint64_t delta) noexcept;
  void shift(std::uint64_t by) noexcept;

  std::uint32_t size_;
  bool started_ = false;
  std::uint64_t highest_ = 0;
  // bit d of the bitmap (word d/64, bit d%64) is set when index highest_ - d was accepted.
  std::vector<std::uint64_t> bits_;
};

}  // namespace sotto::srtp
