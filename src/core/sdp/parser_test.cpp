#include <gtest/gtest.h>

#include <string>

#include "core/sdp/attribute_list.hpp"
#include "core/sdp/sdp.hpp"
#include "core/sdp/test_samples.hpp"

namespace sotto::sdp {
namespace {

const std::string kHead = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n";

TEST(ParseSdp, Rfc4566Example) {
  auto sdp = parse_sdp(samples::kRfc4566Example);
  ASSERT_TRUE(sdp) << sdp.error().message();
  EXPECT_EQ(sdp->origin.username, "jdoe");
  EXPECT_EQ(sdp->origin.session_id, "2890844526");
  EXPECT_EQ(sdp->origin.session_version, 2890842807u);
  EXPECT_EQ(sdp->origin.address, "10.47.16.5");
  EXPECT_EQ(sdp->session_name, "SDP Seminar");
  EXPECT_EQ(sdp->information, "A Seminar on the session description protocol");
  EXPECT_EQ(sdp->uri, "http://www.example.com/seminars/sdp.pdf");
  ASSERT_EQ(sdp->emails.size(), 1u);
  EXPECT_EQ(sdp->emails[0], "j.doe@example.com (Jane Doe)");
  ASSERT_TRUE(sdp->connection);
  EXPECT_EQ(sdp->connection->address, "224.2.17.12");
  EXPECT_EQ(sdp->connection->ttl, 127);
  EXPECT_FALSE(sdp->connection->address_count);
  ASSERT_EQ(sdp->times.size(), 1u);
  EXPECT_EQ(sdp->times[0].start, 2873397496u);
  EXPECT_EQ(sdp->times[0].stop, 2873404696u);
  EXPECT_EQ(sdp->direction(), Direction::recvonly);
  ASSERT_EQ(sdp->media.size(), 2u);
  EXPECT_EQ(sdp->media[0].media, "audio");
  EXPECT_EQ(sdp->media[0].port, 49170);
  EXPECT_EQ(sdp->media[0].proto, "RTP/AVP");
  EXPECT_EQ(sdp->media[0].rtpmap(0), (RtpMap{0, "PCMU", 8000, std::nullopt}));  // static, implicit
  EXPECT_EQ(sdp->media[1].rtpmap(99), (RtpMap{99, "h263-1998", 90000, std::nullopt}));
  // Session-level a=recvonly is inherited by both media.
  EXPECT_EQ(sdp->media_direction(0), Direction::recvonly);
  EXPECT_EQ(sdp->media_direction(1), Direction::recvonly);
  EXPECT_EQ(sdp->media_connection(1), &*sdp->connection);
}

TEST(ParseSdp, BareLfAndCrlfGiveTheSameModel) {
  std::string lf = samples::kRfc4566Example;
  std::string::size_type p;
  while ((p = lf.find("\r\n")) != std::string::npos) lf.erase(p, 1);
  auto a = parse_sdp(samples::kRfc4566Example);
  auto b = parse_sdp(lf);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
}

TEST(ParseSdp, NoFinalLineEndAndTrailingBlankLines) {
  auto a = parse_sdp(kHead + "m=audio 4000 RTP/AVP 0");
  auto b = parse_sdp(kHead + "m=audio 4000 RTP/AVP 0\r\n\r\n");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(*a, *b);
}

TEST(ParseSdp, MissingTimeReadsAsZeroZero) {
  auto sdp = parse_sdp("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nm=audio 4000 RTP/AVP 0\r\n");
  ASSERT_TRUE(sdp) << sdp.error().message();
  ASSERT_EQ(sdp->times.size(), 1u);
  EXPECT_EQ(sdp->times[0], TimeDescription{});
}

TEST(ParseSdp, RepeatTimesAndZones) {
  auto sdp = parse_sdp("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=3034423619 3042462419\r\n"
                       "r=604800 3600 0 90000\r\nr=7d 1h 0 25h\r\nt=0 0\r\nz=2882844526 -1h 2898848070 0\r\n");
  ASSERT_TRUE(sdp) << sdp.error().message();
  ASSERT_EQ(sdp->times.size(), 2u);
  EXPECT_EQ(sdp->times[0].repeats, (std::vector<std::string>{"604800 3600 0 90000", "7d 1h 0 25h"}));
  EXPECT_EQ(sdp->zone_adjustments, "2882844526 -1h 2898848070 0");
}

TEST(ParseSdp, ConnectionForms) {
  auto sdp = parse_sdp("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n"
                       "m=audio 4000 RTP/AVP 0\r\nc=IN IP4 224.2.1.1/127/3\r\n"
                       "m=audio 4002 RTP/AVP 0\r\nc=IN IP6 FF15::101/3\r\n"
                       "m=audio 4004 RTP/AVP 0\r\nc=IN IP6 ::ffff:192.0.2.1\r\n"
                       "m=audio 4006 RTP/AVP 0\r\nc=IN IP4 host.example.com\r\n");
  ASSERT_TRUE(sdp) << sdp.error().message();
  EXPECT_EQ(sdp->media[0].connections[0], (Connection{"IN", "IP4", "224.2.1.1", 127, 3}));
  EXPECT_EQ(sdp->media[1].connections[0], (Connection{"IN", "IP6", "FF15::101", std::nullopt, 3}));
  EXPECT_EQ(sdp->media[2].connections[0].address, "::ffff:192.0.2.1");
  EXPECT_EQ(sdp->media[3].connections[0].address, "host.example.com");
}

TEST(ParseSdp, RejectedStreamNeedsNoConnection) {
  auto sdp = parse_sdp(samples::kIpv6WithRejectedVideo);
  ASSERT_TRUE(sdp) << sdp.error().message();
  EXPECT_FALSE(sdp->media[0].rejected());
  EXPECT_TRUE(sdp->media[1].rejected());
  EXPECT_EQ(sdp->media[0].mid(), "0");
  EXPECT_EQ(sdp->media_connection(0)->address_type, "IP6");
  EXPECT_EQ(sdp->media_connection(1), nullptr);
  EXPECT_EQ(sdp->media[0].proto, "UDP/TLS/RTP/SAVP");
  EXPECT_TRUE(sdp->media[0].is_rtp());
}

TEST(ParseSdp, UnknownAttributesAndNonRtpFormatsAreKept) {
  auto sdp = parse_sdp(kHead + "a=X-odd:  spaced : value \r\nm=application 9 TCP/MSRP *\r\n"
                               "a=accept-types:message/cpim text/plain\r\na=flag\r\na=empty:\r\n");
  ASSERT_TRUE(sdp) << sdp.error().message();
  EXPECT_EQ(sdp->attributes[0], (Attribute{"X-odd", "  spaced : value "}));
  const auto& m = sdp->media[0];
  EXPECT_FALSE(m.is_rtp());
  EXPECT_EQ(m.formats, std::vector<std::string>{"*"});
  EXPECT_EQ(m.attributes[1], (Attribute{"flag", std::nullopt}));
  EXPECT_EQ(m.attributes[2], (Attribute{"empty", ""}));
}

TEST(ParseSdp, TypedHelpers) {
  auto sdp = parse_sdp(samples::kFreeswitchOffer);
  ASSERT_TRUE(sdp) << sdp.error().message();
  const auto& m = sdp->media[0];
  EXPECT_EQ(m.payload_types(), (std::vector<std::uint8_t>{9, 0, 8, 101, 13}));
  EXPECT_EQ(m.fmtp(101), "0-16");
  EXPECT_FALSE(m.fmtp(0));
  EXPECT_EQ(m.ptime(), 20u);
  EXPECT_FALSE(m.maxptime());
  EXPECT_EQ(m.direction(), Direction::sendrecv);
  ASSERT_TRUE(m.rtcp());
  EXPECT_EQ(m.rtcp()->port, 24577);
  EXPECT_EQ(m.rtcp()->connection->address, "192.0.2.7");
  EXPECT_TRUE(m.rtcp_mux());
  EXPECT_EQ(m.find_codec(RtpMap{0, "pcma", 8000, std::nullopt}), 8);
  EXPECT_EQ(m.crypto_values().size(), 2u);
}

TEST(ParseSdp, StaticPayloadTypesAreKnownImplicitly) {
  auto sdp = parse_sdp(kHead + "m=audio 4000 RTP/AVP 0 8 18 9 3 96\r\n");
  ASSERT_TRUE(sdp) << sdp.error().message();
  const auto& m = sdp->media[0];
  EXPECT_EQ(m.rtpmap(0)->encoding, "PCMU");
  EXPECT_EQ(m.rtpmap(8)->encoding, "PCMA");
  EXPECT_EQ(m.rtpmap(18)->encoding, "G729");
  EXPECT_EQ(m.rtpmap(9)->clock_rate, 8000u);  // G.722's RTP clock is 8000 (RFC 3551 4.5.2)
  EXPECT_EQ(m.rtpmap(3)->encoding, "GSM");
  EXPECT_FALSE(m.rtpmap(96));  // dynamic without a=rtpmap: parsed, but unidentifiable
}

TEST(ParseSdp, PacketTimeAcceptsFraction) {
  auto sdp = parse_sdp(kHead + "m=audio 4000 RTP/AVP 0\r\na=ptime:20.0\r\n");
  ASSERT_TRUE(sdp) << sdp.error().message();
  EXPECT_EQ(sdp->media[0].ptime(), 20u);
}

TEST(ParseSdp, MediaDirectionOverridesSession) {
  auto sdp = parse_sdp(kHead + "a=inactive\r\nm=audio 4000 RTP/AVP 0\r\na=sendonly\r\nm=audio 4002 RTP/AVP 0\r\n");
  ASSERT_TRUE(sdp);
  EXPECT_EQ(sdp->media_direction(0), Direction::sendonly);
  EXPECT_EQ(sdp->media_direction(1), Direction::inactive);
}

TEST(ParseSdp, SetDirectionReplacesInPlace) {
  std::vector<Attribute> attrs{{"rtpmap", "0 PCMU/8000"}, {"sendonly", std::nullopt}, {"ptime", "20"}};
  set_direction(attrs, Direction::inactive);
  EXPECT_EQ(attrs[1], (Attribute{"inactive", std::nullopt}));
  EXPECT_EQ(attrs.size(), 3u);
  std::vector<Attribute> none;
  set_direction(none, Direction::recvonly);
  EXPECT_EQ(none, (std::vector<Attribute>{{"recvonly", std::nullopt}}));
}

TEST(ParseSdp, Limits) {
  ParseLimits small{.max_bytes = 100, .max_lines = 6, .max_media = 1};
  std::string big = kHead + "a=x:" + std::string(200, 'y') + "\r\n";
  EXPECT_EQ(parse_sdp(big, small).error().message(),
            "limit exceeded: SDP is " + std::to_string(big.size()) + " bytes, limit 100");
  EXPECT_EQ(parse_sdp(kHead + "a=a\r\na=b\r\n", small).error().message(),
            "limit exceeded: SDP has more than 6 lines");
  EXPECT_EQ(parse_sdp(kHead + "m=audio 1 RTP/AVP 0\r\nm=audio 2 RTP/AVP 0\r\n",
                      ParseLimits{.max_media = 1}).error().message(),
            "limit exceeded: line 7: more than 1 m= sections");
  EXPECT_FALSE(parse_sdp(std::string(70000, 'v')));
}

}  // namespace
}  // namespace sotto::sdp
