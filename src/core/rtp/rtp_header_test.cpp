#include "core/rtp/rtp_header.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace sotto::rtp {
namespace {

TEST(RtpHeader, ParsesFixedHeader) {
  std::vector<std::uint8_t> p = {0x80, 0xe0, 0x12, 0x34, 0, 0, 0x01, 0x00, 0xde, 0xad, 0xbe, 0xef, 1, 2};
  auto h = parse_rtp_header(p);
  ASSERT_TRUE(h);
  EXPECT_TRUE(h->marker);
  EXPECT_EQ(h->payload_type, 0x60);
  EXPECT_EQ(h->sequence, 0x1234);
  EXPECT_EQ(h->timestamp, 0x100u);
  EXPECT_EQ(h->ssrc, 0xdeadbeefu);
  EXPECT_EQ(h->header_len, 12u);
}

TEST(RtpHeader, CsrcsAndExtension) {
  std::vector<std::uint8_t> p = {0x92, 0x00, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1,  // V=2 X=1 CC=2
                                 1, 1, 1, 1, 2, 2, 2, 2,                    // CSRCs
                                 0xbe, 0xde, 0, 1, 0x10, 0xaa, 0, 0,        // ext: one word
                                 9};
  auto h = parse_rtp_header(p);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->csrc_count, 2);
  EXPECT_EQ(h->extension_offset, 20u);
  EXPECT_EQ(h->extension_profile, 0xbede);
  EXPECT_EQ(h->extension_len, 4u);
  EXPECT_EQ(h->header_len, 28u);
}

TEST(RtpHeader, RejectsTruncatedAndWrongVersion) {
  std::vector<std::uint8_t> shortp(11, 0x80);
  EXPECT_EQ(parse_rtp_header(shortp).error(), HeaderError::truncated);
  std::vector<std::uint8_t> v1(12, 0);
  v1[0] = 0x40;
  EXPECT_EQ(parse_rtp_header(v1).error(), HeaderError::bad_version);
  std::vector<std::uint8_t> cc(12, 0);
  cc[0] = 0x8f;  // 15 CSRCs claimed, none present
  EXPECT_EQ(parse_rtp_header(cc).error(), HeaderError::truncated);
  std::vector<std::uint8_t> ext = {0x90, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xbe, 0xde, 0, 5};
  EXPECT_EQ(parse_rtp_header(ext).error(), HeaderError::truncated);
}

TEST(RtcpHeader, ReadsSenderSsrc) {
  std::vector<std::uint8_t> p = {0x80, 200, 0, 6, 0x11, 0x22, 0x33, 0x44};
  auto h = parse_rtcp_header(p);
  ASSERT_TRUE(h);
  EXPECT_EQ(h->packet_type, 200);
  EXPECT_EQ(h->sender_ssrc, 0x11223344u);
}

}  // namespace
}  // namespace sotto::rtp
