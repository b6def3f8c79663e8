#pragma once
// Test helpers: build captured frames (IPv4/IPv6 UDP/TCP, fragments, link-layer headers) and whole
// pcap / pcapng files as bytes, so tests make their own synthetic captures.
//
//   auto ip = ipv4_udp(ep("10.0.0.1", 5060), ep("10.0.0.2", 5060), bytes_of("OPTIONS ..."));
//   auto frame = ethernet(ip, /*vlans=*/{100});
//   std::vector<std::uint8_t> file = pcap_file(LinkType::ethernet, {{t_ns, frame}});

#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/netpkt/decoder.hpp"
#include "core/netpkt/ip_endpoint.hpp"

namespace sotto::netpkt::testing {

using Bytes = std::vector<std::uint8_t>;

inline Bytes bytes_of(std::string_view s) { return Bytes(s.begin(), s.end()); }

inline IpEndpoint ep(std::string_view addr, std::uint16_t port) {
  IpEndpoint e;
  e.address = *parse_ip_address(addr);
  e.port = port;
  return e;
}

inline void put16(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v >> 8));
  b.push_back(static_cast<std::uint8_t>(v));
}
inline void put32(Bytes& b, std::uint32_t v) {
  put16(b, static_cast<std::uint16_t>(v >> 16));
  put16(b, static_cast<std::uint16_t>(v));
}
inline void put32le(Bytes& b, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) b.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
inline void put16le(Bytes& b, std::uint16_t v) {
  b.push_back(static_cast<std::uint8_t>(v));
  b.push_back(static_cast<std::uint8_t>(v >> 8));
}

inline Bytes udp(std::uint16_t sport, std::uint16_t dport, const Bytes& payload) {
  Bytes b;
  put16(b, sport);
  put16(b, dport);
  put16(b, static_cast<std::uint16_t>(8 + payload.size()));
  put16(b, 0);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

struct TcpOpts {
  bool syn = false, fin = false, ack = true;
};
inline Bytes tcp(std::uint16_t sport, std::uint16_t dport, std::uint32_t seq, const Bytes& payload, TcpOpts o = {}) {
  Bytes b;
  put16(b, sport);
  put16(b, dport);
  put32(b, seq);
  put32(b, 0);
  b.push_back(0x50);
  b.push_back(static_cast<std::uint8_t>((o.syn ? 0x02 : 0) | (o.fin ? 0x01 : 0) | (o.ack ? 0x10 : 0)));
  put16(b, 65535);
  put32(b, 0);
  b.insert(b.end(), payload.begin(), payload.end());
  return b;
}

// IPv4 header + body; `frag_offset` in bytes (multiple of 8), `more` sets MF.
inline Bytes ipv4(const IpAddress& src, const IpAddress& dst, std::uint8_t proto, const Bytes& body,
                  std::uint16_t id = 1, std::uint32_t frag_offset = 0, bool more = false) {
  Bytes b;
  b.push_back(0x45);
  b.push_back(0);
  put16(b, static_cast<std::uint16_t>(20 + body.size()));
  put16(b, id);
  put16(b, static_cast<std::uint16_t>((more ? 0x2000 : 0) | (frag_offset / 8)));
  b.push_back(64);
  b.push_back(proto);
  put16(b, 0);
  b.insert(b.end(), src.bytes.begin(), src.bytes.begin() + 4);
  b.insert(b.end(), dst.bytes.begin(), dst.bytes.begin() + 4);
  b.insert(b.end(), body.begin(), body.end());
  return b;
}

inline Bytes ipv6(const IpAddress& src, const IpAddress& dst, std::uint8_t proto, const Bytes& body) {
  Bytes b = {0x60, 0, 0, 0};
  put16(b, static_cast<std::uint16_t>(body.size()));
  b.push_back(proto);
  b.push_back(64);
  b.insert(b.end(), src.bytes.begin(), src.bytes.end());
  b.insert(b.end(), dst.bytes.begin(), dst.bytes.end());
  b.insert(b.end(), body.begin(), body.end());
  return b;
}

// An IPv6 packet carrying one fragment of `proto` data (RFC 8200 4.5).
inline Bytes ipv6_fragment(const IpAddress& src, const IpAddress& dst, std::uint8_t proto, const Bytes& part,
                           std::uint32_t id, std::uint32_t offset, bool more) {
  Bytes fh = {proto, 0};
  put16(fh, static_cast<std::uint16_t>(offset | (more ? 1 : 0)));
  put32(fh, id);
  fh.insert(fh.end(), part.begin(), part.end());
  return ipv6(src, dst, 44, fh);
}

inline Bytes ip_udp(const IpEndpoint& s, const IpEndpoint& d, const Bytes& payload) {
  Bytes u = udp(s.port, d.port, payload);
  return s.address.v6 ? ipv6(s.address, d.address, 17, u) : ipv4(s.address, d.address, 17, u);
}
inline Bytes ip_tcp(const IpEndpoint& s, const IpEndpoint& d, std::uint32_t seq, const Bytes& payload, TcpOpts o = {}) {
  Bytes t = tcp(s.port, d.port, seq, payload, o);
  return s.address.v6 ? ipv6(s.address, d.address, 6, t) : ipv4(s.address, d.address, 6, t);
}

// IPv4 UDP datagram split into fragments of at most `mtu_payload` bytes (multiple of 8).
inline std::vector<Bytes> ipv4_udp_fragments(const IpEndpoint& s, const IpEndpoint& d, const Bytes& payload,
                                             std::size_t mtu_payload, std::uint16_t id) {
  Bytes u = udp(s.port, d.port, payload);
  std::vector<Bytes> out;
  for (std::size_t off = 0; off < u.size(); off += mtu_payload) {
    std::size_t n = std::min(mtu_payload, u.size() - off);
    Bytes part(u.begin() + static_cast<std::ptrdiff_t>(off), u.begin() + static_cast<std::ptrdiff_t>(off + n));
    out.push_back(ipv4(s.address, d.address, 17, part, id, static_cast<std::uint32_t>(off), off + n < u.size()));
  }
  return out;
}

inline Bytes ethernet(const Bytes& ip, std::vector<std::uint16_t> vlans = {}) {
  Bytes b = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  for (std::size_t i = 0; i < vlans.size(); ++i) {
    put16(b, i == 0 && vlans.size() > 1 ? 0x88A8 : 0x8100);
    put16(b, vlans[i]);
  }
  put16(b, (ip[0] >> 4) == 6 ? 0x86DD : 0x0800);
  b.insert(b.end(), ip.begin(), ip.end());
  return b;
}
inline Bytes linux_sll(const Bytes& ip) {
  Bytes b = {0, 0, 0, 1, 0, 6, 0, 1, 2, 3, 4, 5, 0, 0};
  put16(b, (ip[0] >> 4) == 6 ? 0x86DD : 0x0800);
  b.insert(b.end(), ip.begin(), ip.end());
  return b;
}
inline Bytes linux_sll2(const Bytes& ip) {
  Bytes b;
  put16(b, (ip[0] >> 4) == 6 ? 0x86DD : 0x0800);
  put16(b, 0);
  put32(b, 1);   // interface index
  put16(b, 1);   // ARPHRD_ETHER
  b.push_back(0);
  b.push_back(6);
  for (int i = 0; i < 8; ++i) b.push_back(static_cast<std::uint8_t>(i));
  b.insert(b.end(), ip.begin(), ip.end());
  return b;
}
// BSD loopback: NULL carries the family in host (here little-endian) order, LOOP in network order.
inline Bytes bsd_null(const Bytes& ip) {
  Bytes b;
  put32le(b, (ip[0] >> 4) == 6 ? 30 : 2);
  b.insert(b.end(), ip.begin(), ip.end());
  return b;
}
inline Bytes bsd_loop(const Bytes& ip) {
  Bytes b;
  put32(b, (ip[0] >> 4) == 6 ? 30 : 2);
  b.insert(b.end(), ip.begin(), ip.end());
  return b;
}

struct TimedFrame {
  std::int64_t time_ns = 0;
  Bytes bytes;
};

// Classic pcap, microsecond timestamps, little-endian.
inline Bytes pcap_file(std::uint32_t link_type, const std::vector<TimedFrame>& frames) {
  Bytes b;
  put32le(b, 0xA1B2C3D4);
  put16le(b, 2);
  put16le(b, 4);
  put32le(b, 0);
  put32le(b, 0);
  put32le(b, 262144);
  put32le(b, link_type);
  for (const auto& f : frames) {
    put32le(b, static_cast<std::uint32_t>(f.time_ns / 1'000'000'000));
    put32le(b, static_cast<std::uint32_t>((f.time_ns % 1'000'000'000) / 1000));
    put32le(b, static_cast<std::uint32_t>(f.bytes.size()));
    put32le(b, static_cast<std::uint32_t>(f.bytes.size()));
    b.insert(b.end(), f.bytes.begin(), f.bytes.end());
  }
  return b;
}

// pcapng: section header, one interface (nanosecond resolution), enhanced packet blocks.
inline Bytes pcapng_file(std::uint32_t link_type, const std::vector<TimedFrame>& frames) {
  Bytes b;
  // SHB
  put32le(b, 0x0A0D0D0A);
  put32le(b, 28);
  put32le(b, 0x1A2B3C4D);
  put16le(b, 1);
  put16le(b, 0);
  put32le(b, 0xFFFFFFFF);
  put32le(b, 0xFFFFFFFF);
  put32le(b, 28);
  // IDB with if_tsresol = 9 (nanoseconds)
  put32le(b, 1);
  put32le(b, 32);
  put16le(b, static_cast<std::uint16_t>(link_type));
  put16le(b, 0);
  put32le(b, 262144);
  put16le(b, 9);   // if_tsresol
  put16le(b, 1);
  b.insert(b.end(), {9, 0, 0, 0});
  put32le(b, 0);   // opt_endofopt
  put32le(b, 32);
  for (const auto& f : frames) {
    std::size_t padded = (f.bytes.size() + 3) & ~std::size_t{3};
    auto len = static_cast<std::uint32_t>(32 + padded);
    put32le(b, 6);
    put32le(b, len);
    put32le(b, 0);
    auto ts = static_cast<std::uint64_t>(f.time_ns);
    put32le(b, static_cast<std::uint32_t>(ts >> 32));
    put32le(b, static_cast<std::uint32_t>(ts));
    put32le(b, static_cast<std::uint32_t>(f.bytes.size()));
    put32le(b, static_cast<std::uint32_t>(f.bytes.size()));
    b.insert(b.end(), f.bytes.begin(), f.bytes.end());
    b.resize(b.size() + (padded - f.bytes.size()), 0);
    put32le(b, len);
  }
  return b;
}

}  // namespace sotto::netpkt::testing
