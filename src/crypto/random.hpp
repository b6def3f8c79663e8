#pragma once
// Cryptographically secure random bytes from OpenSSL's DRBG.
//
//   SecureBytes key(30);
//   crypto::random_bytes(key.span());                 // aborts the process if the DRBG fails
//   std::uint32_t ssrc = crypto::random_u32();

#include <cstdint>
#include <span>

#include "base/random_source.hpp"

namespace sotto::crypto {

// Never returns weak bytes: if OpenSSL's DRBG cannot produce output the process aborts, because every
// caller (keys, SSRCs, tags) would otherwise be silently insecure.
void random_bytes(std::span<std::uint8_t> out) noexcept;
std::uint32_t random_u32() noexcept;

// The DRBG as a RandomSource, for cores that take one (ua::UserAgent). One process-wide instance.
RandomSource& system_random() noexcept;

}  // namespace sotto::crypto
