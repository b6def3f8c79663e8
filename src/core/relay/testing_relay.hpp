#pragma once
// Test helpers for the relay core: a Phone is one peer of a leg, with its own SRTP contexts (the keys
// of the leg as the peer sees them) and an RTP sequence; leg_media() is what the B2BUA would hand the
// anchor for that leg.
//
//   Phone alice(srtp::SuiteId::AES_CM_128_HMAC_SHA1_80, ep(2, 4000), 0x1111, 65500, &registry);
//   relay.set_leg(now, Side::a, alice.leg_media());
//   Packet p = alice.rtp();  auto out = relay.handle_packet(now, Side::a, alice.at, false, p.span(), p.len);

#include <cstring>
#include <optional>
#include <vector>

#include "core/netpkt/ip_endpoint.hpp"
#include "core/relay/relay.hpp"
#include "core/sdes/offer.hpp"
#include "core/sdes/to_policy.hpp"
#include "core/srtp/successor.hpp"
#include "core/srtp/testing_packets.hpp"

namespace sotto::relay::testing {

inline netpkt::IpEndpoint ep(std::uint8_t last, std::uint16_t port) { return netpkt::IpEndpoint::v4({127, 0, 0, last}, port); }

struct Packet {
  std::vector<std::uint8_t> buf;   // len bytes of packet, then Relay::kTrailerRoom spare
  std::size_t len = 0;
  std::span<std::uint8_t> span() { return buf; }
  std::vector<std::uint8_t> bytes() const { return {buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(len)}; }
};

inline Packet with_room(std::vector<std::uint8_t> bytes) {
  Packet p;
  p.len = bytes.size();
  p.buf = std::move(bytes);
  p.buf.resize(p.len + Relay::kTrailerRoom);
  return p;
}

class Phone {
 public:
  // suite nullopt: plain RTP. The phone's outbound key is claimed in `registry`.
  Phone(std::optional<srtp::SuiteId> suite, netpkt::IpEndpoint where, std::uint32_t our_ssrc, std::uint16_t first_seq,
        srtp::KeyRegistry* registry)
      : at(where), ssrc(our_ssrc), seq(first_seq), suite_(suite), registry_(registry) {
    if (suite) {
      send_key = sdes::make_offer(1, *suite).value();
      recv_key = sdes::make_offer(1, *suite).value();
      tx.emplace(srtp::Context::create(srtp::Direction::outbound, sdes::to_policy(*send_key).value(), registry).value());
      rx.emplace(srtp::Context::create(srtp::Direction::inbound, sdes::to_policy(*recv_key).value()).value());
    }
  }

  // What the anchor is told for this leg: it receives with our send key, sends with our receive key.
  LegMedia leg_media(sdp::Direction d = sdp::Direction::sendrecv) const {
    LegMedia m;
    m.remote_ip = netpkt::to_string(at.address);
    m.remote_rtp_port = at.port;
    m.remote_rtcp_port = rtcp_mux ? at.port : static_cast<std::uint16_t>(at.port + 1);
    m.rtcp_mux = rtcp_mux;
    m.local_key = recv_key;
    m.remote_key = send_key;
    m.direction = d;
    return m;
  }

  // The next RTP packet, protected when SRTP; `last_plain` keeps its plaintext.
  Packet rtp(std::size_t payload = 160) {
    std::vector<std::uint8_t> p = srtp::testing::make_rtp(ssrc, seq++, payload);
    last_plain = p;
    Packet out = with_room(std::move(p));
    if (tx) out.len = tx->protect_rtp(out.span(), out.len).value();
    return out;
  }
  Packet rtcp() {
    std::vector<std::uint8_t> p = srtp::testing::make_rtcp(ssrc);
    last_plain = p;
    Packet out = with_room(std::move(p));
    if (tx) out.len = tx->protect_rtcp(out.span(), out.len).value();
    return out;
  }

  // Unprotects a copy of what the relay sent to this phone: the plaintext, or nullopt if refused.
  std::optional<std::vector<std::uint8_t>> receive(const std::uint8_t* data, std::size_t len, bool is_rtcp) {
    std::vector<std::uint8_t> b(data, data + len);
    if (!rx) return b;
    auto r = is_rtcp ? rx->unprotect_rtcp(b, b.size()) : rx->unprotect_rtp(b, b.size());
    if (!r) {
      ++refused;
      return std::nullopt;
    }
    b.resize(*r);
    return b;
  }

  // Re-keys what this phone sends (a re-INVITE with a new key of ours): indexes go on.
  void rekey_send() {
    send_key = sdes::make_offer(2, *suite_).value();
    tx.emplace(srtp::successor(srtp::Direction::outbound, sdes::to_policy(*send_key).value(), &*tx, registry_).value());
  }
  // The anchor's new key towards this phone: the phone's receiving context carries the ROC.
  void rekey_receive() {
    recv_key = sdes::make_offer(2, *suite_).value();
    rx.emplace(srtp::successor(srtp::Direction::inbound, sdes::to_policy(*recv_key).value(), &*rx).value());
  }

  netpkt::IpEndpoint at;
  std::uint32_t ssrc;
  std::uint16_t seq;
  bool rtcp_mux = false;
  std::optional<sdes::CryptoAttribute> send_key, recv_key;
  std::optional<srtp::Context> tx, rx;
  std::vector<std::uint8_t> last_plain;
  std::size_t refused = 0;

 private:
  std::optional<srtp::SuiteId> suite_;
  srtp::KeyRegistry* registry_;
};

}  // namespace sotto::relay::testing
