#include "io/udp_socket.hpp"

#include <asio/buffer.hpp>
#include <asio/ip/v6_only.hpp>
#include <asio/socket_base.hpp>
#include <algorithm>

#if defined(__linux__)
#include <sys/socket.h>
#include <sys/uio.h>
#endif

namespace sotto::io {

Result<UdpSocket> UdpSocket::bind(asio::io_context& io, const Endpoint& local, std::string_view role) {
  UdpSocket s(io);
  const std::string what = std::string(role) + " on " + local.to_string();
  std::error_code ec;
  const auto ep = local.udp();
  s.sock_.open(ep.protocol(), ec);
  if (!ec && local.address.is_v6()) s.sock_.set_option(asio::ip::v6_only(true), ec);
  if (!ec) s.sock_.bind(ep, ec);
  if (!ec) s.sock_.non_blocking(true, ec);
  if (ec) return fail(Errc::io_error, what + ": " + ec.message());
  const auto bound = s.sock_.local_endpoint(ec);
  if (ec) return fail(Errc::io_error, what + ": " + ec.message());
  s.local_ = Endpoint::from(bound);
  return s;
}

bool UdpSocket::send_to(const Endpoint& to, std::span<const std::uint8_t> bytes) noexcept {
  std::error_code ec;
  sock_.send_to(asio::buffer(bytes.data(), bytes.size()), to.udp(), 0, ec);
  return !ec;
}

std::size_t UdpSocket::receive_batch(std::span<Datagram> out) noexcept {
  const std::size_t want = std::min(out.size(), kMaxBatch);
  if (want == 0 || !sock_.is_open()) return 0;
#if defined(__linux__)
  mmsghdr msgs[kMaxBatch];
  iovec iov[kMaxBatch];
  for (std::size_t i = 0; i < want; ++i) {
    iov[i] = {out[i].buffer.data(), out[i].buffer.size()};
    msgs[i] = {};
    msgs[i].msg_hdr.msg_name = out[i].peer.data();
    msgs[i].msg_hdr.msg_namelen = static_cast<socklen_t>(out[i].peer.capacity());
    msgs[i].msg_hdr.msg_iov = &iov[i];
    msgs[i].msg_hdr.msg_iovlen = 1;
  }
  const int n = ::recvmmsg(sock_.native_handle(), msgs, static_cast<unsigned>(want), MSG_DONTWAIT, nullptr);
  if (n <= 0) return 0;
  for (int i = 0; i < n; ++i) {
    Datagram& d = out[static_cast<std::size_t>(i)];
    d.peer.resize(msgs[i].msg_hdr.msg_namelen);
    d.size = (msgs[i].msg_hdr.msg_flags & MSG_TRUNC) != 0 ? 0 : msgs[i].msg_len;
  }
  return static_cast<std::size_t>(n);
#else
  std::size_t n = 0;
  for (; n < want; ++n) {
    std::error_code ec;
    out[n].size = sock_.receive_from(asio::buffer(out[n].buffer.data(), out[n].buffer.size()), out[n].peer, 0, ec);
    if (ec) break;
  }
  return n;
#endif
}

std::size_t UdpSocket::send_batch(std::span<const Datagram> batch) noexcept {
  if (!sock_.is_open()) return 0;
  std::size_t taken = 0;
#if defined(__linux__)
  mmsghdr msgs[kMaxBatch];
  iovec iov[kMaxBatch];
  std::size_t pos = 0;
  while (pos < batch.size()) {
    const std::size_t k = std::min(batch.size() - pos, kMaxBatch);
    for (std::size_t i = 0; i < k; ++i) {
      const Datagram& d = batch[pos + i];
      iov[i] = {d.buffer.data(), d.size};
      msgs[i] = {};
      msgs[i].msg_hdr.msg_name = const_cast<void*>(static_cast<const void*>(d.peer.data()));
      msgs[i].msg_hdr.msg_namelen = static_cast<socklen_t>(d.peer.size());
      msgs[i].msg_hdr.msg_iov = &iov[i];
      msgs[i].msg_hdr.msg_iovlen = 1;
    }
    const int n = ::sendmmsg(sock_.native_handle(), msgs, static_cast<unsigned>(k), MSG_DONTWAIT);
    if (n <= 0) {
      ++pos;  // the first one was refused (unreachable, buffer full): lost; go on with the rest
      continue;
    }
    pos += static_cast<std::size_t>(n);
    taken += static_cast<std::size_t>(n);
  }
  return taken;
#else
  for (const Datagram& d : batch) {
    std::error_code ec;
    sock_.send_to(asio::buffer(d.buffer.data(), d.size), d.peer, 0, ec);
    if (!ec) ++taken;
  }
  return taken;
#endif
}

void UdpSocket::close() noexcept {
  std::error_code ignored;
  sock_.close(ignored);
}

}  // namespace sotto::io
