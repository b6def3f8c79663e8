// UdpSocket: bind errors name the address, datagrams go both ways with the sender's address, and a
// closed socket's send reports the loss instead of throwing; batches (recvmmsg/sendmmsg) likewise.
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

TEST(UdpSocket, BatchesGoBothWaysWithTheirSenders) {
  asio::io_context io;
  auto a = UdpSocket::bind(io, *Endpoint::parse("127.0.0.1:0"));
  auto b = UdpSocket::bind(io, *Endpoint::parse("127.0.0.1:0"));
  ASSERT_TRUE(a && b);
  // Five datagrams in one send_batch, from buffers the caller owns.
  std::array<std::array<std::uint8_t, 32>, 5> payloads{};
  std::array<Datagram, 5> out{};
  for (std::size_t i = 0; i < out.size(); ++i) {
    payloads[i].fill(static_cast<std::uint8_t>('a' + i));
    out[i] = {payloads[i], i + 1, b->local().udp()};
  }
  EXPECT_EQ(a->send_batch(out), 5u);
  bool readable = false;
  b->async_wait_readable([&](std::error_code ec) { readable = !ec; });
  io.run_for(std::chrono::seconds(2));
  ASSERT_TRUE(readable);
  // Fewer slots than waiting datagrams: the rest stays for the next batch.
  std::array<std::array<std::uint8_t, 64>, 5> bufs{};
  std::array<Datagram, 3> in{};
  for (std::size_t i = 0; i < in.size(); ++i) in[i].buffer = bufs[i];
  ASSERT_EQ(b->receive_batch(in), 3u);
  for (std::size_t i = 0; i < 3; ++i) {
    EXPECT_EQ(in[i].size, i + 1);
    EXPECT_EQ(in[i].buffer[0], 'a' + i);
    EXPECT_EQ(Endpoint::from(in[i].peer), a->local());
  }
  std::array<Datagram, 5> rest{};
  for (std::size_t i = 0; i < rest.size(); ++i) rest[i].buffer = bufs[i];
  ASSERT_EQ(b->receive_batch(rest), 2u);
  EXPECT_EQ(rest[1].size, 5u);
  EXPECT_EQ(rest[1].buffer[4], 'e');
  EXPECT_EQ(b->receive_batch(rest), 0u) << "nothing waiting: returns at once";
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
