// media_target: the negotiated stream becomes endpoints and a G.711 law in one place, with errors that
// name what cannot be used.
#include <gtest/gtest.h>

#include "runtime/media_leg.hpp"

namespace sotto::runtime {
namespace {

sdp::NegotiatedStream stream(std::string address, std::string codec) {
  sdp::NegotiatedStream s;
  s.remote_address = std::move(address);
  s.remote_port = 4000;
  s.remote_rtcp_port = 4001;
  s.codecs = {sdp::RtpMap{101, "telephone-event", 8000, {}}, sdp::RtpMap{8, std::move(codec), 8000, {}}};
  s.telephone_event_pt = 101;
  return s;
}

TEST(MediaTarget, EndpointsLawAndEventsFromTheNegotiatedStream) {
  auto t = media_target(stream("192.0.2.7", "pcma"));
  ASSERT_TRUE(t) << t.error().message();
  EXPECT_EQ(t->rtp.to_string(), "192.0.2.7:4000");
  EXPECT_EQ(t->rtcp.to_string(), "192.0.2.7:4001");
  EXPECT_EQ(t->law, media::G711Law::a_law) << "the first codec that is not telephone-event, any case";
  EXPECT_EQ(t->event_payload_type, 101);
  sdp::NegotiatedStream muxed = stream("2001:db8::1", "PCMU");
  muxed.rtcp_mux = true;
  t = media_target(muxed);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->rtcp.to_string(), "[2001:db8::1]:4000");
  EXPECT_EQ(t->law, media::G711Law::mu_law);
}

TEST(MediaTarget, ErrorsNameTheAddressOrCodec) {
  auto bad = media_target(stream("pbx.example.com", "PCMU"));
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().context, "unusable remote media address 'pbx.example.com'");
  auto opus = media_target(stream("192.0.2.7", "opus"));
  ASSERT_FALSE(opus);
  EXPECT_EQ(opus.error().context, "codec opus is not G.711");
  sdp::NegotiatedStream only_events = stream("192.0.2.7", "PCMU");
  only_events.codecs.pop_back();
  EXPECT_EQ(media_target(only_events).error().context, "no audio codec was negotiated");
}

}  // namespace
}  // namespace sotto::runtime
