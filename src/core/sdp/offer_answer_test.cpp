#include <gtest/gtest.h>

#include <string>

#include "core/sdp/offer_answer.hpp"
#include "core/sdp/sdp.hpp"
#include "core/sdp/test_samples.hpp"

namespace sotto::sdp {
namespace {

SessionDescription parsed(const char* text) {
  auto r = parse_sdp(text);
  EXPECT_TRUE(r) << r.error().message();
  return r ? *r : SessionDescription{};
}

LocalCapabilities bob_caps() {
  LocalCapabilities c{.username = "bob", .session_id = "2808844564", .session_version = 2808844564,
                      .address = "host.biloxi.example.com", .session_name = ""};
  return c;
}

LocalCapabilities alice_caps() {
  LocalCapabilities c{.username = "alice", .session_id = "2890844526", .session_version = 2890844526,
                      .address = "host.atlanta.example.com", .session_name = ""};
  c.media.push_back({.port = 49170, .codecs = {{"PCMU", 8000}, {"iLBC", 8000, {}, 97}}});
  return c;
}

// RFC 4317 section 2.1: Bob takes PCMU audio and MPV video only.
TEST(OfferAnswer, Rfc4317AudioAndVideo1) {
  SessionDescription offer = parsed(samples::kRfc4317Offer21);
  LocalCapabilities bob = bob_caps();
  bob.media.push_back({.media = "audio", .port = 49174, .codecs = {{"PCMU", 8000}}});
  bob.media.push_back({.media = "video", .port = 49170, .codecs = {{"MPV", 90000}}});
  auto answer = build_answer(offer, bob);
  ASSERT_TRUE(answer) << answer.error().message();
  SessionDescription expected = parsed(samples::kRfc4317Answer21);
  // We always write the direction; the RFC text leaves it implicit. Otherwise identical.
  expected.media[0].attributes.push_back({"sendrecv", std::nullopt});
  expected.media[1].attributes.push_back({"sendrecv", std::nullopt});
  EXPECT_EQ(*answer, expected) << serialize(*answer);

  auto streams = apply_answer(offer, parsed(samples::kRfc4317Answer21));
  ASSERT_TRUE(streams) << streams.error().message();
  ASSERT_EQ(streams->size(), 2u);
  EXPECT_EQ((*streams)[0].codecs, (std::vector<RtpMap>{{0, "PCMU", 8000, std::nullopt}}));
  EXPECT_EQ((*streams)[0].remote_address, "host.biloxi.example.com");
  EXPECT_EQ((*streams)[0].remote_port, 49174);
  EXPECT_EQ((*streams)[0].remote_rtcp_port, 49175);
  EXPECT_EQ((*streams)[1].codecs[0].encoding, "MPV");
  EXPECT_EQ((*streams)[1].direction, Direction::sendrecv);
}

// RFC 4317 section 2.4: Bob picks iLBC on the first stream and takes the telephone-event-only,
// sendonly second stream as recvonly.
TEST(OfferAnswer, Rfc4317TwoAudioStreams) {
  SessionDescription offer = parsed(samples::kRfc4317Offer24);
  LocalCapabilities bob = bob_caps();
  bob.media.push_back({.port = 49172, .codecs = {{"iLBC", 8000}}});
  bob.media.push_back({.port = 49174, .codecs = {{"telephone-event", 8000}}});
  auto answer = build_answer(offer, bob);
  ASSERT_TRUE(answer) << answer.error().message();
  EXPECT_EQ(serialize(*answer),
            "v=0\r\no=bob 2808844564 2808844564 IN IP4 host.biloxi.example.com\r\ns=\r\n"
            "c=IN IP4 host.biloxi.example.com\r\nt=0 0\r\n"
            "m=audio 49172 RTP/AVP 97\r\na=rtpmap:97 iLBC/8000\r\na=sendrecv\r\n"
            "m=audio 49174 RTP/AVP 98\r\na=rtpmap:98 telephone-event/8000\r\na=recvonly\r\n");
  auto streams = apply_answer(offer, *answer);
  ASSERT_TRUE(streams) << streams.error().message();
  EXPECT_EQ((*streams)[1].direction, Direction::sendonly);
  EXPECT_EQ((*streams)[1].telephone_event_pt, 98);
  auto mine = answered_streams(offer, *answer);
  ASSERT_TRUE(mine);
  EXPECT_EQ((*mine)[1].direction, Direction::recvonly);
  EXPECT_EQ((*mine)[0].remote_address, "host.atlanta.example.com");
  EXPECT_EQ((*mine)[0].remote_port, 49170);
}

// RFC 4317 section 3.1: Alice puts Bob on hold by re-offering sendonly; the version goes up by one.
TEST(OfferAnswer, Rfc4317HoldAndResume) {
  LocalCapabilities alice = alice_caps();
  auto first = build_offer(alice);
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_EQ(first->origin.session_version, 2890844526u);

  alice.media[0].direction = Direction::sendonly;
  auto hold = build_reoffer(*first, alice);
  ASSERT_TRUE(hold) << hold.error().message();
  EXPECT_EQ(serialize(*hold), samples::kRfc4317HoldOffer31);

  LocalCapabilities bob = bob_caps();
  bob.media.push_back({.port = 49172, .codecs = {{"PCMU", 8000}}});
  auto answer = build_answer(*hold, bob);
  ASSERT_TRUE(answer);
  EXPECT_EQ(answer->media_direction(0), Direction::recvonly);
  auto streams = apply_answer(*hold, *answer);
  ASSERT_TRUE(streams);
  EXPECT_EQ((*streams)[0].direction, Direction::sendonly);

  // Unchanged re-offer keeps the version; resuming bumps it again.
  auto same = build_reoffer(*hold, alice);
  ASSERT_TRUE(same);
  EXPECT_EQ(same->origin.session_version, 2890844527u);
  alice.media[0].direction = Direction::sendrecv;
  auto resume = build_reoffer(*hold, alice);
  ASSERT_TRUE(resume);
  EXPECT_EQ(resume->origin.session_version, 2890844528u);
  EXPECT_EQ(resume->media_direction(0), Direction::sendrecv);
}

TEST(OfferAnswer, OfferAssignsPayloadTypes) {
  LocalCapabilities caps{.session_id = "77", .address = "192.0.2.10"};
  caps.media.push_back({.port = 40000,
                        .protos = {"RTP/SAVP"},
                        .codecs = {{"opus", 48000, 2}, {"PCMA", 8000}, {"telephone-event", 8000, {}, {}, "0-16"}},
                        .ptime = 20,
                        .rtcp_mux = true,
                        .mid = "audio"});
  auto offer = build_offer(caps);
  ASSERT_TRUE(offer) << offer.error().message();
  EXPECT_EQ(serialize(*offer),
            "v=0\r\no=- 77 0 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"
            "m=audio 40000 RTP/SAVP 96 8 97\r\na=rtpmap:96 opus/48000/2\r\na=rtpmap:8 PCMA/8000\r\n"
            "a=rtpmap:97 telephone-event/8000\r\na=fmtp:97 0-16\r\na=ptime:20\r\na=rtcp-mux\r\na=mid:audio\r\n"
            "a=sendrecv\r\n");
  // The offer we build parses back to itself.
  EXPECT_EQ(*parse_sdp(serialize(*offer)), *offer);
}

TEST(OfferAnswer, OfferRejectsBadCapabilities) {
  LocalCapabilities caps{.address = "192.0.2.10"};
  caps.media.push_back({.port = 4000, .codecs = {{"PCMU", 8000, {}, 128}}});
  EXPECT_EQ(build_offer(caps).error().message(),
            "invalid argument: capabilities media 0: payload type 128 is above 127");
  caps.media[0].codecs = {{"PCMU", 8000}, {"foo", 8000, {}, 0}};
  EXPECT_EQ(build_offer(caps).error().message(), "invalid argument: capabilities media 0: payload type 0 used twice");
  caps.media[0].codecs.clear();
  EXPECT_EQ(build_offer(caps).error().message(), "invalid argument: capabilities media 0: no codecs");
  caps.address.clear();
  EXPECT_EQ(build_offer(caps).error().message(), "invalid argument: capabilities: no address for o= and c=");
}

TEST(OfferAnswer, ReofferKeepsDynamicNumbersAndMlines) {
  LocalCapabilities caps{.address = "192.0.2.10"};
  caps.media.push_back({.port = 4000, .codecs = {{"opus", 48000, 2}, {"telephone-event", 8000}}});
  caps.media.push_back({.media = "video", .port = 4002, .codecs = {{"H264", 90000}}});
  auto first = build_offer(caps);
  ASSERT_TRUE(first);
  // Drop video and reorder audio codecs: the numbers stay, video stays as port 0.
  caps.media.pop_back();
  caps.media[0].codecs = {{"telephone-event", 8000}, {"opus", 48000, 2}};
  auto again = build_reoffer(*first, caps);
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ(again->media[0].formats, (std::vector<std::string>{"97", "96"}));
  ASSERT_EQ(again->media.size(), 2u);
  EXPECT_TRUE(again->media[1].rejected());
  EXPECT_TRUE(again->media[1].attributes.empty());
  EXPECT_EQ(again->origin.session_version, 1u);
  // Changing what an m-line carries is refused.
  caps.media.push_back({.media = "audio", .port = 4004, .codecs = {{"PCMU", 8000}}});
  caps.media[0].media = "video";
  EXPECT_EQ(build_reoffer(*first, caps).error().message(),
            "invalid argument: capabilities media 0: re-offer changes m-line 0 from audio to video; add new media "
            "after the existing ones");
}

TEST(OfferAnswer, AnswerKeepsOffererNumbersAndOrder) {
  SessionDescription offer = parsed(samples::kLinphoneOffer);
  LocalCapabilities caps{.address = "127.0.0.1"};
  caps.media.push_back({.port = 30000,
                        .protos = {"RTP/SAVP"},
                        .codecs = {{"PCMA", 8000}, {"PCMU", 8000}, {"telephone-event", 8000, {}, 101, "0-16"}},
                        .ptime = 20});
  auto answer = build_answer(offer, caps);
  ASSERT_TRUE(answer) << answer.error().message();
  const auto& m = answer->media[0];
  EXPECT_EQ(m.formats, (std::vector<std::string>{"0", "8", "100"}));  // offer order, offer's 100 not our 101
  EXPECT_EQ(m.fmtp(100), "0-16");
  EXPECT_EQ(m.proto, "RTP/SAVP");
  EXPECT_EQ(m.ptime(), 20u);
  EXPECT_FALSE(m.rtcp_mux());
  EXPECT_TRUE(m.crypto_values().empty());  // keys are the SDES negotiator's job
  auto mine = answered_streams(offer, *answer);
  ASSERT_TRUE(mine) << mine.error().message();
  EXPECT_EQ((*mine)[0].telephone_event_pt, 100);
  EXPECT_EQ((*mine)[0].remote_rtcp_port, 7079);  // linphone's a=rtcp
}

TEST(OfferAnswer, AnswerRejectsWhatItCannotRunButKeepsTheMlineCount) {
  SessionDescription offer = parsed(samples::kRfc4317Offer21);
  LocalCapabilities caps = bob_caps();
  caps.media.push_back({.port = 5000, .codecs = {{"PCMA", 8000}}});
  auto answer = build_answer(offer, caps);
  ASSERT_TRUE(answer);
  ASSERT_EQ(answer->media.size(), 2u);
  EXPECT_EQ(answer->media[0].formats, std::vector<std::string>{"8"});
  EXPECT_TRUE(answer->media[1].rejected());
  EXPECT_EQ(answer->media[1].media, "video");
  EXPECT_EQ(answer->media[1].formats, (std::vector<std::string>{"31", "32"}));
  auto streams = apply_answer(offer, *answer);
  ASSERT_TRUE(streams);
  EXPECT_TRUE((*streams)[1].rejected);
}

TEST(OfferAnswer, NothingAcceptableIsAnError) {
  SessionDescription offer = parsed(samples::kBaresipOffer);  // RTP/SAVP
  LocalCapabilities caps{.address = "127.0.0.1"};
  caps.media.push_back({.port = 5000, .protos = {"RTP/AVP"}, .codecs = {{"PCMU", 8000}}});
  EXPECT_EQ(build_answer(offer, caps).error().message(),
            "unsupported: no acceptable media stream: m-line 0 (audio RTP/SAVP): no local capability for audio "
            "RTP/SAVP");
  caps.media[0].protos = {"RTP/AVP", "RTP/SAVP"};
  caps.media[0].codecs = {{"G722", 8000}, {"telephone-event", 8000}};
  EXPECT_EQ(build_answer(offer, caps).error().message(),
            "unsupported: no acceptable media stream: m-line 0 (audio RTP/SAVP): no codec in common besides "
            "telephone-event/CN");
}

TEST(OfferAnswer, DirectionInversion) {
  struct Row {
    const char* offered;
    Direction local;
    Direction answered;
  };
  const Row rows[] = {
      {"sendrecv", Direction::sendrecv, Direction::sendrecv}, {"sendonly", Direction::sendrecv, Direction::recvonly},
      {"recvonly", Direction::sendrecv, Direction::sendonly}, {"inactive", Direction::sendrecv, Direction::inactive},
      {"sendrecv", Direction::sendonly, Direction::sendonly},  // we hold
      {"sendonly", Direction::sendonly, Direction::inactive},  // both hold
  };
  for (const Row& r : rows) {
    std::string text = std::string("v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n") +
                       "m=audio 4000 RTP/AVP 0\r\na=" + r.offered + "\r\n";
    LocalCapabilities caps{.address = "192.0.2.2"};
    caps.media.push_back({.port = 5000, .codecs = {{"PCMU", 8000}}, .direction = r.local});
    auto answer = build_answer(*parse_sdp(text), caps);
    ASSERT_TRUE(answer);
    EXPECT_EQ(answer->media_direction(0), r.answered) << r.offered << " / " << to_string(r.local);
  }
}

TEST(OfferAnswer, AnswerEchoesMidAndRtcpMuxAndTime) {
  SessionDescription offer = parsed(samples::kIpv6WithRejectedVideo);
  offer.media[0].attributes.push_back({"rtcp-mux", std::nullopt});
  offer.times[0] = TimeDescription{5, 6, {}};
  LocalCapabilities caps{.address_type = "IP6", .address = "2001:db8::9"};
  caps.media.push_back({.port = 6000, .protos = {"UDP/TLS/RTP/SAVP"}, .codecs = {{"opus", 48000, 2}}, .rtcp_mux = true});
  auto answer = build_answer(offer, caps);
  ASSERT_TRUE(answer) << answer.error().message();
  EXPECT_EQ(answer->media[0].mid(), "0");
  EXPECT_TRUE(answer->media[0].rtcp_mux());
  EXPECT_EQ(answer->times[0], (TimeDescription{5, 6, {}}));
  EXPECT_EQ(answer->connection->address_type, "IP6");
  auto streams = apply_answer(offer, *answer);
  ASSERT_TRUE(streams);
  EXPECT_TRUE((*streams)[0].rtcp_mux);
  EXPECT_EQ((*streams)[0].remote_rtcp_port, 6000);
}

TEST(ApplyAnswer, PeerMayRenumberAnOfferedCodec) {
  SessionDescription offer = parsed(samples::kLinphoneOffer);
  std::string text = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
                     "m=audio 4000 RTP/SAVP 111 101\r\na=rtpmap:111 opus/48000/2\r\na=rtpmap:101 telephone-event/8000\r\n"
                     "a=ptime:40\r\n";
  auto streams = apply_answer(offer, parsed(text.c_str()));
  ASSERT_TRUE(streams) << streams.error().message();
  EXPECT_EQ((*streams)[0].codecs[0], (RtpMap{111, "opus", 48000, 2}));  // send with the answerer's number
  EXPECT_EQ((*streams)[0].telephone_event_pt, 101);
  EXPECT_EQ((*streams)[0].remote_ptime, 40u);
}

TEST(ApplyAnswer, Errors) {
  SessionDescription offer = parsed(samples::kRfc4317Offer21);
  const std::string head = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n";
  const std::string video = "m=video 0 RTP/AVP 31\r\n";
  struct Row {
    std::string answer;
    std::string error;
  };
  const Row rows[] = {
      {head + "m=audio 4000 RTP/AVP 0\r\n",
       "malformed input: answer has 1 m-lines, the offer had 2 (RFC 3264 section 6)"},
      {head + "m=video 4000 RTP/AVP 31\r\n" + video,
       "malformed input: answer m-line 0 (audio): media 'video' does not match the offered 'audio'"},
      {head + "m=audio 4000 RTP/SAVP 0\r\n" + video,
       "malformed input: answer m-line 0 (audio): proto RTP/SAVP does not match the offered RTP/AVP"},
      {head + "m=audio 4000 RTP/AVP 18\r\n" + video,
       "malformed input: answer m-line 0 (audio): payload type 18 (G729/8000) was not offered"},
      {head + "m=audio 4000 RTP/AVP 96\r\na=rtpmap:96 opus/48000/2\r\n" + video,
       "malformed input: answer m-line 0 (audio): payload type 96 (opus/48000/2) was not offered"},
      {head + "m=audio 4000 RTP/AVP 99\r\n" + video,
       "malformed input: answer m-line 0 (audio): payload type 99 has no a=rtpmap"},
      {head + "m=audio 4000 RTP/AVP 101\r\na=rtpmap:101 telephone-event/8000\r\n" + video,
       "malformed input: answer m-line 0 (audio): payload type 101 (telephone-event/8000) was not offered"},
  };
  for (const Row& r : rows) {
    auto result = apply_answer(offer, parsed(r.answer.c_str()));
    ASSERT_FALSE(result) << r.answer;
    EXPECT_EQ(result.error().message(), r.error);
  }
  // The offer disabled a stream; the answer cannot enable it.
  SessionDescription offer2 = offer;
  offer2.media[1].port = 0;
  auto r = apply_answer(offer2, parsed((head + "m=audio 4000 RTP/AVP 0\r\nm=video 4002 RTP/AVP 31\r\n").c_str()));
  EXPECT_EQ(r.error().message(),
            "malformed input: answer m-line 1 (video): accepts a stream the offer disabled with port 0");
  // telephone-event alone on a stream that offered real codecs.
  SessionDescription offer3 = parsed(samples::kAsteriskOffer);
  auto r3 = apply_answer(offer3, parsed((head + "m=audio 4000 RTP/SAVP 101\r\na=rtpmap:101 telephone-event/8000\r\n").c_str()));
  EXPECT_EQ(r3.error().message(),
            "malformed input: answer m-line 0 (audio): accepts the stream with only telephone-event/CN, no codec");
}

TEST(ApplyAnswer, SendrecvAnswerToHoldIsNarrowed) {
  LocalCapabilities alice = alice_caps();
  alice.media[0].direction = Direction::sendonly;
  auto hold = build_offer(alice);
  ASSERT_TRUE(hold);
  std::string text = "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
                     "m=audio 4000 RTP/AVP 0\r\na=sendrecv\r\n";
  auto streams = apply_answer(*hold, parsed(text.c_str()));
  ASSERT_TRUE(streams);
  EXPECT_EQ((*streams)[0].direction, Direction::sendonly);
}

}  // namespace
}  // namespace sotto::sdp
