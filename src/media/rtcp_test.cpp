#include <gtest/gtest.h>

#include <vector>

#include "media/ntp_time.hpp"
#include "media/rtcp_parse.hpp"
#include "media/rtcp_scheduler.hpp"
#include "media/rtcp_serialize.hpp"

namespace sotto::media {
namespace {

using namespace std::chrono_literals;
using Bytes = std::vector<std::uint8_t>;

ReportBlock block(std::uint32_t ssrc) {
  return ReportBlock{.ssrc = ssrc, .fraction_lost = 12, .cumulative_lost = -3, .extended_highest_seq = 0x10005,
                     .jitter = 44, .lsr = 0x12345678, .dlsr = 0x9abc};
}

CompoundRtcp sample_compound() {
  SenderReport sr;
  sr.ssrc = 0x01020304;
  sr.info = {.ntp_timestamp = 0xE1234567'89ABCDEFull, .rtp_timestamp = 160000, .packet_count = 500, .octet_count = 80000};
  sr.reports = {block(0xAABBCCDD)};
  SourceDescription sdes = sdes_cname(0x01020304, "alice@example.com");
  sdes.chunks[0].items.push_back(SdesItem{.type = 6, .value = "sotto"});
  Bye bye;
  bye.ssrcs = {0x01020304};
  bye.reason = "done";
  App app;
  app.ssrc = 0x01020304;
  app.name = {'P', 'I', 'N', 'G'};
  app.data = {'P', 'O', 'N', 'G'};
  return CompoundRtcp{.packets = {sr, sdes, app, bye}};
}

TEST(Rtcp, SerializeParseRoundTrip) {
  const CompoundRtcp c = sample_compound();
  auto bytes = serialize_rtcp(c).value();
  EXPECT_EQ(bytes.size(), rtcp_size(c));
  EXPECT_EQ(bytes.size() % 4, 0u);
  auto back = parse_rtcp(bytes);
  ASSERT_TRUE(back) << back.error().message();
  EXPECT_EQ(*back, c);
}

TEST(Rtcp, ReceiverReportWireFormat) {
  ReceiverReport rr;
  rr.ssrc = 1;
  rr.reports = {block(2)};
  auto bytes = serialize_rtcp(CompoundRtcp{.packets = {rr}}).value();
  ASSERT_EQ(bytes.size(), 32u);
  EXPECT_EQ(bytes[0], 0x81);  // V=2, RC=1
  EXPECT_EQ(bytes[1], 201);
  EXPECT_EQ(bytes[3], 7);     // 8 words - 1
  EXPECT_EQ(bytes[12], 12);   // fraction lost
  EXPECT_EQ(bytes[13], 0xFF); // -3 as 24 bits
  EXPECT_EQ(bytes[14], 0xFF);
  EXPECT_EQ(bytes[15], 0xFD);
}

TEST(Rtcp, ParsesBaresipPingPongApp) {
  const Bytes ping = {0x80, 204, 0, 3, 0xde, 0xad, 0xbe, 0xef, 'P', 'I', 'N', 'G', 'P', 'O', 'N', 'G'};
  auto c = parse_rtcp(ping);
  ASSERT_TRUE(c) << c.error().message();
  ASSERT_EQ(c->packets.size(), 1u);
  const auto& app = std::get<App>(c->packets[0]);
  EXPECT_EQ(app.ssrc, 0xdeadbeefu);
  EXPECT_EQ(std::string(app.name.begin(), app.name.end()), "PING");
  EXPECT_EQ(app.data, (Bytes{'P', 'O', 'N', 'G'}));
}

TEST(Rtcp, PaddingOnTheLastPacketIsStripped) {
  // RR with no blocks, then a BYE padded by 4 bytes.
  const Bytes b = {0x80, 201, 0, 1, 0, 0, 0, 9,
                   0xA1, 203, 0, 2, 0, 0, 0, 9, 0, 0, 0, 4};
  auto c = parse_rtcp(b);
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(std::get<Bye>(c->packets[1]).ssrcs, std::vector<std::uint32_t>{9});
}

TEST(Rtcp, KeepsUnknownPacketTypes) {
  const Bytes b = {0x81, 205, 0, 2, 0, 0, 0, 1, 0, 0, 0, 2};  // RTPFB generic NACK header
  auto c = parse_rtcp(b).value();
  const auto& u = std::get<UnknownRtcp>(c.packets[0]);
  EXPECT_EQ(u.packet_type, 205);
  EXPECT_EQ(u.count, 1);
  EXPECT_EQ(u.body.size(), 8u);
  EXPECT_EQ(serialize_rtcp(c).value(), b);
}

void expect_error(const Bytes& b, const std::string& fragment) {
  auto c = parse_rtcp(b);
  ASSERT_FALSE(c) << "accepted: " << fragment;
  EXPECT_EQ(c.error().code, Errc::malformed_input);
  EXPECT_NE(c.error().context.find(fragment), std::string::npos) << c.error().context;
}

TEST(Rtcp, MalformedPacketsGetClearErrors) {
  expect_error({}, "empty");
  expect_error({0x80, 201}, "2 bytes left");
  expect_error({0x40, 201, 0, 1, 0, 0, 0, 1}, "version 1");
  expect_error({0x80, 201, 0, 5, 0, 0, 0, 1}, "length field says 24 bytes, only 8 bytes left");
  expect_error({0x81, 201, 0, 1, 0, 0, 0, 1}, "1 report blocks need 32 bytes");
  expect_error({0xA0, 201, 0, 1, 0, 0, 0, 1, 0x80, 201, 0, 1, 0, 0, 0, 1}, "not the last packet");
  expect_error({0xA0, 201, 0, 1, 0, 0, 0, 9}, "padding count 9");
  // SDES chunk whose item list never ends.
  expect_error({0x81, 202, 0, 2, 0, 0, 0, 1, 1, 2, 'a', 'b'}, "without a null item");
  expect_error({0x81, 202, 0, 2, 0, 0, 0, 1, 1, 9, 'a', 'b'}, "claims 9 bytes");
  expect_error({0x82, 202, 0, 2, 0, 0, 0, 1, 0, 0, 0, 0}, "chunk 2");
  expect_error({0x82, 203, 0, 1, 0, 0, 0, 1}, "2 SSRCs need 8 bytes");
  expect_error({0x81, 203, 0, 2, 0, 0, 0, 1, 9, 'x', 0, 0}, "reason claims 9 bytes");
  expect_error({0x80, 204, 0, 1, 0, 0, 0, 1}, "needs SSRC and name");
  expect_error({0x80, 200, 0, 1, 0, 0, 0, 1}, "(SR)");
}

TEST(Rtcp, SerializeRejectsWhatTheWireCannotCarry) {
  ReceiverReport rr;
  rr.reports.resize(32);
  EXPECT_FALSE(serialize_rtcp(CompoundRtcp{.packets = {rr}}));
  SourceDescription sdes = sdes_cname(1, std::string(256, 'x'));
  EXPECT_FALSE(serialize_rtcp(CompoundRtcp{.packets = {sdes}}));
  App app;
  app.data = {1, 2, 3};
  EXPECT_FALSE(serialize_rtcp(CompoundRtcp{.packets = {app}}));
  std::vector<std::uint8_t> small(8);
  auto r = serialize_rtcp(sample_compound(), small);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, Errc::limit_exceeded);
}

TEST(Rtcp, SdesChunkPaddingIsExact) {
  // CNAME of 2 bytes: 4 (SSRC) + 2 + 2 + 1 null = 9 -> padded to 12.
  auto bytes = serialize_rtcp(CompoundRtcp{.packets = {sdes_cname(5, "ab")}}).value();
  EXPECT_EQ(bytes.size(), 16u);
  EXPECT_EQ(parse_rtcp(bytes)->packets[0], RtcpPacket(sdes_cname(5, "ab")));
}

TEST(NtpTime, RoundTripTimeFromLsrAndDlsr) {
  NtpClock ntp;
  const Timestamp t0{};
  const Timestamp sr_sent = t0 + 10s;
  const std::uint32_t lsr = ntp.middle32(sr_sent);
  // Peer held the SR for 1 s, the path is 50 ms each way.
  const std::uint32_t dlsr = 65536;
  auto rtt = round_trip_time(ntp.middle32(sr_sent + 1100ms), lsr, dlsr);
  ASSERT_TRUE(rtt);
  EXPECT_NEAR(static_cast<double>(rtt->count()), 100'000, 50);
  EXPECT_FALSE(round_trip_time(ntp.middle32(sr_sent), 0, 0));           // no SR seen by the peer
  EXPECT_FALSE(round_trip_time(ntp.middle32(sr_sent), lsr, 65536 * 5));  // would be negative
}

TEST(NtpTime, UnixEpochMapsTo1970) {
  NtpClock ntp(std::chrono::nanoseconds(0));
  EXPECT_EQ(ntp.at(Timestamp{}) >> 32, kNtpUnixEpochOffset);
  EXPECT_EQ(ntp.at(Timestamp{} + 500ms) & 0xFFFFFFFFull, 0x80000000ull);
}

TEST(RtcpScheduler, RandomisedIntervals) {
  const Timestamp t0{};
  std::uint32_t next = 0;
  RtcpScheduler fixed(t0, 5s, [&] { return next; });  // factor 0.5 for u = 0
  EXPECT_EQ(fixed.next_due(), t0 + 1250ms);            // first: half of 5 s * 0.5
  EXPECT_FALSE(fixed.due(t0 + 1s));
  EXPECT_TRUE(fixed.due(t0 + 1250ms));
  next = 0x80000000;                                   // u = 0.5: factor 1.0
  fixed.on_sent(t0 + 2s);
  EXPECT_EQ(fixed.next_due(), t0 + 7s);

  RtcpScheduler real(t0);
  for (int i = 0; i < 50; ++i) {
    real.on_sent(t0);
    EXPECT_GE(real.next_due(), t0 + 2500ms);
    EXPECT_LT(real.next_due(), t0 + 7500ms);
  }
}

}  // namespace
}  // namespace sotto::media
