#pragma once
// MediaAnchor: what the B2BUA asks of the media relay. Each call gets one relay with two sides: side `a`
// faces the caller, side `b` the callee. The B2BUA puts the anchor's local address in the SDP it sends
// on each leg and, after every completed offer/answer on a leg (the first and each re-INVITE), tells the
// anchor what that leg negotiated. The anchor decrypts what arrives on one side and re-encrypts it for
// the other side with that side's own keys (RTP <-> SRTP where the legs differ).
//
//   relay::RelayId r = anchor.open(now).value();
//   sdp for the caller uses anchor.local(r, Side::a); sdp for the callee uses anchor.local(r, Side::b);
//   anchor.set_leg(now, r, Side::a, {.remote_ip = "127.0.0.1", .remote_rtp_port = 40000, ...});
//   ... anchor.stats(r, Side::a).auth_failures ...;   anchor.close(r);
//
// Implementations: a sans-IO relay core (core/relay) driven by relay sockets in the runtime; tests use a
// fake. Keys in LegMedia are secrets: never log them.

#include <cstdint>
#include <optional>
#include <string>

#include "base/result.hpp"
#include "base/time.hpp"
#include "core/sdes/crypto_attribute.hpp"
#include "core/sdp/direction.hpp"

namespace sotto::relay {

using RelayId = std::uint64_t;

enum class Side : std::uint8_t { a, b };  // a: the caller's leg, b: the callee's leg
constexpr Side other(Side s) noexcept { return s == Side::a ? Side::b : Side::a; }

// Where the anchor receives a side's media: RTCP on rtp_port + 1 (RFC 3550), or on rtp_port with rtcp-mux.
struct AnchorAddress {
  std::string ip;
  std::uint16_t rtp_port = 0;
};

// A relay side a party used before it moved (attended transfer: R2's side of call 2's relay).
struct LegOrigin {
  RelayId relay = 0;
  Side side = Side::a;
};

// One leg's media as last negotiated. Both keys nullopt: plain RTP on this leg. `local_key` is the
// a=crypto line we sent on this leg (it protects what the anchor sends to this peer); `remote_key` the
// peer's (what the peer sends to the anchor). The anchor compares with the leg's previous LegMedia: a key
// unchanged (negotiation::same_key) keeps its SRTP context, so RTP ROC/sequence and SRTCP index simply
// continue; a changed key replaces only that direction's context (RFC 3711 3.3.1, RFC 4568 7.1.4); an
// outbound master key is never used for a second context (srtp::KeyRegistry).
struct LegMedia {
  std::string remote_ip;               // c= of the peer's SDP
  std::uint16_t remote_rtp_port = 0;   // m= port; 0 = stream rejected/disabled
  std::uint16_t remote_rtcp_port = 0;  // a=rtcp, else rtp + 1; = rtp with rtcp-mux
  bool rtcp_mux = false;
  std::optional<sdes::CryptoAttribute> local_key;
  std::optional<sdes::CryptoAttribute> remote_key;
  sdp::Direction direction = sdp::Direction::sendrecv;  // as seen from the anchor towards this peer
  // Another party takes this side over (a transfer, docs/B2BUA.md "Transfers"), even at the same
  // address: both contexts start afresh (ROC 0, no predecessor), latching starts again (the first
  // packet that authenticates under the new peer's key), the side's counters start at zero (the B2BUA
  // recorded the leaving party's), and no index window of the old key is kept. The leaving party's last
  // packets (sent before its BYE reached it) are dropped without counting as authentication failures.
  bool new_peer = false;
  // With new_peer: the party is not new to us, it moves here from that relay side (attended transfer).
  // If its key here is the same key it used there (negotiation::same_key: it kept its key in its answer,
  // RFC 4568 section 6.1), the inbound context goes on with its state there (ROC, highest index, replay
  // windows, srtp::Context::resume_receiving_from), so a sender past 2^16 packets still authenticates;
  // with another key, or when that relay side is gone or had no SRTP, it starts afresh as any new peer.
  // Only what the party sends is carried: our outbound key on this side is fresh as for any new peer.
  std::optional<LegOrigin> continue_from;
};

struct LegStats {
  std::uint64_t packets_in = 0;        // RTP+RTCP received and authenticated (or plain) on this side
  std::uint64_t packets_out = 0;       // RTP+RTCP sent to this side's peer
  std::uint64_t auth_failures = 0;     // SRTP/SRTCP that failed authentication or replay check (dropped)
  std::uint64_t dropped = 0;           // other drops: from a stranger before/after latching, malformed
  std::uint64_t not_forwarded = 0;     // accepted from this side's peer but not sent on: the other side
                                       // has no media/address yet, re-encryption failed, or the
                                       // index was already sent under the other leg's key
  std::uint64_t packets_lost = 0;      // from sequence gaps of what this side's peer sent
  bool latched = false;                // the peer's source address is known (first authenticated packet)
  std::optional<Timestamp> last_rx;    // last packet accepted from this side's peer
};

class MediaAnchor {
 public:
  virtual ~MediaAnchor() = default;
  // Reserves both sides' ports for a new call (Errc::limit_exceeded naming the port range when full).
  virtual Result<RelayId> open(Timestamp now) = 0;
  virtual AnchorAddress local(RelayId relay, Side side) const = 0;
  // After each completed offer/answer on that side's leg. Fails (changing nothing) when the media cannot
  // be used: a key that does not convert to an SRTP policy, an outbound key used before, SRTP switched
  // on or off in mid-call. media.continue_from names a relay side of this anchor (still open).
  virtual Status set_leg(Timestamp now, RelayId relay, Side side, const LegMedia& media) = 0;
  virtual LegStats stats(RelayId relay, Side side) const = 0;
  // A transfer is about to bring another party onto `side` (an offer with this side's address went to
  // it): until `until` or its set_leg(new_peer), SRTP that fails authentication there and comes from a
  // source other than the latched party is the newcomer's early media (sent as soon as it answers, ahead
  // of its answer), dropped without counting as an authentication failure. Default: nothing.
  virtual void expect_new_peer(Timestamp until, RelayId relay, Side side) {
    (void)until;
    (void)relay;
    (void)side;
  }
  // While `quiet`, the relay sends `side`'s party nothing (RTP or RTCP; what arrives from it is still
  // relayed): an attended transfer re-INVITEs that party with our new key, and a packet under the old key
  // still on its way when it switches would fail its authentication. Default: nothing.
  virtual void set_quiet(RelayId relay, Side side, bool quiet) {
    (void)relay;
    (void)side;
    (void)quiet;
  }
  // Ends the relay: sockets closed, contexts (and their keys) wiped. Unknown ids are ignored.
  virtual void close(RelayId relay) = 0;
};

}  // namespace sotto::relay
