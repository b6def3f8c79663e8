#pragma once
// LibsrtpSession: libsrtp2 behind the same Policy our srtp::Context takes, used as the reference in
// cross-check tests and as the libsrtp column of `sotto bench srtp`. Test/bench code only.
//
//   auto tx = interop::LibsrtpSession::create(srtp::Direction::outbound, policy).value();
//   auto n = tx.protect_rtp(buf, len);           // buf needs max_trailer() spare bytes
//   if (!n) std::puts(to_string(n.error()).data());   // e.g. "srtp_err_status_auth_fail"
//
// One session = one direction, any number of SSRCs (libsrtp wildcard SSRC template). For the _32 and
// NULL_AUTH suites SRTCP uses HMAC-SHA1-80 (RFC 4568 section 6.2.2), as FreeSWITCH configures it.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string_view>

#include "base/result.hpp"
#include "core/srtp/context.hpp"
#include "core/srtp/policy.hpp"
#include "core/srtp/suite.hpp"

namespace sotto::interop {

// A libsrtp srtp_err_status_t value (0 = ok), kept as int so this header needs no libsrtp include.
struct LibsrtpStatus {
  int code = 0;
  friend bool operator==(const LibsrtpStatus&, const LibsrtpStatus&) = default;
};
// "srtp_err_status_auth_fail", ... ("srtp_err_status_<n>" for values this build does not know).
std::string_view to_string(LibsrtpStatus s) noexcept;

using LibsrtpResult = Result<std::size_t, LibsrtpStatus>;

// Whether Debian's libsrtp 2.5 can run `id` with the same wire format as ours: not F8 (libsrtp 2
// dropped AES-f8), not AES_192_* (libsrtp 2.5 derives their keys with the AES-256 PRF, issue #763).
bool libsrtp_supports(srtp::SuiteId id) noexcept;

class LibsrtpSession {
 public:
  // Fails (Errc::unsupported) for suites libsrtp lacks, (Errc::invalid_argument) for key/salt sizes
  // that do not fit the suite, more than 16 master keys or features libsrtp does not model
  // (KDR, UNENCRYPTED_SRTCP, RFC 6904 header encryption), and (Errc::crypto_error) when srtp_create fails.
  static Result<LibsrtpSession> create(srtp::Direction dir, const srtp::Policy& policy);
  LibsrtpSession(LibsrtpSession&&) noexcept;
  LibsrtpSession& operator=(LibsrtpSession&&) noexcept;
  ~LibsrtpSession();

  // In place, like srtp::Context; protect needs max_trailer() bytes after the packet.
  LibsrtpResult protect_rtp(std::span<std::uint8_t> buf, std::size_t len) noexcept;
  LibsrtpResult unprotect_rtp(std::span<std::uint8_t> buf, std::size_t len) noexcept;
  LibsrtpResult protect_rtcp(std::span<std::uint8_t> buf, std::size_t len) noexcept;
  LibsrtpResult unprotect_rtcp(std::span<std::uint8_t> buf, std::size_t len) noexcept;

  // The master key (index into Policy::keys) protect uses; only meaningful with MKIs.
  Status set_active_key(std::size_t index);
  // srtp_get_stream_roc / srtp_set_stream_roc; the stream must exist (libsrtp creates it on first use).
  std::optional<std::uint32_t> roc(std::uint32_t ssrc) const noexcept;
  Status set_roc(std::uint32_t ssrc, std::uint32_t roc);

  // SRTP_MAX_TRAILER_LEN + 4 (SRTCP index): an upper bound of what protect adds. libsrtp itself
  // checks no capacity; this adapter checks the exact trailer of the suite before calling it.
  static std::size_t max_trailer() noexcept;

 private:
  struct Impl;
  explicit LibsrtpSession(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sotto::interop
