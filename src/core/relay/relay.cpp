#include "core/relay/relay.hpp"

#include <unordered_map>
#include <utility>

#include "core/negotiation/negotiated_session.hpp"
#include "core/rtp/rtp_header.hpp"
#include "core/sdes/to_policy.hpp"
#include "core/srtp/replay_window.hpp"
#include "core/srtp/successor.hpp"

namespace sotto::relay {

struct Relay::SideState {
  bool configured = false;
  LegMedia media;
  std::optional<netpkt::IpEndpoint> sdp_rtp;   // from the SDP; nullopt: port 0 or c=0.0.0.0 (hold)
  std::optional<netpkt::IpEndpoint> sdp_rtcp;
  std::optional<netpkt::IpEndpoint> latched_rtp;   // the source of the last accepted packet
  std::optional<netpkt::IpEndpoint> latched_rtcp;
  // Around a transfer (docs/B2BUA.md "Transfers"): where the party that left this side sent from, and
  // until when a newcomer's early media is expected.
  std::optional<netpkt::IpEndpoint> departed_rtp;
  std::optional<netpkt::IpEndpoint> departed_rtcp;
  std::optional<Timestamp> expect_new_until;
  bool quiet = false;  // set_quiet: send this side's party nothing

  // From the party that left this side in a transfer: its RTP or RTCP source (RTCP on RTP + 1 when it
  // had sent none yet, RFC 3550 11).
  bool departed_from(const netpkt::IpEndpoint& from) const noexcept {
    if (departed_rtcp && *departed_rtcp == from) return true;
    if (!departed_rtp) return false;
    return *departed_rtp == from ||
           (departed_rtp->address == from.address && departed_rtp->port != 65535 && from.port == departed_rtp->port + 1);
  }
  std::unique_ptr<srtp::Context> in;    // the peer's key: what arrives on this side
  std::unique_ptr<srtp::Context> out;   // our key: what we send to this side's peer
  LegStats stats;
  LossCounter loss;
  // RTP indexes sent per SSRC under the current outbound key: the relay sends sequence numbers it did
  // not choose, so it refuses to send one index twice under a key (RFC 3711 section 9.1).
  std::unordered_map<std::uint32_t, srtp::ReplayWindow> sent;
  std::uint32_t last_sent_ssrc = 0;
  srtp::ReplayWindow* last_sent = nullptr;

  srtp::ReplayWindow& sent_window(std::uint32_t ssrc) {
    if (last_sent != nullptr && last_sent_ssrc == ssrc) return *last_sent;
    auto it = sent.find(ssrc);
    if (it == sent.end()) it = sent.emplace(ssrc, srtp::ReplayWindow(kSentWindow)).first;
    last_sent_ssrc = ssrc;
    last_sent = &it->second;
    return *last_sent;
  }
  static constexpr std::uint32_t kSentWindow = 1024;
};

namespace {

const char* side_name(Side s) { return s == Side::a ? "side a" : "side b"; }

bool is_unspecified(const netpkt::IpAddress& a) {
  const std::size_t n = a.v6 ? 16 : 4;
  for (std::size_t i = 0; i < n; ++i) {
    if (a.bytes[i] != 0) return false;
  }
  return true;
}

}  // namespace

std::string_view to_string(Drop d) noexcept {
  switch (d) {
    case Drop::no_media: return "no media negotiated on this side";
    case Drop::malformed: return "malformed packet";
    case Drop::auth_failure: return "authentication failed";
    case Drop::stranger: return "from a source other than the latched peer";
    case Drop::no_destination: return "the other side has no destination";
    case Drop::protect_failed: return "re-encryption failed";
    case Drop::index_reuse: return "would repeat an index under the other leg's key";
    case Drop::transfer: return "around a transfer, from the party that left or a newcomer not answered yet";
    case Drop::quiet: return "the other side is quiet while its party is re-keyed";
  }
  return "?";
}

std::string describe(const RelayEvent& e) {
  const auto s = std::chrono::duration_cast<std::chrono::seconds>(e.silent_for).count();
  return "relay " + std::to_string(e.relay) + " dead (no media for " + std::to_string(s) + " s)";
}

bool looks_like_rtcp(std::span<const std::uint8_t> packet) noexcept {
  return packet.size() >= 2 && packet[1] >= 192 && packet[1] <= 223;
}

Relay::Relay(RelayId id, RelayOptions options)
    : id_(id), options_(options), sides_{std::make_unique<SideState>(), std::make_unique<SideState>()} {}
Relay::Relay(Relay&&) noexcept = default;
Relay& Relay::operator=(Relay&&) noexcept = default;
Relay::~Relay() = default;

Status Relay::set_leg(Timestamp now, Side side, const LegMedia& m, const Relay* origin) {
  SideState& s = state(side);
  const std::string who = side_name(side);
  if (m.local_key.has_value() != m.remote_key.has_value()) {
    return fail(Errc::invalid_argument, who + ": SRTP needs both our key and the peer's key, or neither");
  }
  const bool secure = m.local_key.has_value();
  if (s.configured && !m.new_peer && (s.in != nullptr) != secure) {
    return fail(Errc::invalid_argument, who + ": SRTP cannot be switched " + (secure ? "on" : "off") + " in mid-call");
  }
  std::optional<netpkt::IpEndpoint> rtp, rtcp;
  if (m.remote_rtp_port != 0) {
    auto ip = netpkt::parse_ip_address(m.remote_ip);
    if (!ip) return fail(Errc::invalid_argument, who + ": remote media address '" + m.remote_ip + "' is not an IP address");
    if (!is_unspecified(*ip)) {  // c=0.0.0.0: the old way to hold (RFC 3264 section 8.4): send nothing
      const std::uint16_t rtcp_port = m.rtcp_mux ? m.remote_rtp_port
                                      : m.remote_rtcp_port != 0 ? m.remote_rtcp_port
                                                                : static_cast<std::uint16_t>(m.remote_rtp_port + 1);
      rtp = netpkt::IpEndpoint{*ip, m.remote_rtp_port};
      rtcp = netpkt::IpEndpoint{*ip, rtcp_port};
    }
  }
  // A peer at a new address is a new peer (transfer): its contexts start afresh (RFC 4568 section 7.1.4).
  // A transfer says so (new_peer), wherever the new party is.
  const bool moved = m.new_peer || (s.sdp_rtp && rtp && *s.sdp_rtp != *rtp);

  // Build everything first: a refused key changes nothing. The outbound key last: claiming it is final.
  std::unique_ptr<srtp::Context> in, out;
  if (secure) {
    if (!s.configured || m.new_peer || !negotiation::same_key(s.media.remote_key, m.remote_key)) {
      auto p = sdes::to_policy(*m.remote_key);
      if (!p) return fail(p.error().code, who + ": the peer's key: " + p.error().context);
      // The peer's ROC goes on under its new key (RFC 3711 section 3.3.1), unless it is a new peer.
      auto c = srtp::successor(srtp::Direction::inbound, *p, moved ? nullptr : s.in.get());
      if (!c) return fail(c.error().code, who + ": the peer's key: " + c.error().context);
      in = std::make_unique<srtp::Context>(std::move(*c));
      // A party moving here from another relay side with the key it used there: its stream goes on.
      if (m.new_peer && m.continue_from && origin != nullptr && origin->id() == m.continue_from->relay) {
        const SideState& from = origin->state(m.continue_from->side);
        if (from.in && negotiation::same_key(from.media.remote_key, m.remote_key)) in->resume_receiving_from(*from.in);
      }
    }
    if (!s.configured || m.new_peer || !negotiation::same_key(s.media.local_key, m.local_key)) {
      auto p = sdes::to_policy(*m.local_key);
      if (!p) return fail(p.error().code, who + ": our key: " + p.error().context);
      // Our indexes go on under our new key, unless the peer is new and expects ROC 0.
      auto c = srtp::successor(srtp::Direction::outbound, *p, moved ? nullptr : s.out.get(), options_.outbound_keys);
      if (!c) return fail(c.error().code, who + ": our key: " + c.error().context);
      out = std::make_unique<srtp::Context>(std::move(*c));
    }
  }

  if (in) s.in = std::move(in);
  if (out) {
    s.out = std::move(out);
    s.sent.clear();  // a new key: no index has been used under it
    s.last_sent = nullptr;
  }
  if (m.new_peer) {
    s.departed_rtp = s.latched_rtp;
    s.departed_rtcp = s.latched_rtcp;
    s.expect_new_until.reset();
  }
  if (moved) {
    s.latched_rtp.reset();
    s.latched_rtcp.reset();
    s.stats.latched = false;
  }
  if (m.new_peer) {
    if (!secure) {  // a new party on plain RTP (its policy allows it): nothing of the old keys stays
      s.in.reset();
      s.out.reset();
      s.sent.clear();
      s.last_sent = nullptr;
    }
    s.stats = LegStats{};  // the leaving party's counters were recorded by the B2BUA
    s.loss = LossCounter{};
  }
  s.sdp_rtp = rtp;
  s.sdp_rtcp = rtcp;
  s.media = m;
  s.configured = true;
  last_activity_ = now;  // the dead-media clock starts again with each negotiation
  dead_reported_ = false;
  return {};
}

void Relay::expect_new_peer(Timestamp until, Side side) noexcept { state(side).expect_new_until = until; }

void Relay::set_quiet(Side side, bool quiet) noexcept { state(side).quiet = quiet; }

std::optional<netpkt::IpEndpoint> Relay::destination(Side side, Socket kind) const noexcept {
  const SideState& s = state(side);
  if (!s.configured || !s.sdp_rtp) return std::nullopt;  // nothing negotiated, port 0, or c=0.0.0.0
  if (kind == Socket::rtp) return s.latched_rtp ? s.latched_rtp : s.sdp_rtp;
  if (s.latched_rtcp) return s.latched_rtcp;
  if (s.media.rtcp_mux) return s.latched_rtp ? s.latched_rtp : s.sdp_rtp;
  return s.sdp_rtcp;
}

PacketOutcome Relay::handle_packet(Timestamp now, Side side, const netpkt::IpEndpoint& from, bool is_rtcp,
                                   std::span<std::uint8_t> buffer, std::size_t len) noexcept {
  SideState& s = state(side);
  if (!s.configured || s.media.remote_rtp_port == 0) {
    ++s.stats.dropped;
    return Unexpected(Drop::no_media);
  }
  if (len > buffer.size() || len < (is_rtcp ? 8u : 12u) || (buffer[0] >> 6) != 2) {
    ++s.stats.dropped;
    return Unexpected(Drop::malformed);
  }
  std::optional<netpkt::IpEndpoint>& latched = is_rtcp ? s.latched_rtcp : s.latched_rtp;

  if (s.in) {
    const srtp::PacketResult r = is_rtcp ? s.in->unprotect_rtcp(buffer, len) : s.in->unprotect_rtp(buffer, len);
    if (!r) {
      switch (r.error()) {
        case srtp::SrtpError::auth_failure:
        case srtp::SrtpError::replay:
        case srtp::SrtpError::too_old:
        case srtp::SrtpError::unknown_mki: {
          // A transfer's stragglers are expected, not an attack or a key mismatch: the leaving party's
          // last packets, and the newcomer's media that overtook its answer.
          const bool leaving = s.departed_from(from) && latched != from;
          const bool early = s.expect_new_until && now <= *s.expect_new_until && latched != from;
          if (leaving || early) {
            ++s.stats.dropped;
            return Unexpected(Drop::transfer);
          }
          ++s.stats.auth_failures;
          return Unexpected(Drop::auth_failure);
        }
        default:
          ++s.stats.dropped;
          return Unexpected(Drop::malformed);
      }
    }
    len = *r;
    latched = from;  // authenticated: this is the peer, wherever it is now (symmetric RTP)
    if (s.departed_from(from)) {  // the newcomer sends from there: no more stragglers to excuse
      s.departed_rtp.reset();
      s.departed_rtcp.reset();
    }
  } else {
    // Plain RTP cannot authenticate: the first source latches while nothing is latched; the SDP's
    // address always takes over; anything else is a stranger.
    if (!latched) {
      latched = from;
    } else if (*latched != from) {
      const auto& sdp = is_rtcp ? (s.media.rtcp_mux ? s.sdp_rtp : s.sdp_rtcp) : s.sdp_rtp;
      if (sdp && *sdp == from) {
        latched = from;
      } else {
        ++s.stats.dropped;
        return Unexpected(Drop::stranger);
      }
    }
  }
  s.stats.latched = true;
  ++s.stats.packets_in;
  s.stats.last_rx = now;
  last_activity_ = now;
  dead_reported_ = false;
  std::optional<rtp::RtpHeaderView> header;
  if (!is_rtcp) {
    if (auto h = rtp::parse_rtp_header(std::span<const std::uint8_t>(buffer.data(), len))) {
      header = *h;
      s.loss.on_packet(h->ssrc, h->sequence);
    }
  }

  const Side to = other(side);
  SideState& o = state(to);
  const auto dest = destination(to, is_rtcp ? Socket::rtcp : Socket::rtp);
  if (!dest) {
    ++s.stats.not_forwarded;
    return Unexpected(Drop::no_destination);
  }
  if (o.quiet) {
    ++s.stats.not_forwarded;
    return Unexpected(Drop::quiet);
  }
  if (o.out) {
    // SRTCP indexes are the context's own counter; RTP indexes follow the sender's sequence numbers.
    srtp::ReplayWindow* sent = nullptr;
    std::uint64_t index = 0;
    if (header) {
      const auto i = o.out->rtp_index_for(header->ssrc, header->sequence);
      if (i) {
        index = *i;
        sent = &o.sent_window(header->ssrc);
        if (sent->check(index) != srtp::ReplayWindow::Verdict::fresh) {
          ++s.stats.not_forwarded;
          return Unexpected(Drop::index_reuse);
        }
      }
    }
    const srtp::PacketResult r = is_rtcp ? o.out->protect_rtcp(buffer, len) : o.out->protect_rtp(buffer, len);
    if (!r) {
      ++s.stats.not_forwarded;
      return Unexpected(Drop::protect_failed);
    }
    if (sent != nullptr) sent->accept(index);
    len = *r;
  }
  ++o.stats.packets_out;
  return Forward{to, is_rtcp && !o.media.rtcp_mux ? Socket::rtcp : Socket::rtp, *dest, len};
}

bool Relay::on_hold() const noexcept {
  for (const auto& s : sides_) {
    if (!s->configured) continue;
    if (s->media.direction != sdp::Direction::sendrecv || !s->sdp_rtp) return true;
  }
  return false;
}

std::optional<Timestamp> Relay::next_timeout() const noexcept {
  if (dead_reported_ || (!sides_[0]->configured && !sides_[1]->configured) || on_hold()) return std::nullopt;
  return last_activity_ + options_.dead_after;
}

void Relay::handle_timeout(Timestamp now) {
  const auto deadline = next_timeout();
  if (!deadline || now < *deadline) return;
  event_ = RelayEvent{id_, now - last_activity_};
  dead_reported_ = true;
}

std::optional<RelayEvent> Relay::poll_event() { return std::exchange(event_, std::nullopt); }

LegStats Relay::stats(Side side) const noexcept {
  const SideState& s = state(side);
  LegStats st = s.stats;
  st.packets_lost = s.loss.lost();
  return st;
}

std::string Relay::suite(Side side) const {
  const SideState& s = state(side);
  if (!s.configured) return "";
  return s.out ? std::string(s.out->suite().name) : "RTP";
}

}  // namespace sotto::relay
