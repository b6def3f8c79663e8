#pragma once
// UdpSocket: one bound UDP socket, the single place where io opens, binds and sends datagrams for SIP
// (UdpTransport) and media (runtime::MediaLeg). Receiving fills the caller's buffer; sending is
// non-blocking and copies nothing, so the media path stays free of allocations.
//
//   auto s = io::UdpSocket::bind(io, *io::Endpoint::parse("127.0.0.1:0")).value();
//   s.async_receive(buf, [](std::error_code ec, std::size_t n, const io::Endpoint& from) { ... });
//   s.send_to(peer, bytes);   // false: the datagram is lost (UDP), never an exception
//   s.async_wait_readable([&](std::error_code) { std::size_t n = s.receive_batch(slots); ... s.send_batch(out); });

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <cstdint>
#include <span>
#include <string_view>
#include <system_error>
#include <utility>

#include "base/result.hpp"
#include "io/endpoint.hpp"

namespace sotto::io {

// One datagram of a batch (receive_batch / send_batch), in memory the caller owns and reuses, so a
// batch costs no allocation. Receiving: `buffer` is where it lands, `size` what arrived (0 when the OS
// had to truncate it), `peer` the sender. Sending: the first `size` bytes of `buffer` go to `peer`.
struct Datagram {
  std::span<std::uint8_t> buffer;
  std::size_t size = 0;
  asio::ip::udp::endpoint peer;
};

class UdpSocket {
 public:
  explicit UdpSocket(asio::io_context& io) : sock_(io) {}  // closed until bind()
  UdpSocket(UdpSocket&&) noexcept = default;
  UdpSocket& operator=(UdpSocket&&) noexcept = default;

  // Opens and binds; IPv6 sockets are v6-only. Port 0 picks a free port (local() tells which). Fails
  // (Errc::io_error) with "<role> on <address>: <the system's reason>".
  static Result<UdpSocket> bind(asio::io_context& io, const Endpoint& local, std::string_view role = "udp socket");

  const Endpoint& local() const noexcept { return local_; }
  bool is_open() const noexcept { return sock_.is_open(); }

  // One datagram into `buf` (truncated by the OS if larger); `handler(ec, size, from)`. The socket must
  // not be moved while a receive is pending.
  template <class Handler>
  void async_receive(std::span<std::uint8_t> buf, Handler&& handler) {
    sock_.async_receive_from(asio::buffer(buf.data(), buf.size()), sender_,
                             [this, h = std::forward<Handler>(handler)](std::error_code ec, std::size_t n) mutable {
                               h(ec, n, Endpoint::from(sender_));
                             });
  }

  // Sends now, without blocking; false when the system refused (the datagram is lost, as UDP allows).
  bool send_to(const Endpoint& to, std::span<const std::uint8_t> bytes) noexcept;

  // Batched I/O for media: one recvmmsg/sendmmsg system call per batch on Linux, one call per datagram
  // elsewhere. `handler(ec)` runs when a datagram is waiting; receive_batch then takes up to
  // out.size() (at most kMaxBatch) that are waiting, without blocking, and returns how many.
  static constexpr std::size_t kMaxBatch = 64;
  template <class Handler>
  void async_wait_readable(Handler&& handler) {
    sock_.async_wait(asio::socket_base::wait_read, std::forward<Handler>(handler));
  }
  std::size_t receive_batch(std::span<Datagram> out) noexcept;
  // Sends each datagram to its peer now, without blocking; returns how many the system took (the rest
  // are lost, as UDP allows).
  std::size_t send_batch(std::span<const Datagram> batch) noexcept;
  void close() noexcept;

  // For asynchronous sends with a caller-managed backlog (UdpTransport).
  asio::ip::udp::socket& native() noexcept { return sock_; }

 private:
  asio::ip::udp::socket sock_;
  Endpoint local_;
  asio::ip::udp::endpoint sender_;
};

}  // namespace sotto::io
