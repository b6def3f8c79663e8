#pragma once
// SDP bodies shared by the tests (test-only header). Peer samples are modelled on what each peer
// sends (see /work/shared/PEERS.md); keys are dummies of the right length.
//
//   auto sdp = parse_sdp(samples::kRfc4566Example);
//   EXPECT_EQ(serialize(*sdp), samples::kRfc4566Example);   // already canonical, CRLF

namespace sotto::sdp::samples {

// RFC 4566 section 5 example (multicast, session-level recvonly).
inline constexpr const char* kRfc4566Example =
    "v=0\r\n"
    "o=jdoe 2890844526 2890842807 IN IP4 10.47.16.5\r\n"
    "s=SDP Seminar\r\n"
    "i=A Seminar on the session description protocol\r\n"
    "u=http://www.example.com/seminars/sdp.pdf\r\n"
    "e=j.doe@example.com (Jane Doe)\r\n"
    "c=IN IP4 224.2.17.12/127\r\n"
    "t=2873397496 2873404696\r\n"
    "a=recvonly\r\n"
    "m=audio 49170 RTP/AVP 0\r\n"
    "m=video 51372 RTP/AVP 99\r\n"
    "a=rtpmap:99 h263-1998/90000\r\n";

// RFC 4317 section 2.1 (Audio and Video 1): offer and answer.
inline constexpr const char* kRfc4317Offer21 =
    "v=0\r\n"
    "o=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com\r\n"
    "s=\r\n"
    "c=IN IP4 host.atlanta.example.com\r\n"
    "t=0 0\r\n"
    "m=audio 49170 RTP/AVP 0 8 97\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:97 iLBC/8000\r\n"
    "m=video 51372 RTP/AVP 31 32\r\n"
    "a=rtpmap:31 H261/90000\r\n"
    "a=rtpmap:32 MPV/90000\r\n";
inline constexpr const char* kRfc4317Answer21 =
    "v=0\r\n"
    "o=bob 2808844564 2808844564 IN IP4 host.biloxi.example.com\r\n"
    "s=\r\n"
    "c=IN IP4 host.biloxi.example.com\r\n"
    "t=0 0\r\n"
    "m=audio 49174 RTP/AVP 0\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "m=video 49170 RTP/AVP 32\r\n"
    "a=rtpmap:32 MPV/90000\r\n";

// RFC 4317 section 2.4 (Two Audio Streams): the second stream carries only telephone-event, sendonly.
inline constexpr const char* kRfc4317Offer24 =
    "v=0\r\n"
    "o=alice 2890844526 2890844526 IN IP4 host.atlanta.example.com\r\n"
    "s=\r\n"
    "c=IN IP4 host.atlanta.example.com\r\n"
    "t=0 0\r\n"
    "m=audio 49170 RTP/AVP 0 97\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:97 iLBC/8000\r\n"
    "m=audio 49172 RTP/AVP 98\r\n"
    "a=rtpmap:98 telephone-event/8000\r\n"
    "a=sendonly\r\n";

// RFC 4317 section 3.1 (Hold and Unhold 1): Alice's hold re-offer (sendonly, version bumped).
inline constexpr const char* kRfc4317HoldOffer31 =
    "v=0\r\n"
    "o=alice 2890844526 2890844527 IN IP4 host.atlanta.example.com\r\n"
    "s=\r\n"
    "c=IN IP4 host.atlanta.example.com\r\n"
    "t=0 0\r\n"
    "m=audio 49170 RTP/AVP 0 97\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:97 iLBC/8000\r\n"
    "a=sendonly\r\n";

// baresip 1.0, mediaenc=srtp-mand, audio_codecs=pcmu: RTP/SAVP, exactly one a=crypto (PEERS.md).
// Bare LF on purpose: the parser must be liberal about line ends.
inline constexpr const char* kBaresipOffer =
    "v=0\n"
    "o=- 1739457203 2471542394 IN IP4 127.0.0.1\n"
    "s=-\n"
    "c=IN IP4 127.0.0.1\n"
    "t=0 0\n"
    "a=tool:baresip 1.0.0\n"
    "m=audio 10830 RTP/SAVP 0 101\n"
    "b=AS:96\n"
    "a=rtpmap:0 PCMU/8000\n"
    "a=rtpmap:101 telephone-event/8000\n"
    "a=fmtp:101 0-15\n"
    "a=sendrecv\n"
    "a=label:1\n"
    "a=rtcp-rsize\n"
    "a=ssrc:2816351023 cname:6f7e0b32-1dfc-4d4b-9c3a-0b0e2f4f1f0a\n"
    "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\n"
    "a=ptime:20\n";

// linphone 5.1 with media_encryption=srtp: four SDES suites, tags 1-4 (PEERS.md); a=rtcp-xr carries
// colons in its value; a=rtcp gives the RTCP port explicitly.
inline constexpr const char* kLinphoneOffer =
    "v=0\r\n"
    "o=bob 3457 2011 IN IP4 127.0.0.1\r\n"
    "s=Talk\r\n"
    "c=IN IP4 127.0.0.1\r\n"
    "t=0 0\r\n"
    "a=rtcp-xr:rcvr-rtt=all:10000 stat-summary=loss,dup,jitt,TTL voip-metrics\r\n"
    "a=record:off\r\n"
    "m=audio 7078 RTP/SAVP 96 97 98 0 8 18 101 99 100\r\n"
    "a=rtpmap:96 opus/48000/2\r\n"
    "a=fmtp:96 useinbandfec=1\r\n"
    "a=rtpmap:97 speex/16000\r\n"
    "a=fmtp:97 vbr=on\r\n"
    "a=rtpmap:98 speex/8000\r\n"
    "a=fmtp:98 vbr=on\r\n"
    "a=fmtp:18 annexb=yes\r\n"
    "a=rtpmap:101 telephone-event/48000\r\n"
    "a=rtpmap:99 telephone-event/16000\r\n"
    "a=rtpmap:100 telephone-event/8000\r\n"
    "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:cmVhbGx5IG5vdCBhIGtleSwganVzdCBmaWxsZXIh\r\n"
    "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:ZmlsbGVyIGJ5dGVzIGZvciB0aGUgdGVzdCBzdWl0ZQ==\r\n"
    "a=crypto:3 AES_256_CM_HMAC_SHA1_80 inline:QUVTLTI1NiB0ZXN0IGtleSBhbmQgc2FsdCwgNDYgYnl0ZXMgbG9uZyEhISEhIQ==\r\n"
    "a=crypto:4 AES_256_CM_HMAC_SHA1_32 inline:YW5vdGhlciAyNTYtYml0IHRlc3Qga2V5IHdpdGggc2FsdCBmb3IgdGFnIDQhIQ==\r\n"
    "a=rtcp:7079\r\n"
    "a=rtcp-fb:* trr-int 1000\r\n"
    "a=rtcp-fb:* ccm tmmbr\r\n";

// An Asterisk-like chan_pjsip offer: static types only, ptime/maxptime, explicit sendrecv.
inline constexpr const char* kAsteriskOffer =
    "v=0\r\n"
    "o=- 1916473250 1916473250 IN IP4 192.0.2.5\r\n"
    "s=Asterisk\r\n"
    "c=IN IP4 192.0.2.5\r\n"
    "t=0 0\r\n"
    "m=audio 17880 RTP/SAVP 0 8 9 101\r\n"
    "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:YXN0ZXJpc2sgdGVzdCBrZXkgbWF0ZXJpYWwgMzBiIQ==\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:9 G722/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-16\r\n"
    "a=ptime:20\r\n"
    "a=maxptime:150\r\n"
    "a=sendrecv\r\n";

// A FreeSWITCH-like offer: CN, a=rtcp with address, rtcp-mux, four suites, a=ptime before crypto.
inline constexpr const char* kFreeswitchOffer =
    "v=0\r\n"
    "o=FreeSWITCH 1700041182 1700041183 IN IP4 192.0.2.7\r\n"
    "s=FreeSWITCH\r\n"
    "c=IN IP4 192.0.2.7\r\n"
    "t=0 0\r\n"
    "m=audio 24576 RTP/SAVP 9 0 8 101 13\r\n"
    "a=rtpmap:9 G722/8000\r\n"
    "a=rtpmap:0 PCMU/8000\r\n"
    "a=rtpmap:8 PCMA/8000\r\n"
    "a=rtpmap:101 telephone-event/8000\r\n"
    "a=fmtp:101 0-16\r\n"
    "a=rtpmap:13 CN/8000\r\n"
    "a=ptime:20\r\n"
    "a=sendrecv\r\n"
    "a=rtcp:24577 IN IP4 192.0.2.7\r\n"
    "a=rtcp-mux\r\n"
    "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:ZnJlZXN3aXRjaCB0ZXN0IGtleSBtYXRlcmlhbCEhIQ==\r\n"
    "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:c2Vjb25kIGZyZWVzd2l0Y2ggdGVzdCBrZXkgISEhIQ==\r\n";

// IPv6 with a media-level c= and a port 0 (rejected) video stream without c=.
inline constexpr const char* kIpv6WithRejectedVideo =
    "v=0\r\n"
    "o=- 1 1 IN IP6 2001:db8::1\r\n"
    "s=-\r\n"
    "t=0 0\r\n"
    "m=audio 5004 UDP/TLS/RTP/SAVP 111\r\n"
    "c=IN IP6 2001:db8::1\r\n"
    "a=rtpmap:111 opus/48000/2\r\n"
    "a=mid:0\r\n"
    "m=video 0 RTP/SAVPF 96\r\n";

}  // namespace sotto::sdp::samples
