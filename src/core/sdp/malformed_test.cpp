// Each malformed input with the exact error it must give: the message is part of the contract
// (it ends up in logs and in 488 Warning headers).
#include <gtest/gtest.h>

#include <string>

#include "core/sdp/sdp.hpp"

namespace sotto::sdp {
namespace {

const std::string kHead = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n";  // 5 lines
const std::string kAudio = "m=audio 4000 RTP/AVP 0\r\n";                                                  // line 6

struct Case {
  const char* name;
  std::string input;
  std::string error;
};

class Malformed : public ::testing::TestWithParam<Case> {};

TEST_P(Malformed, GivesItsError) {
  auto r = parse_sdp(GetParam().input);
  ASSERT_FALSE(r) << "parsed: " << GetParam().input;
  EXPECT_EQ(r.error().message(), GetParam().error);
}

const Case kCases[] = {
    {"Empty", "", "malformed input: empty SDP: no v= line"},
    {"OnlyBlankLines", "\r\n\n", "malformed input: empty SDP: no v= line"},
    {"NoVersion", "o=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\n",
     "malformed input: line 1: SDP must start with v=, got o= (RFC 4566 section 5)"},
    {"VersionOne", "v=1\r\n", "unsupported: line 1: v=1, only version 0 exists"},
    {"MissingOrigin", "v=0\r\ns=-\r\nt=0 0\r\n", "malformed input: missing o= line (RFC 4566 section 5.2)"},
    {"MissingSessionName", "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\nt=0 0\r\n",
     "malformed input: missing s= line (RFC 4566 section 5.3)"},
    {"UpperCaseType", "V=0\r\n", "malformed input: line 1: expected '<type>=' with a lower-case letter, got 'V=0'"},
    {"NoEquals", kHead + "hello\r\n",
     "malformed input: line 6: expected '<type>=' with a lower-case letter, got 'hello'"},
    {"UnknownType", kHead + "x=1\r\n", "malformed input: line 6: unknown line type 'x='"},
    {"ControlCharacter", kHead + "a=x:\x01y\r\n", "malformed input: line 6: control character '\\x01' in a= line"},
    {"StrayCarriageReturn", "v=0\r\ro=-\r\n", "malformed input: line 1: control character '\\x0d' in v= line"},
    {"SecondOrigin", kHead + "o=- 1 1 IN IP4 192.0.2.1\r\n",
     "malformed input: line 6: second o= line in the session section"},
    {"SecondSessionConnection", kHead + "c=IN IP4 192.0.2.2\r\n",
     "malformed input: line 6: second c= line in the session section"},
    {"OriginFieldCount", "v=0\r\no=- 1 1 IN\r\n",
     "malformed input: line 2: o= needs 6 fields (username sess-id sess-version nettype addrtype address), got 4"},
    {"OriginVersionNotNumber", "v=0\r\no=- 1 x IN IP4 a\r\n", "malformed input: line 2: o= sess-version 'x' is not a number"},
    {"TimeInMedia", kHead + kAudio + "t=0 0\r\n",
     "malformed input: line 7: t= is not allowed in a media description (m= at line 6)"},
    {"OriginInMedia", kHead + kAudio + "o=- 1 1 IN IP4 192.0.2.1\r\n",
     "malformed input: line 7: o= is not allowed in a media description (m= at line 6)"},
    {"TimeFieldCount", "v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nt=0\r\n",
     "malformed input: line 4: t= needs 2 fields (start-time stop-time), got 1"},
    {"RepeatWithoutTime", "v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nr=1 2 3\r\n",
     "malformed input: line 4: r= must follow a t= line (RFC 4566 section 5.10)"},
    {"BadIpv4", kHead + "m=audio 4000 RTP/AVP 0\r\nc=IN IP4 300.1.1.1\r\n",
     "malformed input: line 7: c= '300.1.1.1' is not an IPv4 address"},
    {"BadIpv6", kHead + "m=audio 4000 RTP/AVP 0\r\nc=IN IP6 2001:db8:::1\r\n",
     "malformed input: line 7: c= '2001:db8:::1' is not an IPv6 address"},
    {"BadHostName", kHead + "m=audio 4000 RTP/AVP 0\r\nc=IN IP4 a,b\r\n",
     "malformed input: line 7: c= 'a,b' is neither an IPv4 address nor a host name"},
    {"MulticastWithoutTtl", kHead + "m=audio 4000 RTP/AVP 0\r\nc=IN IP4 224.2.1.1\r\n",
     "malformed input: line 7: c= IPv4 multicast address '224.2.1.1' needs a /ttl (RFC 4566 5.7)"},
    {"TtlOnUnicast", kHead + "m=audio 4000 RTP/AVP 0\r\nc=IN IP4 10.0.0.1/127\r\n",
     "malformed input: line 7: c= '10.0.0.1/127': '/' suffixes are only for multicast addresses"},
    {"TtlTooBig", kHead + "m=audio 4000 RTP/AVP 0\r\nc=IN IP4 224.2.1.1/256\r\n",
     "malformed input: line 7: c= TTL '256' is not 0..255"},
    {"ConnectionFieldCount", kHead + "m=audio 4000 RTP/AVP 0\r\nc=IN IP4\r\n",
     "malformed input: line 7: c= needs 3 fields (nettype addrtype address), got 2"},
    {"NoConnectionAnywhere", "v=0\r\no=- 1 1 IN IP4 a\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n",
     "malformed input: line 5: m=audio has no c= line and the session has none (RFC 4566 section 5.7)"},
    {"PortTooBig", kHead + "m=audio 70000 RTP/AVP 0\r\n",
     "malformed input: line 6: m= port '70000' is not 0..65535 [/count]"},
    {"PortNotNumber", kHead + "m=audio x RTP/AVP 0\r\n", "malformed input: line 6: m= port 'x' is not 0..65535 [/count]"},
    {"MediaFieldCount", kHead + "m=audio 4000\r\n",
     "malformed input: line 6: m= needs '<media> <port> <proto> <fmt> ...', got 2 fields"},
    {"NoFormats", kHead + "m=audio 4000 RTP/AVP\r\n",
     "malformed input: line 6: m=audio lists no formats (allowed only with port 0)"},
    {"PayloadTypeTooBig", kHead + "m=audio 4000 RTP/AVP 0 128\r\n",
     "malformed input: line 6: m= format '128' is not an RTP payload type 0..127"},
    {"RtpmapWithoutRate", kHead + kAudio + "a=rtpmap:97 iLBC\r\n",
     "malformed input: line 7: a=rtpmap: expected '<encoding>/<clock rate>' after the payload type, got 'iLBC'"},
    {"RtpmapBadRate", kHead + kAudio + "a=rtpmap:97 iLBC/eight\r\n",
     "malformed input: line 7: a=rtpmap: clock rate 'eight' is not a positive number"},
    {"RtpmapBadPayloadType", kHead + kAudio + "a=rtpmap:200 x/8000\r\n",
     "malformed input: line 7: a=rtpmap: payload type '200' is not a number 0..127"},
    {"RtpmapBadChannels", kHead + kAudio + "a=rtpmap:96 opus/48000/0\r\n",
     "malformed input: line 7: a=rtpmap: encoding parameters '0' are not a channel count 1..65535"},
    {"RtpmapTwice", kHead + kAudio + "a=rtpmap:0 PCMU/8000\r\na=rtpmap:0 PCMU/8000\r\n",
     "malformed input: line 8: a=rtpmap: payload type 0 mapped twice"},
    {"RtpmapWithoutValue", kHead + kAudio + "a=rtpmap\r\n",
     "malformed input: line 7: a=rtpmap needs a value ('a=rtpmap:...')"},
    {"PtimeNotNumber", kHead + kAudio + "a=ptime:abc\r\n",
     "malformed input: line 7: a=ptime: 'abc' is not a number of milliseconds"},
    {"RtcpBadPort", kHead + kAudio + "a=rtcp:99999\r\n", "malformed input: line 7: a=rtcp: port '99999' is not 0..65535"},
    {"TwoDirections", kHead + kAudio + "a=sendonly\r\na=recvonly\r\n",
     "malformed input: line 8: a=recvonly: second direction attribute in this section (first at line 7)"},
    {"TwoSessionDirections", kHead + "a=sendonly\r\na=inactive\r\n",
     "malformed input: line 7: a=inactive: second direction attribute in this section (first at line 6)"},
    {"EmptyAttributeName", kHead + "a=:x\r\n", "malformed input: line 6: a= attribute name '' is not a token"},
    {"AttributeNameWithSpace", kHead + "a=foo bar\r\n", "malformed input: line 6: a= attribute name 'foo bar' is not a token"},
    {"BandwidthNotNumber", kHead + "b=AS:lots\r\n", "malformed input: line 6: b= bandwidth 'lots' is not a number"},
    {"BandwidthNoColon", kHead + "b=AS\r\n", "malformed input: line 6: b= expected '<bwtype>:<bandwidth>', got 'AS'"},
    {"SecondMediaTitle", kHead + kAudio + "i=a\r\ni=b\r\n", "malformed input: line 8: second i= line in the media section"},
};

INSTANTIATE_TEST_SUITE_P(ParseSdp, Malformed, ::testing::ValuesIn(kCases),
                         [](const auto& p) { return std::string(p.param.name); });

}  // namespace
}  // namespace sotto::sdp
