#pragma once
// Constant-time comparison for authentication tags.
//
//   if (!crypto::constant_time_equal(computed_tag, received_tag)) return SrtpError::auth_failure;

#include <cstdint>
#include <span>

namespace sotto::crypto {

bool constant_time_equal(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) noexcept;

}  // namespace sotto::crypto
