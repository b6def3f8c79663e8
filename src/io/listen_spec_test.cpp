#include "io/listen_spec.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sotto::io {
namespace {

using ::testing::HasSubstr;

TEST(ListenSpec, ParsesTransportsAddressesAndPorts) {
  auto s = parse_listen_spec("tls://127.0.0.1:5071");
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->kind, TransportKind::tls);
  EXPECT_EQ(s->local.to_string(), "127.0.0.1:5071");
  EXPECT_EQ(s->to_string(), "tls://127.0.0.1:5071");
  auto v6 = parse_listen_spec("UDP://[::1]:0");
  ASSERT_TRUE(v6);
  EXPECT_EQ(v6->kind, TransportKind::udp);
  EXPECT_TRUE(v6->local.address.is_v6());
  EXPECT_EQ(v6->local.port, 0);
  EXPECT_EQ(parse_listen_spec("tcp://127.0.0.1")->local.port, 5060);
  EXPECT_EQ(parse_listen_spec("tls://[::1]")->local.port, 5061);
}

TEST(ListenSpec, BadSpecsSayWhatWasExpected) {
  struct Case {
    const char* spec;
    const char* why;
  } cases[] = {
      {"", "expected <udp|tcp|tls>://<ip>[:<port>]"},
      {"127.0.0.1:5060", "expected <udp|tcp|tls>://"},
      {"ws://127.0.0.1:80", "unknown transport 'ws' (expected udp, tcp or tls)"},
      {"tls://", "missing address"},
      {"tls://localhost:5061", "'localhost' is not an IP address"},
      {"tcp://127.0.0.1:70000", "port '70000' is not a number in 0-65535"},
      {"tcp://127.0.0.1:50a", "port '50a' is not a number"},
      {"tcp://127.0.0.1:", "missing port number"},
      {"udp://::1:5060", "an IPv6 address needs brackets"},
      {"udp://[::1:5060", "missing ']'"},
      {"udp://[::1]5060", "expected ':<port>' after ']'"},
      {"udp://[127.0.0.1]:5060", "brackets are only for IPv6"},
      {"tls://127.0.0.1:5061/x", "unexpected '/x' after the address"},
      {"tcp://127.0.0.1:99999999999", "is not a number in 0-65535"},
  };
  for (const auto& c : cases) {
    auto r = parse_listen_spec(c.spec);
    ASSERT_FALSE(r) << c.spec;
    EXPECT_EQ(r.error().code, Errc::malformed_input);
    EXPECT_THAT(r.error().context, HasSubstr(std::string("listen spec '") + c.spec + "'"));
    EXPECT_THAT(r.error().context, HasSubstr(c.why)) << c.spec;
  }
}

TEST(Endpoint, ParseAndFormat) {
  EXPECT_EQ(Endpoint::parse("[::1]:5061")->to_string(), "[::1]:5061");
  EXPECT_EQ(Endpoint::parse("127.0.0.1:0")->port, 0);
  EXPECT_FALSE(Endpoint::parse("::1:5061"));
  EXPECT_FALSE(Endpoint::parse("127.0.0.1"));
  EXPECT_FALSE(Endpoint::parse("host:1"));
  EXPECT_FALSE(Endpoint::parse("127.0.0.1:65536"));
}

}  // namespace
}  // namespace sotto::io
