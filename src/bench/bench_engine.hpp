#pragma once
// BenchEngine: one SRTP implementation (sotto, libsrtp or raw OpenSSL EVP) behind one interface, a
// sender and a receiver for one suite and one packet kind, so the runner treats all three alike.
//
//   auto e = make_engine(Impl::sotto, SuiteId::AEAD_AES_128_GCM, PacketKind::rtp).value();
//   std::size_t n = e->protect(buf, len, index);     // 0 = failed
//   std::size_t m = e->unprotect(buf, n, index);     // index: RTP packet index (ROC << 16 | seq)

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>

#include "base/result.hpp"
#include "core/srtp/suite.hpp"

namespace sotto::bench {

enum class Impl : std::uint8_t { sotto, libsrtp, evp };
enum class PacketKind : std::uint8_t { rtp, rtcp };

std::string_view to_string(Impl i) noexcept;
std::string_view to_string(PacketKind k) noexcept;

class BenchEngine {
 public:
  virtual ~BenchEngine() = default;
  // In place; return the new length, 0 on failure. `index` is the RTP packet index (ROC * 2^16 + SEQ)
  // of the packet in `buf`, or for SRTCP the sender's packet count; sotto and libsrtp track both
  // themselves and ignore it, the EVP baseline takes it instead of estimating it.
  virtual std::size_t protect(std::span<std::uint8_t> buf, std::size_t len, std::uint64_t index) noexcept = 0;
  virtual std::size_t unprotect(std::span<std::uint8_t> buf, std::size_t len, std::uint64_t index) noexcept = 0;
};

// Whether `impl` can run `suite` in this build (libsrtp: compiled in and interoperable; evp: AES-CM
// with HMAC-SHA1, AES-GCM).
bool engine_available(Impl impl, srtp::SuiteId suite) noexcept;

// Sender and receiver keyed with the same fixed master key (bench keys, not secret).
Result<std::unique_ptr<BenchEngine>> make_engine(Impl impl, srtp::SuiteId suite, PacketKind kind);

}  // namespace sotto::bench
