// Two CallControllers wired back to back under virtual time: a secure call with SRTP that really
// works both ways, a 488 with its Warning, CANCEL of a ringing call, and BYE from either side.
#include "phone/call_controller.hpp"

#include <gtest/gtest.h>

#include "core/sip/message_parser.hpp"
#include "core/sip/message_writer.hpp"
#include "core/srtp/context.hpp"
#include "core/srtp/testing_packets.hpp"

namespace sotto::phone {
namespace {

using namespace std::chrono_literals;

CallControllerConfig config(const char* user, std::uint16_t port, bool auto_answer = true) {
  CallControllerConfig c;
  c.local = sip::NameAddr{"", sip::parse_uri(std::string("sips:") + user + "@127.0.0.1").value(), {}};
  c.contact = sip::NameAddr{"", sip::parse_uri(std::string("sips:") + user + "@127.0.0.1:" + std::to_string(port) +
                                               ";transport=tls").value(), {}};
  c.via_port = port;
  c.auto_answer = auto_answer;
  return c;
}

struct Net {
  CallController& a;
  CallController& b;
  Timestamp now{};
  std::vector<CallEvent> ea{}, eb{};
  // Moves every pending message across (through serialize/parse, as on a wire) until quiet.
  void pump() {
    for (int round = 0; round < 50; ++round) {
      bool moved = false;
      while (auto t = a.poll_transmit()) {
        b.handle_message(now, Flow{2, true}, true, sip::parse_message(sip::serialize(t->message)).value());
        moved = true;
      }
      while (auto t = b.poll_transmit()) {
        a.handle_message(now, Flow{1, true}, true, sip::parse_message(sip::serialize(t->message)).value());
        moved = true;
      }
      while (auto e = a.poll_event()) ea.push_back(*e);
      while (auto e = b.poll_event()) eb.push_back(*e);
      if (!moved) return;
    }
  }
  const CallEvent* find(const std::vector<CallEvent>& v, CallEvent::Kind k) {
    for (const auto& e : v) if (e.kind == k) return &e;
    return nullptr;
  }
};

TEST(CallController, SecureCallWithWorkingSrtpAndByeFromCallee) {
  CallController alice(config("alice", 5071)), bob(config("bob", 5072));
  bob.set_answer_rtp_port(30002);
  Net net{alice, bob};
  ASSERT_TRUE(alice.call(net.now, sip::parse_uri("sips:bob@127.0.0.1:5072").value(), Flow{1, true}, true, 30000));
  net.pump();
  const CallEvent* ra = net.find(net.ea, CallEvent::Kind::answered);
  const CallEvent* rb = net.find(net.eb, CallEvent::Kind::answered);
  ASSERT_NE(ra, nullptr);
  ASSERT_NE(rb, nullptr);
  ASSERT_TRUE(ra->media->srtp);
  EXPECT_EQ(ra->media->suite, "AES_CM_128_HMAC_SHA1_80");
  EXPECT_EQ(ra->media->stream.remote_port, 30002);
  EXPECT_EQ(rb->media->stream.remote_port, 30000);
  EXPECT_TRUE(alice.established());
  EXPECT_TRUE(bob.established());
  // Alice's tx key is Bob's rx key and the other way round: real packets pass.
  for (auto [tx, rx] : {std::pair{ra->media->tx, rb->media->rx}, std::pair{rb->media->tx, ra->media->rx}}) {
    auto out = srtp::Context::create(srtp::Direction::outbound, tx).value();
    auto in = srtp::Context::create(srtp::Direction::inbound, rx).value();
    auto pkt = srtp::testing::make_rtp(7, 1, 160);
    auto plain = pkt;
    pkt.resize(pkt.size() + 16);
    auto n = out.protect_rtp(pkt, plain.size()).value();
    ASSERT_TRUE(in.unprotect_rtp(pkt, n));
    pkt.resize(plain.size());
    EXPECT_EQ(pkt, plain);
  }
  bob.hangup(net.now);
  net.pump();
  EXPECT_TRUE(alice.finished());
  EXPECT_TRUE(bob.finished());
  const CallEvent* end = net.find(net.ea, CallEvent::Kind::ended);
  ASSERT_NE(end, nullptr);
  EXPECT_TRUE(end->remote);
}

TEST(CallController, NoCommonSuiteIs488WithWarning) {
  auto ca = config("alice", 5071);
  ca.media.suites = {srtp::SuiteId::AEAD_AES_256_GCM};
  auto cb = config("bob", 5072);
  cb.media.suites = {srtp::SuiteId::AES_CM_128_HMAC_SHA1_80};
  CallController alice(ca), bob(cb);
  bob.set_answer_rtp_port(30002);
  Net net{alice, bob};
  ASSERT_TRUE(alice.call(net.now, sip::parse_uri("sips:bob@127.0.0.1:5072").value(), Flow{1, true}, true, 30000));
  net.pump();
  const CallEvent* f = net.find(net.ea, CallEvent::Kind::failed);
  ASSERT_NE(f, nullptr);
  EXPECT_EQ(f->status, 488);
  EXPECT_NE(f->warning.find("305 sotto"), std::string::npos) << f->warning;
  EXPECT_NE(f->warning.find("AEAD_AES_256_GCM"), std::string::npos) << f->warning;
  EXPECT_TRUE(alice.finished());
  EXPECT_TRUE(bob.finished());
}

TEST(CallController, CancelWhileRinging) {
  CallController alice(config("alice", 5071)), bob(config("bob", 5072, /*auto_answer=*/false));
  bob.set_answer_rtp_port(30002);
  Net net{alice, bob};
  ASSERT_TRUE(alice.call(net.now, sip::parse_uri("sips:bob@127.0.0.1:5072").value(), Flow{1, true}, true, 30000));
  net.pump();
  ASSERT_NE(net.find(net.ea, CallEvent::Kind::ringing), nullptr);
  alice.hangup(net.now);
  net.pump();
  const CallEvent* fa = net.find(net.ea, CallEvent::Kind::failed);
  ASSERT_NE(fa, nullptr);
  EXPECT_EQ(fa->status, 487);
  const CallEvent* eb = net.find(net.eb, CallEvent::Kind::ended);
  ASSERT_NE(eb, nullptr);
  EXPECT_EQ(eb->status, 487);
}

TEST(CallController, InsecureSignallingRefusesKeysUnlessAllowed) {
  CallController alice(config("alice", 5071)), bob(config("bob", 5072));
  Net net{alice, bob};
  auto r = alice.call(net.now, sip::parse_uri("sip:bob@127.0.0.1:5072").value(), Flow{1, false}, /*secure=*/false, 30000);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("cleartext"), std::string::npos) << r.error().message();
}

}  // namespace
}  // namespace sotto::phone
