#pragma once
// UdpTransport: SIP over UDP (RFC 3261 18): one socket per listen address, a Received event per datagram.
//
//   io::UdpTransport udp(io_context, on_event);
//   auto local = udp.listen(*io::Endpoint::parse("127.0.0.1:0"));
//   udp.send_to(*io::Endpoint::parse("127.0.0.1:5060"), bytes);   // from the first socket of that family

#include <asio/io_context.hpp>
#include <asio/ip/udp.hpp>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "base/result.hpp"
#include "io/transport_event.hpp"

namespace sotto::io {

struct UdpOptions {
  std::size_t max_datagram = 65535;                // receive buffer; larger datagrams are truncated by the OS
  std::size_t max_pending_send_bytes = 4u << 20;   // queued in the kernel path, not yet completed
};

class UdpTransport {
 public:
  UdpTransport(asio::io_context& io, EventHandler on_event, UdpOptions options = {});
  UdpTransport(const UdpTransport&) = delete;
  UdpTransport& operator=(const UdpTransport&) = delete;
  ~UdpTransport();

  Result<Endpoint> listen(const Endpoint& local);
  std::vector<Endpoint> local_endpoints() const;

  // Sends one datagram. `from` picks the socket bound to that local endpoint; otherwise the first
  // socket of the remote's address family. Failures after this returns arrive as SendFailed.
  Status send_to(const Endpoint& remote, std::span<const std::uint8_t> datagram,
                 const std::optional<Endpoint>& from = std::nullopt);
  void close();

 private:
  struct Socket {
    asio::ip::udp::socket sock;
    Endpoint local;
    std::vector<std::uint8_t> buf;
    asio::ip::udp::endpoint sender;
  };
  void receive_next(Socket& s);

  asio::io_context& io_;
  EventHandler on_event_;
  UdpOptions options_;
  std::vector<std::unique_ptr<Socket>> sockets_;
  std::size_t pending_send_bytes_ = 0;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace sotto::io
