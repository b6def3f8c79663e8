#include "core/netpkt/decoder.hpp"

#include <algorithm>
#include <string>

namespace sotto::netpkt {
namespace {

using Bytes = std::span<const std::uint8_t>;

std::uint16_t be16(const std::uint8_t* p) { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }
std::uint32_t be32(const std::uint8_t* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

Unexpected<Error> bad(const std::string& what) { return Unexpected(Error{Errc::malformed_input, what}); }

constexpr std::uint16_t kEtherIpv4 = 0x0800;
constexpr std::uint16_t kEtherIpv6 = 0x86DD;
constexpr std::uint8_t kProtoTcp = 6;
constexpr std::uint8_t kProtoUdp = 17;
constexpr std::uint32_t kMaxDatagram = 65535 + 40;

}  // namespace

Result<Packet> Decoder::decode(std::uint32_t link_type, Bytes f, std::int64_t time_ns) {
  switch (link_type) {
    case LinkType::ethernet: {
      if (f.size() < 14) return bad("Ethernet: frame of " + std::to_string(f.size()) + " bytes, header needs 14");
      std::size_t at = 12;
      std::uint16_t type = be16(&f[at]);
      int tags = 0;
      while (type == 0x8100 || type == 0x88A8 || type == 0x9100) {  // 802.1Q, 802.1ad (QinQ)
        if (++tags > 8) return bad("Ethernet: more than 8 VLAN tags");
        at += 4;
        if (f.size() < at + 2) return bad("Ethernet: VLAN tag " + std::to_string(tags) + " truncated");
        type = be16(&f[at]);
      }
      if (type != kEtherIpv4 && type != kEtherIpv6) return Packet{};
      return ip(f.subspan(at + 2), time_ns);
    }
    case LinkType::linux_sll: {
      if (f.size() < 16) return bad("Linux SLL: frame of " + std::to_string(f.size()) + " bytes, header needs 16");
      std::uint16_t type = be16(&f[14]);
      if (type != kEtherIpv4 && type != kEtherIpv6) return Packet{};
      return ip(f.subspan(16), time_ns);
    }
    case LinkType::linux_sll2: {
      if (f.size() < 20) return bad("Linux SLL2: frame of " + std::to_string(f.size()) + " bytes, header needs 20");
      std::uint16_t type = be16(&f[0]);
      if (type != kEtherIpv4 && type != kEtherIpv6) return Packet{};
      return ip(f.subspan(20), time_ns);
    }
    case LinkType::raw:
    case 12:
    case 14:
    case LinkType::ipv4:
    case LinkType::ipv6:
      return ip(f, time_ns);
    case LinkType::null:
    case LinkType::loop: {
      if (f.size() < 4) return bad("loopback: frame of " + std::to_string(f.size()) + " bytes, header needs 4");
      // The address family is in the capturing host's byte order for NULL, network order for LOOP.
      std::uint32_t be = be32(&f[0]);
      std::uint32_t le = (std::uint32_t{f[3]} << 24) | (std::uint32_t{f[2]} << 16) | (std::uint32_t{f[1]} << 8) | f[0];
      std::uint32_t af = link_type == LinkType::loop ? be : (be <= 0xFF ? be : le);
      if (af == 2) return ip(f.subspan(4), time_ns);                                  // AF_INET
      if (af == 10 || af == 24 || af == 28 || af == 30) return ip(f.subspan(4), time_ns);  // AF_INET6 variants
      return Packet{};
    }
    default:
      return bad("unsupported link type " + std::to_string(link_type));
  }
}

Result<Packet> Decoder::ip(Bytes b, std::int64_t time_ns) {
  if (b.empty()) return bad("IP: empty packet");
  switch (b[0] >> 4) {
    case 4: return ipv4(b, time_ns);
    case 6: return ipv6(b, time_ns);
    default: return bad("IP: version " + std::to_string(b[0] >> 4));
  }
}

Result<Packet> Decoder::ipv4(Bytes b, std::int64_t time_ns) {
  if (b.size() < 20) return bad("IPv4: " + std::to_string(b.size()) + " bytes, header needs 20");
  std::size_t ihl = std::size_t{b[0] & 0x0Fu} * 4;
  if (ihl < 20) return bad("IPv4: header length " + std::to_string(ihl) + " < 20");
  std::size_t total = be16(&b[2]);
  if (total < ihl) return bad("IPv4: total length " + std::to_string(total) + " < header length " + std::to_string(ihl));
  if (b.size() < total) return bad("IPv4: total length " + std::to_string(total) + ", only " + std::to_string(b.size()) + " bytes captured");
  IpAddress src, dst;
  std::copy_n(&b[12], 4, src.bytes.begin());
  std::copy_n(&b[16], 4, dst.bytes.begin());
  std::uint16_t flags_offset = be16(&b[6]);
  bool more = (flags_offset & 0x2000) != 0;
  std::uint32_t offset = std::uint32_t{flags_offset & 0x1FFFu} * 8;
  std::uint8_t protocol = b[9];
  Bytes body = b.subspan(ihl, total - ihl);
  if (!more && offset == 0) return transport(protocol, src, dst, body);
  auto done = fragment(src, dst, be16(&b[4]), protocol, offset, more, body, time_ns);
  if (!done) return Unexpected(done.error());
  if (!*done) return Packet{};
  auto p = transport(protocol, src, dst, assembled_);
  if (p) p->reassembled = true;
  return p;
}

Result<Packet> Decoder::ipv6(Bytes b, std::int64_t time_ns) {
  if (b.size() < 40) return bad("IPv6: " + std::to_string(b.size()) + " bytes, header needs 40");
  std::size_t plen = be16(&b[4]);
  if (plen == 0) plen = b.size() - 40;  // jumbogram or TSO capture: take what is there
  if (b.size() < 40 + plen) return bad("IPv6: payload length " + std::to_string(plen) + ", only " + std::to_string(b.size() - 40) + " bytes captured");
  IpAddress src, dst;
  src.v6 = dst.v6 = true;
  std::copy_n(&b[8], 16, src.bytes.begin());
  std::copy_n(&b[24], 16, dst.bytes.begin());
  std::uint8_t next = b[6];
  Bytes rest = b.subspan(40, plen);
  for (int hops = 0; hops < 16; ++hops) {
    switch (next) {
      case 0: case 43: case 60: {  // hop-by-hop, routing, destination options
        if (rest.size() < 8) return bad("IPv6: extension header truncated");
        std::size_t len = (std::size_t{rest[1]} + 1) * 8;
        if (rest.size() < len) return bad("IPv6: extension header length " + std::to_string(len) + " past the packet");
        next = rest[0];
        rest = rest.subspan(len);
        continue;
      }
      case 44: {  // fragment header (RFC 8200 4.5)
        if (rest.size() < 8) return bad("IPv6: fragment header truncated");
        std::uint8_t protocol = rest[0];
        std::uint16_t off = be16(&rest[2]);
        bool more = (off & 1) != 0;
        std::uint32_t offset = std::uint32_t{off & 0xFFF8u};
        std::uint32_t id = be32(&rest[4]);
        Bytes body = rest.subspan(8);
        if (!more && offset == 0) return transport(protocol, src, dst, body);
        auto done = fragment(src, dst, id, protocol, offset, more, body, time_ns);
        if (!done) return Unexpected(done.error());
        if (!*done) return Packet{};
        auto p = transport(protocol, src, dst, assembled_);
        if (p) p->reassembled = true;
        return p;
      }
      default:
        return transport(next, src, dst, rest);
    }
  }
  return bad("IPv6: more than 16 extension headers");
}

Result<Packet> Decoder::transport(std::uint8_t protocol, const IpAddress& src, const IpAddress& dst, Bytes b) {
  Packet p;
  p.src.address = src;
  p.dst.address = dst;
  if (protocol == kProtoUdp) {
    if (b.size() < 8) return bad("UDP: " + std::to_string(b.size()) + " bytes, header needs 8");
    std::size_t len = be16(&b[4]);
    if (len < 8) return bad("UDP: length field " + std::to_string(len) + " < 8");
    if (len > b.size()) return bad("UDP: length field " + std::to_string(len) + ", only " + std::to_string(b.size()) + " bytes");
    p.transport = Transport::udp;
    p.src.port = be16(&b[0]);
    p.dst.port = be16(&b[2]);
    p.payload = b.subspan(8, len - 8);
    return p;
  }
  if (protocol == kProtoTcp) {
    if (b.size() < 20) return bad("TCP: " + std::to_string(b.size()) + " bytes, header needs 20");
    std::size_t off = std::size_t{static_cast<unsigned>(b[12] >> 4)} * 4;
    if (off < 20 || off > b.size()) return bad("TCP: data offset " + std::to_string(off) + " outside the segment");
    p.transport = Transport::tcp;
    p.src.port = be16(&b[0]);
    p.dst.port = be16(&b[2]);
    p.tcp_seq = be32(&b[4]);
    std::uint8_t fl = b[13];
    p.tcp_flags = TcpFlags{.syn = (fl & 0x02) != 0, .fin = (fl & 0x01) != 0, .rst = (fl & 0x04) != 0, .ack = (fl & 0x10) != 0};
    p.payload = b.subspan(off);
    return p;
  }
  return p;
}

Result<bool> Decoder::fragment(const IpAddress& src, const IpAddress& dst, std::uint32_t id, std::uint8_t protocol,
                               std::uint32_t offset, bool more, Bytes data, std::int64_t time_ns) {
  // Expire old datagrams; keep the table bounded.
  std::erase_if(pending_, [&](const Pending& p) { return time_ns - p.first_ns > limits_.fragment_timeout_ns; });
  auto it = std::find_if(pending_.begin(), pending_.end(), [&](const Pending& p) {
    return p.id == id && p.protocol == protocol && p.src == src && p.dst == dst;
  });
  if (it == pending_.end()) {
    if (pending_.size() >= limits_.max_pending_datagrams) pending_.erase(pending_.begin());
    Pending fresh;
    fresh.src = src;
    fresh.dst = dst;
    fresh.id = id;
    fresh.protocol = protocol;
    fresh.first_ns = time_ns;
    pending_.push_back(std::move(fresh));
    it = pending_.end() - 1;
  }
  std::uint64_t end = std::uint64_t{offset} + data.size();
  if (end > kMaxDatagram) {
    pending_.erase(it);
    return bad("IP fragment: offset " + std::to_string(offset) + " + " + std::to_string(data.size()) + " bytes past 65535");
  }
  if (more && data.size() % 8 != 0) {
    pending_.erase(it);
    return bad("IP fragment: " + std::to_string(data.size()) + " bytes, not a multiple of 8 before the last");
  }
  Pending& p = *it;
  if (p.data.size() < end) p.data.resize(end);
  std::copy(data.begin(), data.end(), p.data.begin() + offset);
  if (!more) {
    p.have_last = true;
    p.total = static_cast<std::uint32_t>(end);
  }
  p.have.emplace_back(offset, static_cast<std::uint32_t>(end));
  std::sort(p.have.begin(), p.have.end());
  // Merge ranges; complete when one range covers [0, total).
  std::vector<std::pair<std::uint32_t, std::uint32_t>> merged;
  for (auto r : p.have) {
    if (!merged.empty() && r.first <= merged.back().second) merged.back().second = std::max(merged.back().second, r.second);
    else merged.push_back(r);
  }
  p.have = std::move(merged);
  if (!p.have_last || p.have.size() != 1 || p.have[0].first != 0 || p.have[0].second < p.total) return false;
  assembled_.assign(p.data.begin(), p.data.begin() + p.total);
  pending_.erase(it);
  return true;
}

}  // namespace sotto::netpkt
