#pragma once
// Decoder: one captured frame (link type + bytes) to its UDP datagram or TCP segment, reassembling
// IPv4/IPv6 fragments on the way. Sans-IO: frames and their times in, packets out.
//
//   Decoder d;
//   auto p = d.decode(LinkType::ethernet, frame_bytes, time_ns);
//   if (!p) note(p.error().message());                 // "IPv4: header length 12 < 20"
//   else if (p->transport == Transport::udp) handle(p->src, p->dst, p->payload);
//
// Link types: Ethernet (with 802.1Q/802.1ad VLAN tags, stacked), Linux cooked SLL and SLL2, raw IP,
// IPv4/IPv6 link types, BSD loopback (NULL, LOOP). Frames that are not IP/UDP/TCP decode to
// Transport::none without error; a fragment waiting for the rest too.

#include <cstdint>
#include <span>
#include <vector>

#include "base/result.hpp"
#include "core/netpkt/ip_endpoint.hpp"

namespace sotto::netpkt {

// LINKTYPE_* values (pcap-linktype(7)); libpcap reports DLT_RAW as 12 (14 on OpenBSD), also accepted.
namespace LinkType {
inline constexpr std::uint32_t null = 0;
inline constexpr std::uint32_t ethernet = 1;
inline constexpr std::uint32_t raw = 101;
inline constexpr std::uint32_t loop = 108;
inline constexpr std::uint32_t linux_sll = 113;
inline constexpr std::uint32_t ipv4 = 228;
inline constexpr std::uint32_t ipv6 = 229;
inline constexpr std::uint32_t linux_sll2 = 276;
}  // namespace LinkType

enum class Transport : std::uint8_t { none, udp, tcp };

struct TcpFlags {
  bool syn = false, fin = false, rst = false, ack = false;
};

struct Packet {
  Transport transport = Transport::none;
  IpEndpoint src, dst;
  std::span<const std::uint8_t> payload;  // into the frame, or the decoder's reassembly buffer
  std::uint32_t tcp_seq = 0;
  TcpFlags tcp_flags;
  bool reassembled = false;               // rebuilt from IP fragments
};

struct DecoderLimits {
  std::size_t max_pending_datagrams = 64;          // fragments of this many datagrams at once
  std::int64_t fragment_timeout_ns = 30'000'000'000;  // RFC 791 suggests 15 s; Linux uses 30 s
};

class Decoder {
 public:
  explicit Decoder(DecoderLimits limits = {}) : limits_(limits) {}
  // The packet's spans stay valid until the next decode().
  Result<Packet> decode(std::uint32_t link_type, std::span<const std::uint8_t> frame, std::int64_t time_ns);
  std::size_t pending_fragments() const noexcept { return pending_.size(); }

 private:
  struct Pending {
    IpAddress src, dst;
    std::uint32_t id = 0;
    std::uint8_t protocol = 0;
    std::int64_t first_ns = 0;
    std::vector<std::uint8_t> data;
    std::vector<std::pair<std::uint32_t, std::uint32_t>> have;  // [begin, end) byte ranges received
    std::uint32_t total = 0;                                    // known once the last fragment came
    bool have_last = false;
  };
  Result<Packet> ip(std::span<const std::uint8_t> b, std::int64_t time_ns);
  Result<Packet> ipv4(std::span<const std::uint8_t> b, std::int64_t time_ns);
  Result<Packet> ipv6(std::span<const std::uint8_t> b, std::int64_t time_ns);
  Result<Packet> transport(std::uint8_t protocol, const IpAddress& src, const IpAddress& dst,
                           std::span<const std::uint8_t> b);
  // Adds one fragment; true when the datagram is complete (then in assembled_).
  Result<bool> fragment(const IpAddress& src, const IpAddress& dst, std::uint32_t id, std::uint8_t protocol,
                        std::uint32_t offset, bool more, std::span<const std::uint8_t> data, std::int64_t time_ns);

  DecoderLimits limits_;
  std::vector<Pending> pending_;
  std::vector<std::uint8_t> assembled_;
};

}  // namespace sotto::netpkt
