#include <gtest/gtest.h>

#include <string>

#include "core/sdp/sdp.hpp"
#include "core/sdp/test_samples.hpp"

namespace sotto::sdp {
namespace {

TEST(Serialize, Rfc4566ExampleIsAlreadyCanonical) {
  auto sdp = parse_sdp(samples::kRfc4566Example);
  ASSERT_TRUE(sdp);
  EXPECT_EQ(serialize(*sdp), samples::kRfc4566Example);
}

TEST(Serialize, PeerOffersRoundTripByteExact) {
  // These are written in canonical order already, so serialization reproduces them exactly.
  for (const char* text : {samples::kLinphoneOffer, samples::kAsteriskOffer, samples::kFreeswitchOffer,
                           samples::kRfc4317Offer21, samples::kRfc4317Answer21, samples::kIpv6WithRejectedVideo}) {
    auto sdp = parse_sdp(text);
    ASSERT_TRUE(sdp) << sdp.error().message() << "\n" << text;
    EXPECT_EQ(serialize(*sdp), text);
  }
}

TEST(Serialize, BareLfBecomesCrlf) {
  auto sdp = parse_sdp(samples::kBaresipOffer);
  ASSERT_TRUE(sdp) << sdp.error().message();
  std::string crlf;
  for (const char* p = samples::kBaresipOffer; *p; ++p) {
    if (*p == '\n') crlf += '\r';
    crlf += *p;
  }
  EXPECT_EQ(serialize(*sdp), crlf);
}

TEST(Serialize, OutOfOrderInputComesOutCanonical) {
  // Seen in the wild: a= before t=, c= after b=, m-level a= before c=.
  auto sdp = parse_sdp("v=0\no=- 7 7 IN IP4 192.0.2.1\ns=x\na=group:BUNDLE 0\nb=AS:80\nc=IN IP4 192.0.2.1\n"
                       "t=0 0\nm=audio 4000 RTP/AVP 0\na=ptime:20\nc=IN IP4 192.0.2.9\n");
  ASSERT_TRUE(sdp) << sdp.error().message();
  EXPECT_EQ(serialize(*sdp),
            "v=0\r\no=- 7 7 IN IP4 192.0.2.1\r\ns=x\r\nc=IN IP4 192.0.2.1\r\nb=AS:80\r\nt=0 0\r\n"
            "a=group:BUNDLE 0\r\nm=audio 4000 RTP/AVP 0\r\nc=IN IP4 192.0.2.9\r\na=ptime:20\r\n");
}

TEST(Serialize, EveryFieldRoundTrips) {
  const std::string text =
      "v=0\r\no=user 0123 42 IN IP6 2001:db8::2\r\ns= \r\ni=info\r\nu=http://x/y\r\ne=a@b\r\ne=c@d\r\n"
      "p=+1 555 0100\r\nc=IN IP6 FF1E:03AD::7F2E:172A:1E24/3\r\nb=CT:128\r\nb=X-YZ:1\r\n"
      "t=1 2\r\nr=604800 3600 0 90000\r\nt=3 4\r\nz=2882844526 -1h\r\nk=prompt\r\na=tool:x\r\n"
      "m=audio 49170/2 RTP/AVP 0 96\r\ni=media title\r\nc=IN IP4 224.2.1.1/127/3\r\nc=IN IP4 224.2.1.9/1\r\n"
      "b=AS:64\r\nk=clear:abc\r\na=rtpmap:96 L16/16000/2\r\na=fmtp:96 x=1;y=2\r\na=sendonly\r\n"
      "m=application 0 TCP/MSRP *\r\n";
  auto sdp = parse_sdp(text);
  ASSERT_TRUE(sdp) << sdp.error().message();
  EXPECT_EQ(sdp->origin.session_id, "0123");
  EXPECT_EQ(sdp->session_name, " ");
  EXPECT_EQ(sdp->media[0].port_count, 2);
  EXPECT_EQ(serialize(*sdp), text);
  auto again = parse_sdp(serialize(*sdp));
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, *sdp);
}

TEST(Serialize, BuiltValueWithoutTimesGetsZeroZero) {
  SessionDescription sdp;
  sdp.times.clear();
  sdp.origin.address = "192.0.2.1";
  EXPECT_EQ(serialize(sdp), "v=0\r\no=- 0 0 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\n");
}

// Inputs whose text is not canonical but whose value must survive the round trip unchanged.
TEST(Serialize, NormalisingInputsKeepTheirValue) {
  const std::string head = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n";
  const char* bodies[] = {
      "m=audio 004000 RTP/AVP 000 8\r\n",                 // leading zeros: port normalised, formats kept
      "m=audio  4000   RTP/AVP 0 \r\n",                     // doubled and trailing blanks
      "m=audio 4000 RTP/AVP 0\r\na=sendonly:x\r\na=recvonly\r\n",  // valued name is not a direction
      "m=audio 4000 RTP/AVP 96\r\na=rtpmap:96 opus/48000/2  \r\n",  // trailing blanks stay in the raw value
      "m=audio 0 RTP/AVP\r\n",                              // rejected stream without formats
      "m=audio 4000 RTP/AVP 0\r\na=x:\xc3\xa9t\xc3\xa9 \xff\r\n",   // high bytes in attribute values
  };
  for (const char* body : bodies) {
    auto sdp = parse_sdp(head + body);
    ASSERT_TRUE(sdp) << sdp.error().message() << "\n" << body;
    auto again = parse_sdp(serialize(*sdp));
    ASSERT_TRUE(again) << again.error().message();
    EXPECT_EQ(*again, *sdp) << body;
    EXPECT_EQ(serialize(*again), serialize(*sdp));
  }
}

}  // namespace
}  // namespace sotto::sdp
