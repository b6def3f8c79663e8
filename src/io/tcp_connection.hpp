#pragma once
// TcpConnection: a Connection over a plain TCP socket (SIP over TCP, RFC 3261 18).
//
//   auto c = std::make_shared<io::TcpConnection>(io, clock, id, /*inbound=*/false, remote, io::ConnectionLimits{},
//                                                 owner, asio::ip::tcp::socket(io));
//   c->start_connect();   // ConnectionOpened / ConnectionClosed reach `owner`

#include "io/connection.hpp"

namespace sotto::io {

class TcpConnection final : public Connection {
 public:
  TcpConnection(asio::io_context& io, const Clock& clock, ConnectionId id, bool inbound, Endpoint remote, ConnectionLimits limits,
                ConnectionOwner* owner, asio::ip::tcp::socket socket);

 protected:
  asio::ip::tcp::socket& tcp_socket() override { return socket_; }
  void async_handshake(Handler h) override;
  std::size_t read_now(std::span<std::uint8_t> into, std::error_code& ec) override;
  void async_write_all(asio::const_buffer b, IoHandler h) override;
  void async_shutdown(Handler h) override;
  Error handshake_error(const std::error_code& ec) const override;

 private:
  asio::ip::tcp::socket socket_;
};

}  // namespace sotto::io
