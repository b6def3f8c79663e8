#pragma once
// Relay: the sans-IO media relay of one call. Each side has the peer's key (inbound context) and ours
// (outbound context), or neither (plain RTP). A packet from one side is authenticated and decrypted in
// place, re-encrypted for the other side with that side's key, and sent to where that side's peer is.
//
//   relay::Relay r(id);
//   r.set_leg(now, Side::a, caller_media);  r.set_leg(now, Side::b, callee_media);
//   auto out = r.handle_packet(now, Side::a, from, /*is_rtcp=*/false, buf, len);  // buf: len + kTrailerRoom
//   if (out) send(out->to, out->socket, out->destination, buf.first(out->len));   // else out.error(): why dropped
//
// Latching (docs/RELAY.md): SRTP sides send to the SDP address until a packet from that side
// authenticates, then to that packet's source (symmetric RTP); a packet that fails authentication is
// dropped and counted, never latched, never forwarded. Plain RTP sides latch on the first packet from
// any source while nothing is latched; a packet from the SDP address always takes over; any other
// source is dropped as a stranger. RTP and RTCP latch separately (one address with rtcp-mux).
// No allocation and no lock per packet (an SRTP stream is created once per new SSRC).

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>

#include "base/result.hpp"
#include "base/time.hpp"
#include "core/netpkt/ip_endpoint.hpp"
#include "core/relay/anchor.hpp"
#include "core/relay/loss_counter.hpp"
#include "core/srtp/context.hpp"
#include "core/srtp/key_registry.hpp"

namespace sotto::relay {

struct RelayOptions {
  // No media from either side for this long (while neither leg is on hold): a RelayEvent.
  Duration dead_after = std::chrono::seconds(60);
  // Where outbound master keys are claimed; the process-wide registry by default.
  srtp::KeyRegistry* outbound_keys = &srtp::KeyRegistry::process();
};

// Which local socket of a side: its RTP port or its RTCP port (RTP + 1).
enum class Socket : std::uint8_t { rtp, rtcp };

enum class Drop : std::uint8_t {
  no_media,        // this side has no usable media negotiated (no set_leg yet, or port 0)
  malformed,       // not RTP/RTCP version 2, or lengths that do not fit
  auth_failure,    // SRTP/SRTCP tag, replay, too old, unknown MKI (counted in auth_failures)
  stranger,        // plain RTP from a source other than the latched one
  no_destination,  // accepted, but the other side has no media or no address yet
  protect_failed,  // could not re-encrypt (buffer too small, master key exhausted, too old)
  index_reuse,     // its RTP index was already sent under the other leg's current key (a peer that
                   // repeated sequence numbers, e.g. restarted them after its own re-key)
  transfer,        // SRTP failing authentication around a transfer: from the party that left this side, or
                   // from a newcomer before its answer (expect_new_peer); counted in `dropped`
  quiet,           // accepted, but the other side is quiet (set_quiet: its party is being re-keyed)
};
std::string_view to_string(Drop d) noexcept;

// Where the (now re-encrypted) packet goes: out of side `to`'s `socket`, to `destination`.
struct Forward {
  Side to = Side::a;
  Socket socket = Socket::rtp;
  netpkt::IpEndpoint destination;
  std::size_t len = 0;
};

using PacketOutcome = Result<Forward, Drop>;

// Dead media: no packet accepted from either side for `silent_for`.
struct RelayEvent {
  RelayId relay = 0;
  Duration silent_for{};
};
// "relay 7 dead (no media for 60 s)"
std::string describe(const RelayEvent& e);

// RFC 5761 section 4: on a multiplexed port, RTCP packet types are 192..223 (after the version byte).
bool looks_like_rtcp(std::span<const std::uint8_t> packet) noexcept;

class Relay {
 public:
  // Room a receive buffer needs after the packet for re-encryption: SRTCP index + MKI + tag (<= 24).
  static constexpr std::size_t kTrailerRoom = 64;

  explicit Relay(RelayId id, RelayOptions options = {});
  Relay(Relay&&) noexcept;
  Relay& operator=(Relay&&) noexcept;
  ~Relay();

  RelayId id() const noexcept { return id_; }

  // After each completed offer/answer on that side (MediaAnchor::set_leg). Fails, changing nothing:
  // one key without the other, a key to_policy refuses, an outbound key used before (KeyRegistry), SRTP
  // switched on or off once the side has media, an unusable remote address.
  // `origin`: the relay named by media.continue_from (the caller looks it up; may be this relay), or
  // nullptr when there is none (then the side starts afresh). Only read.
  Status set_leg(Timestamp now, Side side, const LegMedia& media, const Relay* origin = nullptr);
  // MediaAnchor::expect_new_peer: a transfer's offer for this side went out; see there.
  void expect_new_peer(Timestamp until, Side side) noexcept;
  // MediaAnchor::set_quiet: while true, nothing (RTP or RTCP) is sent to this side's party.
  void set_quiet(Side side, bool quiet) noexcept;

  // One datagram received on `side` from `from`; `is_rtcp`: it came on the RTCP port, or on a
  // multiplexed RTP port and looks_like_rtcp(). `buffer` holds it in its first `len` bytes and must
  // have kTrailerRoom to spare. Transformed in place; never throws, never allocates (but for a new SSRC).
  PacketOutcome handle_packet(Timestamp now, Side side, const netpkt::IpEndpoint& from, bool is_rtcp,
                              std::span<std::uint8_t> buffer, std::size_t len) noexcept;

  // Dead-media deadline; nullopt while a leg is on hold or disabled, before any leg, or once reported.
  std::optional<Timestamp> next_timeout() const noexcept;
  void handle_timeout(Timestamp now);
  std::optional<RelayEvent> poll_event();

  LegStats stats(Side side) const noexcept;
  // The suite protecting what this side's peer receives, or "RTP" (unencrypted); "" before set_leg.
  std::string suite(Side side) const;
  // Where a side's RTP/RTCP goes now (latched or from the SDP); nullopt when nowhere yet.
  std::optional<netpkt::IpEndpoint> destination(Side side, Socket socket) const noexcept;

 private:
  struct SideState;
  SideState& state(Side s) noexcept { return *sides_[static_cast<std::size_t>(s)]; }
  const SideState& state(Side s) const noexcept { return *sides_[static_cast<std::size_t>(s)]; }
  bool on_hold() const noexcept;

  RelayId id_;
  RelayOptions options_;
  std::array<std::unique_ptr<SideState>, 2> sides_;
  Timestamp last_activity_{};   // last accepted packet or set_leg
  bool dead_reported_ = false;
  std::optional<RelayEvent> event_;
};

}  // namespace sotto::relay
