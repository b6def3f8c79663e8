#pragma once
// TcpTransport: SIP over TCP (RFC 3261 18): listeners, outbound connections, TCP_NODELAY on every socket.
//
//   io::TcpTransport tcp(io_context, on_event, {.max_connections = 256});
//   auto local = tcp.listen(*io::Endpoint::parse("127.0.0.1:5060"));
//   auto id = tcp.connect(*io::Endpoint::parse("127.0.0.1:5080"));

#include "io/stream_transport.hpp"

namespace sotto::io {

class TcpTransport final : public StreamTransport {
 public:
  TcpTransport(asio::io_context& io, EventHandler on_event, StreamTransportOptions options = {});

 protected:
  std::shared_ptr<Connection> make_connection(ConnectionId id, bool inbound, const Endpoint& remote,
                                              const ConnectOptions& options, asio::ip::tcp::socket socket) override;
};

}  // namespace sotto::io
