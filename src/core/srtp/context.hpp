#pragma once
// Context: one direction of SRTP + SRTCP (RFC 3711) for any number of SSRCs.
//
//   auto tx = Context::create(Direction::outbound, policy).value();
//   auto n  = tx.protect_rtp(buf, rtp_len);   // buf: packet + room for tag/MKI (max_trailer())
//   if (n) send(buf.first(*n));                // in place; no heap allocation per packet
//
// Inbound: streams are created on the first packet that authenticates; outbound: on first send.
// Lookup by SSRC is O(1). Keys are wiped when the context is destroyed. An outbound context claims its
// master keys in a KeyRegistry: a second outbound context on a used key is refused (key_registry.hpp).
// Re-keying: the new context continue_from()s the old one, so indexes never restart under any key.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "base/result.hpp"
#include "core/srtp/counters.hpp"
#include "core/srtp/key_registry.hpp"
#include "core/srtp/policy.hpp"
#include "core/srtp/srtp_error.hpp"

namespace sotto::srtp {

enum class Direction : std::uint8_t { outbound, inbound };

using PacketResult = Result<std::size_t, SrtpError>;  // new length of the packet, or why it failed

class Context {
 public:
  // Fails (Errc::invalid_argument) naming the fault: wrong key/salt length for the suite, no keys,
  // MKI lengths differing, replay window out of range, KDR exponent > 24, UNAUTHENTICATED with AEAD;
  // outbound, a master key already claimed in `outbound_keys` (nullptr: not checked, for fixed vectors).
  static Result<Context> create(Direction dir, const Policy& policy,
                                KeyRegistry* outbound_keys = &KeyRegistry::process());
  Context(Context&&) noexcept;
  Context& operator=(Context&&) noexcept;
  ~Context();

  // RTP (RFC 3711 section 3.1). `buf` holds the packet in its first `len` bytes; protect needs
  // max_trailer() spare bytes after it. Returns the new length.
  PacketResult protect_rtp(std::span<std::uint8_t> buf, std::size_t len) noexcept;
  PacketResult unprotect_rtp(std::span<std::uint8_t> buf, std::size_t len) noexcept;
  // RTCP (RFC 3711 section 3.4): adds/strips E flag + SRTCP index, MKI and tag.
  PacketResult protect_rtcp(std::span<std::uint8_t> buf, std::size_t len) noexcept;
  PacketResult unprotect_rtcp(std::span<std::uint8_t> buf, std::size_t len) noexcept;

  // Bytes protect may add: SRTCP index (4) + MKI + tag.
  std::size_t max_trailer() const noexcept;

  // Rollover counter continuity (re-INVITE, transfer): nullopt if the SSRC is not known yet. set_roc
  // creates the stream if needed; on inbound it also resets the replay window to start there.
  std::optional<std::uint32_t> roc(std::uint32_t ssrc) const noexcept;
  void set_roc(std::uint32_t ssrc, std::uint32_t roc);

  // Re-keying (RFC 4568 section 7.1.4): this context replaces `previous` (same direction). Every stream
  // of `previous` goes on where it was: outbound, the RTP index (ROC and sequence) and the next SRTCP
  // index continue, so no index is ever used twice; inbound, the ROC is carried and the replay windows
  // restart with the first packet under the new key. Returns the number of streams carried.
  std::size_t continue_from(const Context& previous);
  // Inbound, the SAME master key received in another context (a party moved to another relay side,
  // keeping its key): every stream of `previous` goes on exactly where it was, ROC, highest index and
  // both replay windows, so a packet accepted there is a replay here. The caller checks the keys match
  // (a different key must use continue_from). Wrong direction on either side: nothing, 0. Returns the
  // number of streams carried.
  std::size_t resume_receiving_from(const Context& previous);
  // The SSRCs this context has state for.
  std::vector<std::uint32_t> ssrcs() const;
  // Outbound: the SRTCP index the next packet of `ssrc` gets; nullopt if the SSRC is not known yet.
  std::optional<std::uint32_t> next_srtcp_index(std::uint32_t ssrc) const noexcept;
  // The RTP index (ROC * 2^16 + SEQ, RFC 3711 section 3.3.1) protect_rtp would use now for a packet of
  // `ssrc` with sequence number `seq`; nullopt when it would refuse it as too old. For a relay, which
  // sends sequence numbers it did not choose and must not send one index twice under a key.
  std::optional<std::uint64_t> rtp_index_for(std::uint32_t ssrc, std::uint16_t seq) const noexcept;

  // Outbound: which master key (index into Policy::keys) protects from now on (RFC 3711 8.1 MKI).
  Status set_active_key(std::size_t index);
  std::size_t active_key() const noexcept;

  // Per-context counters of every outcome; see counters.hpp.
  const Counters& counters() const noexcept;
  std::size_t stream_count() const noexcept;
  const Suite& suite() const noexcept;
  Direction direction() const noexcept;

  // Opaque outside the engine (defined in context_impl.hpp); exposed for the engine's own files and
  // for vector tests that install known session keys.
  struct Impl;
  Impl& impl_ForTest() noexcept { return *impl_; }

 private:
  explicit Context(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace sotto::srtp
