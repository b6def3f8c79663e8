#include "io/udp_transport.hpp"

#include "io/udp_socket.hpp"

#include <asio/buffer.hpp>

namespace sotto::io {

UdpTransport::UdpTransport(asio::io_context& io, EventHandler on_event, UdpOptions options)
    : io_(io), on_event_(std::move(on_event)), options_(options) {}

UdpTransport::~UdpTransport() { close(); }

void UdpTransport::close() {
  alive_ = std::make_shared<int>(0);  // pending handlers see their token expire
  pending_send_bytes_ = 0;
  for (auto& s : sockets_) {
    std::error_code ignored;
    s->sock.close(ignored);
  }
  // Sockets are kept until destruction: cancelled handlers still reference their buffers' owners.
}

Result<Endpoint> UdpTransport::listen(const Endpoint& local) {
  auto bound = UdpSocket::bind(io_, local, "udp listener");  // the one place io binds UDP
  if (!bound) return Unexpected(bound.error());
  auto s = std::make_unique<Socket>(Socket{std::move(bound->native()), bound->local(), {}, {}});
  s->buf.resize(options_.max_datagram);
  sockets_.push_back(std::move(s));
  receive_next(*sockets_.back());
  return sockets_.back()->local;
}

std::vector<Endpoint> UdpTransport::local_endpoints() const {
  std::vector<Endpoint> out;
  for (const auto& s : sockets_) out.push_back(s->local);
  return out;
}

void UdpTransport::receive_next(Socket& s) {
  std::weak_ptr<int> alive = alive_;
  s.sock.async_receive_from(asio::buffer(s.buf), s.sender,
                            [this, alive, &s](const std::error_code& ec, std::size_t n) {
                              if (alive.expired() || ec == asio::error::operation_aborted) return;
                              if (!ec) {
                                on_event_(Received{TransportKind::udp, 0, s.local, Endpoint::from(s.sender),
                                                   std::vector<std::uint8_t>(s.buf.begin(),
                                                                             s.buf.begin() + static_cast<long>(n))});
                              }
                              // Errors on an unconnected UDP socket (e.g. a late ICMP) do not stop it.
                              if (!alive.expired() && s.sock.is_open()) receive_next(s);
                            });
}

Status UdpTransport::send_to(const Endpoint& remote, std::span<const std::uint8_t> datagram,
                             const std::optional<Endpoint>& from) {
  Socket* chosen = nullptr;
  for (auto& s : sockets_) {
    if (!s->sock.is_open()) continue;
    if (from ? s->local == *from : s->local.address.is_v6() == remote.address.is_v6()) {
      chosen = s.get();
      break;
    }
  }
  if (chosen == nullptr) {
    return fail(Errc::invalid_state,
                "udp send to " + remote.to_string() + ": no UDP socket " +
                    (from ? "bound to " + from->to_string()
                          : std::string("for ") + (remote.address.is_v6() ? "IPv6" : "IPv4")) +
                    "; listen on one first (e.g. udp://" + (remote.address.is_v6() ? "[::1]" : "127.0.0.1") +
                    ":5060)");
  }
  if (datagram.size() > 65507) {
    return fail(Errc::limit_exceeded, "udp send to " + remote.to_string() + ": " + std::to_string(datagram.size()) +
                                          " bytes do not fit one datagram (RFC 3261 18.1.1: use TCP)");
  }
  if (pending_send_bytes_ + datagram.size() > options_.max_pending_send_bytes) {
    return fail(Errc::limit_exceeded, "udp send to " + remote.to_string() + ": send backlog full");
  }
  auto data = std::make_shared<std::vector<std::uint8_t>>(datagram.begin(), datagram.end());
  pending_send_bytes_ += data->size();
  std::weak_ptr<int> alive = alive_;
  chosen->sock.async_send_to(asio::buffer(*data), remote.udp(),
                             [this, alive, data, remote](const std::error_code& ec, std::size_t) {
                               if (alive.expired()) return;
                               pending_send_bytes_ -= data->size();
                               if (ec && ec != asio::error::operation_aborted) {
                                 on_event_(SendFailed{TransportKind::udp, remote,
                                                      Error{Errc::io_error, "udp send to " + remote.to_string() +
                                                                                " failed: " + ec.message()}});
                               }
                             });
  return {};
}

}  // namespace sotto::io
