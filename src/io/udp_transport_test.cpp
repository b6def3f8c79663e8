#include "io/udp_transport.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "io/testing/io_test_support.hpp"

namespace sotto::io {
namespace {

using testing::bytes;
using testing::EventLog;
using testing::run_until;
using ::testing::HasSubstr;

TEST(UdpTransport, SendAndReceiveDatagramsBothWays) {
  asio::io_context io;
  EventLog a_log, b_log;
  UdpTransport a(io, a_log.handler());
  UdpTransport b(io, b_log.handler());
  auto a_ep = a.listen(*Endpoint::parse("127.0.0.1:0"));
  auto b_ep = b.listen(*Endpoint::parse("127.0.0.1:0"));
  ASSERT_TRUE(a_ep && b_ep);
  EXPECT_NE(a_ep->port, 0);

  ASSERT_TRUE(a.send_to(*b_ep, bytes("OPTIONS sip:b SIP/2.0\r\n\r\n")));
  ASSERT_TRUE(a.send_to(*b_ep, bytes("second")));
  ASSERT_TRUE(run_until(io, [&] { return b_log.datagrams().size() == 2; }));
  const Received* r = b_log.datagrams()[0];
  EXPECT_EQ(std::string(r->bytes.begin(), r->bytes.end()), "OPTIONS sip:b SIP/2.0\r\n\r\n");
  EXPECT_EQ(r->remote, *a_ep);
  EXPECT_EQ(r->local, *b_ep);
  EXPECT_EQ(r->connection, 0u);

  // Reply to where it came from.
  ASSERT_TRUE(b.send_to(r->remote, bytes("SIP/2.0 200 OK\r\n\r\n")));
  ASSERT_TRUE(run_until(io, [&] { return a_log.datagrams().size() == 1; }));
}

TEST(UdpTransport, Ipv6AndSocketChoice) {
  asio::io_context io;
  EventLog log;
  UdpTransport u(io, log.handler());
  auto v4 = u.listen(*Endpoint::parse("127.0.0.1:0"));
  ASSERT_TRUE(v4);
  auto no_v6 = u.send_to(*Endpoint::parse("[::1]:5060"), bytes("x"));
  ASSERT_FALSE(no_v6);
  EXPECT_THAT(no_v6.error().context, HasSubstr("no UDP socket for IPv6"));
  auto v6 = u.listen(*Endpoint::parse("[::1]:0"));
  if (!v6) GTEST_SKIP() << "no IPv6 loopback: " << v6.error().message();
  ASSERT_TRUE(u.send_to(*v6, bytes("to myself over v6")));
  ASSERT_TRUE(run_until(io, [&] { return log.datagrams().size() == 1; }));
  EXPECT_EQ(log.datagrams()[0]->remote.address, asio::ip::make_address("::1"));
  EXPECT_EQ(u.local_endpoints().size(), 2u);
}

TEST(UdpTransport, ErrorsNameTheProblem) {
  asio::io_context io;
  EventLog log;
  UdpTransport u(io, log.handler());
  auto ep = u.listen(*Endpoint::parse("127.0.0.1:0"));
  ASSERT_TRUE(ep);
  auto clash = u.listen(*ep);
  ASSERT_FALSE(clash);
  EXPECT_THAT(clash.error().context, HasSubstr("udp listener on " + ep->to_string()));
  std::vector<std::uint8_t> huge(70000, 'x');
  auto too_big = u.send_to(*ep, huge);
  ASSERT_FALSE(too_big);
  EXPECT_EQ(too_big.error().code, Errc::limit_exceeded);
}

}  // namespace
}  // namespace sotto::io
