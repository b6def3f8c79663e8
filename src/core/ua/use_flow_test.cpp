// UserAgent::use_flow: a hop the io layer located and connected decides the transport, not the URI.
#include <gtest/gtest.h>

#include "core/sip/header_fields.hpp"
#include "core/ua/testing_ua.hpp"

namespace sotto::ua {
namespace {

using testing::uri;

UaConfig two_bindings() {
  UaConfig c = testing::config("alice", 5061);  // TLS binding, SRTP require, SDES only over TLS
  c.bindings.push_back(LocalBinding{"UDP", "127.0.0.1", 5060});
  c.aor = uri("sip:alice@example.test");
  return c;
}

TEST(UaUseFlow, SipUriLocatedToTlsIsSecureSignallingWithTlsViaAndSdes) {
  UserAgent ua(two_bindings());
  const sip::Uri target = uri("sip:bob@example.test");  // by itself: UDP, where SDES is refused
  ua.use_flow(target, Flow{7, true}, FlowInfo{true});
  auto h = ua.call(testing::start_time(), target, CallOptions{"127.0.0.1", 40000, "IP4"});
  ASSERT_TRUE(h) << h.error().message();
  auto t = ua.poll_transmit();
  ASSERT_TRUE(t);
  EXPECT_FALSE(t->target);  // the located flow, not a placeholder
  EXPECT_EQ(t->flow.id, 7u);
  auto via = t->message.header(sip::hdr::via);
  ASSERT_TRUE(via);
  EXPECT_EQ(via->transport, "TLS");
  EXPECT_NE(t->message.body().find("a=crypto:1 "), std::string::npos);
  auto contact = t->message.header(sip::hdr::contact);
  ASSERT_TRUE(contact);
  EXPECT_EQ(sip::serialize(contact->address.uri), "sip:alice@127.0.0.1:5061;transport=tls");
}

TEST(UaUseFlow, WithoutItTheSameUriIsUdpAndRequireRefusesToSendKeys) {
  UserAgent ua(two_bindings());
  auto h = ua.call(testing::start_time(), uri("sip:bob@example.test"), CallOptions{"127.0.0.1", 40000, "IP4"});
  ASSERT_FALSE(h);  // SRTP require + SDES never over cleartext signalling
}

TEST(UaUseFlow, ADeadFlowFallsBackToWhatTheUriSays) {
  UserAgent ua(two_bindings());
  const sip::Uri registrar = uri("sip:example.test");
  ua.use_flow(registrar, Flow{9, true}, FlowInfo{true});
  ua.handle_transport_error(testing::start_time(), Flow{9, true});
  ASSERT_TRUE(ua.register_account(testing::start_time()));
  auto t = ua.poll_transmit();
  ASSERT_TRUE(t);
  EXPECT_TRUE(t->target);  // a placeholder to resolve again
  EXPECT_EQ(t->message.header(sip::hdr::via)->transport, "UDP");
}

}  // namespace
}  // namespace sotto::ua
