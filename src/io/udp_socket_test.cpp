// UdpSocket: bind errors name the address, datagrams go both ways with the sender's address, and a
// closed socket's send reports the loss instead of throwing.
#include "io/udp_socket.hpp"

#include <gtest/gtest.h>

#include <array>

namespace sotto::io {
namespace {

TEST(UdpSocket, DatagramsBothWaysWithTheSender) {
  asio::io_context io;
  auto a = UdpSocket::bind(io, *Endpoint::parse("127.0.0.1:0"));
  auto b = UdpSocket::bind(io, *Endpoint::parse("127.0.0.1:0"));
  ASSERT_TRUE(a && b);
  ASSERT_NE(a->local().port, 0);
  std::array<std::uint8_t, 64> buf{};
  std::size_t got = 0;
  Endpoint from;
  b->async_receive(buf, [&](std::error_code ec, std::size_t n, const Endpoint& f) {
    ASSERT_FALSE(ec);
    got = n;
    from = f;
  });
  const std::uint8_t hello[] = {'h', 'e', 'l', 'l', 'o'};
  EXPECT_TRUE(a->send_to(b->local(), hello));
  io.run_for(std::chrono::seconds(2));
  EXPECT_EQ(got, 5u);
  EXPECT_EQ(from, a->local());
  EXPECT_EQ(std::string(buf.begin(), buf.begin() + 5), "hello");
  a->close();
  EXPECT_FALSE(a->send_to(b->local(), hello));
}

TEST(UdpSocket, BindErrorsNameTheRoleAndAddress) {
  asio::io_context io;
  auto a = UdpSocket::bind(io, *Endpoint::parse("127.0.0.1:0"));
  ASSERT_TRUE(a);
  auto taken = UdpSocket::bind(io, a->local(), "RTP socket");
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().context.rfind("RTP socket on " + a->local().to_string() + ": ", 0), 0u) << taken.error().context;
}

}  // namespace
}  // namespace sotto::io
