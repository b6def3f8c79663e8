#pragma once
// SecureBytes: an owning byte buffer for key material, wiped when freed or reassigned.
//
//   SecureBytes master_key(16);
//   crypto::random_bytes(master_key.span());
//   // ... on destruction the bytes are overwritten before the memory is released.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace sotto {

// Overwrites memory in a way the optimiser may not remove.
void secure_wipe(void* p, std::size_t n) noexcept;

class SecureBytes {
 public:
  SecureBytes() = default;
  explicit SecureBytes(std::size_t n) : b_(n) {}
  explicit SecureBytes(std::span<const std::uint8_t> src) : b_(src.begin(), src.end()) {}
  SecureBytes(const SecureBytes& o) : b_(o.b_) {}
  SecureBytes(SecureBytes&& o) noexcept : b_(std::move(o.b_)) {}
  SecureBytes& operator=(const SecureBytes& o) {
    if (this != &o) {
      wipe();
      b_ = o.b_;
    }
    return *this;
  }
  SecureBytes& operator=(SecureBytes&& o) noexcept {
    if (this != &o) {
      wipe();
      b_ = std::move(o.b_);
    }
    return *this;
  }
  ~SecureBytes() { wipe(); }

  std::size_t size() const noexcept { return b_.size(); }
  bool empty() const noexcept { return b_.empty(); }
  std::uint8_t* data() noexcept { return b_.data(); }
  const std::uint8_t* data() const noexcept { return b_.data(); }
  std::span<std::uint8_t> span() noexcept { return b_; }
  std::span<const std::uint8_t> span() const noexcept { return b_; }
  std::uint8_t& operator[](std::size_t i) noexcept { return b_[i]; }
  std::uint8_t operator[](std::size_t i) const noexcept { return b_[i]; }

  friend bool operator==(const SecureBytes& a, const SecureBytes& b) { return a.b_ == b.b_; }

 private:
  void wipe() noexcept {
    if (!b_.empty()) secure_wipe(b_.data(), b_.size());
  }
  std::vector<std::uint8_t> b_;
};

}  // namespace sotto
