#pragma once
// MediaRelay: the media anchor of `sotto serve` on Asio. Each relay (one call) binds an even RTP port and
// RTCP = RTP + 1 per side from the configured range, receives with recvmmsg batches, drives the sans-IO
// relay core (core/relay/relay.hpp: decrypt, re-encrypt for the other leg, latching, counters) and sends
// with sendmmsg. All relays share one io_context and one set of packet buffers: no allocation per packet.
//
//   auto anchor = MediaRelay::create(io, clock, {.media_ip = "127.0.0.1", .port_min = 30000, .port_max = 40000},
//                                     [&](relay::RelayId r, const std::string& why) { b2bua.hang_up(r, why); }).value();
//   relay::RelayId r = anchor->open(clock.now()).value();   anchor->local(r, relay::Side::a).rtp_port ...
//   anchor->set_leg(clock.now(), r, relay::Side::a, caller_media);  ...  anchor->close(r);

#include <array>
#include <asio/io_context.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/result.hpp"
#include "core/relay/anchor.hpp"
#include "core/relay/relay.hpp"
#include "io/clock.hpp"
#include "io/timer.hpp"
#include "io/udp_socket.hpp"

namespace sotto::runtime {

struct MediaRelayOptions {
  std::string media_ip = "127.0.0.1";   // where the relay sockets are bound and what local() reports
  // Even RTP ports in [port_min, port_max), RTCP = RTP + 1 < port_max. From "--rtp-ports LO-HI" (both
  // inclusive, parsed by config::parse_port_range): port_min = LO, port_max = HI + 1 (65535 at most).
  std::uint16_t port_min = 30000;
  std::uint16_t port_max = 40000;
  relay::RelayOptions relay{};          // dead_after (default 60 s), the outbound key registry
  std::chrono::milliseconds check_interval{1000};  // how often relays are checked for dead media
};

class MediaRelay final : public relay::MediaAnchor {
 public:
  // Called on the io_context when a relay's media died: "relay 7 dead (no media for 60 s)". The relay
  // stays open (and reports again only after media came back and stopped): the caller ends the call
  // and close()s it; close() may be called from inside the callback.
  using DeadHandler = std::function<void(relay::RelayId relay, const std::string& reason)>;

  // Checks the options (media_ip an IP literal, a range with room for a port pair). Binds nothing yet.
  static Result<std::unique_ptr<MediaRelay>> create(asio::io_context& io, const io::Clock& clock,
                                                    MediaRelayOptions options, DeadHandler on_dead = {});
  ~MediaRelay() override;
  MediaRelay(const MediaRelay&) = delete;
  MediaRelay& operator=(const MediaRelay&) = delete;

  // relay::MediaAnchor. open() binds both sides' port pairs (Errc::limit_exceeded naming the range when
  // no free pair is left). Unknown ids: local() gives an empty address, stats() zeros, set_leg()
  // Errc::not_found, close() nothing.
  Result<relay::RelayId> open(Timestamp now) override;
  relay::AnchorAddress local(relay::RelayId relay, relay::Side side) const override;
  Status set_leg(Timestamp now, relay::RelayId relay, relay::Side side, const relay::LegMedia& media) override;
  relay::LegStats stats(relay::RelayId relay, relay::Side side) const override;
  void expect_new_peer(Timestamp until, relay::RelayId relay, relay::Side side) override;
  void set_quiet(relay::RelayId relay, relay::Side side, bool quiet) override;
  void close(relay::RelayId relay) override;

  // The suite protecting what the relay sends to that side ("RTP" when plain, "" when unknown).
  std::string suite(relay::RelayId relay, relay::Side side) const;
  std::size_t relay_count() const noexcept { return relays_.size(); }
  const MediaRelayOptions& options() const noexcept { return options_; }

 private:
  struct Entry;
  MediaRelay(asio::io_context& io, const io::Clock& clock, MediaRelayOptions options, DeadHandler on_dead);
  Result<std::uint16_t> bind_pair(Entry& e, relay::Side side);
  void receive(std::shared_ptr<Entry> e, relay::Side side, relay::Socket kind);
  void on_readable(Entry& e, relay::Side side, relay::Socket kind);
  void arm_check();
  void check(Timestamp now);

  static constexpr std::size_t kBufferSize = 2048;   // a datagram plus relay::Relay::kTrailerRoom
  asio::io_context& io_;
  const io::Clock& clock_;
  MediaRelayOptions options_;
  DeadHandler on_dead_;
  std::unordered_map<relay::RelayId, std::shared_ptr<Entry>> relays_;
  std::unordered_set<std::uint16_t> ports_in_use_;   // RTP ports of our open relays
  std::uint16_t next_port_ = 0;
  relay::RelayId next_id_ = 1;
  io::Timer check_timer_;
  // One receive batch and its sends, shared by every socket (one io_context thread).
  std::vector<std::uint8_t> buffers_;
  std::array<io::Datagram, io::UdpSocket::kMaxBatch> in_{};
  std::array<std::array<io::Datagram, io::UdpSocket::kMaxBatch>, 2> out_{};   // by relay::Socket
};

}  // namespace sotto::runtime
