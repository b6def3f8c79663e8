#include <gtest/gtest.h>

#include <string>

#include "core/netpkt/decoder.hpp"
#include "core/netpkt/tcp_direction.hpp"
#include "core/netpkt/testing_frames.hpp"

namespace sotto::netpkt {
namespace {

using namespace testing;

std::string str(std::span<const std::uint8_t> s) { return std::string(s.begin(), s.end()); }

const IpEndpoint kA4 = ep("192.0.2.1", 5060);
const IpEndpoint kB4 = ep("192.0.2.2", 40000);
const IpEndpoint kA6 = ep("2001:db8::1", 5060);
const IpEndpoint kB6 = ep("2001:db8::2", 40000);

void expect_udp(std::uint32_t link, const Bytes& frame, const IpEndpoint& s, const IpEndpoint& d, const std::string& payload) {
  Decoder dec;
  auto p = dec.decode(link, frame, 0);
  ASSERT_TRUE(p) << p.error().message();
  EXPECT_EQ(p->transport, Transport::udp);
  EXPECT_EQ(p->src, s);
  EXPECT_EQ(p->dst, d);
  EXPECT_EQ(str(p->payload), payload);
}

TEST(Decoder, EveryLinkTypeIpv4AndIpv6) {
  for (auto [s, d] : {std::pair{kA4, kB4}, std::pair{kA6, kB6}}) {
    Bytes ip = ip_udp(s, d, bytes_of("hello"));
    expect_udp(LinkType::ethernet, ethernet(ip), s, d, "hello");
    expect_udp(LinkType::linux_sll, linux_sll(ip), s, d, "hello");
    expect_udp(LinkType::linux_sll2, linux_sll2(ip), s, d, "hello");
    expect_udp(LinkType::raw, ip, s, d, "hello");
    expect_udp(12, ip, s, d, "hello");  // DLT_RAW as libpcap reports it
    expect_udp(LinkType::null, bsd_null(ip), s, d, "hello");
    expect_udp(LinkType::loop, bsd_loop(ip), s, d, "hello");
    expect_udp(s.address.v6 ? LinkType::ipv6 : LinkType::ipv4, ip, s, d, "hello");
  }
}

TEST(Decoder, VlanTagsSingleAndStacked) {
  Bytes ip = ip_udp(kA4, kB4, bytes_of("x"));
  expect_udp(LinkType::ethernet, ethernet(ip, {100}), kA4, kB4, "x");
  expect_udp(LinkType::ethernet, ethernet(ip, {100, 200}), kA4, kB4, "x");
  expect_udp(LinkType::ethernet, ethernet(ip_udp(kA6, kB6, bytes_of("y")), {7}), kA6, kB6, "y");
}

TEST(Decoder, EthernetPaddingIsTrimmedByIpLength) {
  Bytes f = ethernet(ip_udp(kA4, kB4, bytes_of("ab")));
  f.resize(60, 0);
  expect_udp(LinkType::ethernet, f, kA4, kB4, "ab");
}

TEST(Decoder, NonIpAndOtherProtocolsAreNone) {
  Decoder dec;
  Bytes arp = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 0x08, 0x06, 0, 1};
  auto p = dec.decode(LinkType::ethernet, arp, 0);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->transport, Transport::none);
  auto icmp = dec.decode(LinkType::raw, ipv4(kA4.address, kB4.address, 1, Bytes(8, 0)), 0);
  ASSERT_TRUE(icmp);
  EXPECT_EQ(icmp->transport, Transport::none);
}

TEST(Decoder, MalformedFramesNameTheLayer) {
  Decoder dec;
  auto e = dec.decode(LinkType::ethernet, Bytes(5, 0), 0);
  ASSERT_FALSE(e);
  EXPECT_NE(e.error().message().find("Ethernet"), std::string::npos);
  Bytes ip = ip_udp(kA4, kB4, bytes_of("hello"));
  ip.resize(ip.size() - 3);
  auto t = dec.decode(LinkType::raw, ip, 0);
  ASSERT_FALSE(t);
  EXPECT_NE(t.error().message().find("IPv4: total length"), std::string::npos);
  auto v = dec.decode(LinkType::raw, Bytes{0x55, 0, 0}, 0);
  ASSERT_FALSE(v);
  EXPECT_NE(v.error().message().find("version 5"), std::string::npos);
  auto l = dec.decode(147, Bytes{1, 2, 3}, 0);
  ASSERT_FALSE(l);
  EXPECT_NE(l.error().message().find("unsupported link type 147"), std::string::npos);
  Bytes badudp = ipv4(kA4.address, kB4.address, 17, Bytes{0, 1, 0, 2, 0, 200, 0, 0});
  auto u = dec.decode(LinkType::raw, badudp, 0);
  ASSERT_FALSE(u);
  EXPECT_NE(u.error().message().find("UDP: length field 200"), std::string::npos);
}

std::string big_payload(std::size_t n) {
  std::string s;
  for (std::size_t i = 0; i < n; ++i) s.push_back(static_cast<char>('a' + i % 26));
  return s;
}

TEST(Decoder, Ipv4FragmentsReassembleInAnyOrder) {
  std::string payload = big_payload(3000);
  auto frags = ipv4_udp_fragments(kA4, kB4, bytes_of(payload), 1480, 77);
  ASSERT_EQ(frags.size(), 3u);
  Decoder dec;
  // last, first, middle (duplicated)
  for (std::size_t i : {2u, 0u, 1u}) {
    auto p = dec.decode(LinkType::raw, frags[i], 0);
    ASSERT_TRUE(p) << p.error().message();
    if (i != 1) {
      EXPECT_EQ(p->transport, Transport::none);
    } else {
      EXPECT_EQ(p->transport, Transport::udp);
      EXPECT_TRUE(p->reassembled);
      EXPECT_EQ(str(p->payload), payload);
    }
  }
  EXPECT_EQ(dec.pending_fragments(), 0u);
}

TEST(Decoder, Ipv6FragmentsReassemble) {
  std::string payload = big_payload(2000);
  Bytes u = udp(kA6.port, kB6.port, bytes_of(payload));
  Bytes p1(u.begin(), u.begin() + 1232), p2(u.begin() + 1232, u.end());
  Decoder dec;
  auto a = dec.decode(LinkType::raw, ipv6_fragment(kA6.address, kB6.address, 17, p1, 9, 0, true), 0);
  ASSERT_TRUE(a);
  EXPECT_EQ(a->transport, Transport::none);
  auto b = dec.decode(LinkType::raw, ipv6_fragment(kA6.address, kB6.address, 17, p2, 9, 1232, false), 0);
  ASSERT_TRUE(b) << b.error().message();
  EXPECT_EQ(b->transport, Transport::udp);
  EXPECT_EQ(str(b->payload), payload);
  EXPECT_EQ(b->src, kA6);
}

TEST(Decoder, IncompleteFragmentsExpireAndAreBounded) {
  Decoder dec(DecoderLimits{.max_pending_datagrams = 4, .fragment_timeout_ns = 1000});
  for (std::uint16_t id = 0; id < 10; ++id) {
    auto frags = ipv4_udp_fragments(kA4, kB4, bytes_of(big_payload(100)), 64, id);
    ASSERT_TRUE(dec.decode(LinkType::raw, frags[0], 0));
  }
  EXPECT_EQ(dec.pending_fragments(), 4u);
  auto frags = ipv4_udp_fragments(kA4, kB4, bytes_of(big_payload(100)), 64, 99);
  ASSERT_TRUE(dec.decode(LinkType::raw, frags[0], 5000));
  EXPECT_EQ(dec.pending_fragments(), 1u);
}

TEST(Decoder, TcpSegment) {
  Decoder dec;
  Bytes frame = ethernet(ip_tcp(kA4, kB4, 1000, bytes_of("INVITE"), {.syn = false}));
  auto p = dec.decode(LinkType::ethernet, frame, 0);  // the payload points into the frame
  ASSERT_TRUE(p);
  EXPECT_EQ(p->transport, Transport::tcp);
  EXPECT_EQ(p->tcp_seq, 1000u);
  EXPECT_EQ(str(p->payload), "INVITE");
}

TEST(TcpDirection, OutOfOrderRetransmitsAndOverlaps) {
  TcpDirection d;
  std::string got;
  auto add = [&](std::uint32_t seq, const std::string& s, bool syn = false) {
    auto out = d.add(seq, syn, std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
    got += std::string(out.begin(), out.end());
  };
  add(99, "", true);         // SYN: data starts at 100
  add(100, "hello ");
  add(110, "world");         // out of order: held
  EXPECT_EQ(got, "hello ");
  add(100, "hello ");        // retransmit: dropped
  add(104, "o big ");        // overlaps delivered bytes and fills the gap
  EXPECT_EQ(got, "hello big world");
  EXPECT_EQ(d.gaps(), 0u);
}

TEST(TcpDirection, SequenceWrapAndMidStreamStart) {
  TcpDirection d;
  std::string got;
  auto add = [&](std::uint32_t seq, const std::string& s) {
    auto out = d.add(seq, false, std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
    got += std::string(out.begin(), out.end());
  };
  add(0xFFFFFFFC, "abcd");
  add(4, "ijkl");
  add(0, "efgh");
  EXPECT_EQ(got, "abcdefghijkl");
}

TEST(TcpDirection, GivesUpAGapPastTheLimit) {
  TcpDirection d(8);
  std::string got;
  auto add = [&](std::uint32_t seq, const std::string& s) {
    auto out = d.add(seq, false, std::span<const std::uint8_t>(reinterpret_cast<const std::uint8_t*>(s.data()), s.size()));
    got += std::string(out.begin(), out.end());
  };
  add(0, "ab");
  add(10, "xxxxx");
  add(15, "yyyyy");  // held 10 > 8: skip the gap 2..10
  EXPECT_EQ(got, "abxxxxxyyyyy");
  EXPECT_EQ(d.gaps(), 1u);
}

}  // namespace
}  // namespace sotto::netpkt
