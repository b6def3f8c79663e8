#include "runtime/media_relay.hpp"

#include <asio/ip/address.hpp>
#include <utility>

namespace sotto::runtime {

namespace {

std::size_t index_of(relay::Side side, relay::Socket kind) {
  return static_cast<std::size_t>(side) * 2 + static_cast<std::size_t>(kind);
}

netpkt::IpEndpoint to_ip_endpoint(const asio::ip::udp::endpoint& e) {
  netpkt::IpEndpoint out;
  out.port = e.port();
  const asio::ip::address a = e.address();
  if (a.is_v4()) {
    const auto b = a.to_v4().to_bytes();
    std::copy(b.begin(), b.end(), out.address.bytes.begin());
  } else {
    const auto b = a.to_v6().to_bytes();
    std::copy(b.begin(), b.end(), out.address.bytes.begin());
    out.address.v6 = true;
  }
  return out;
}

asio::ip::udp::endpoint to_udp(const netpkt::IpEndpoint& e) {
  if (e.address.v6) {
    asio::ip::address_v6::bytes_type b;
    std::copy(e.address.bytes.begin(), e.address.bytes.end(), b.begin());
    return {asio::ip::address_v6(b), e.port};
  }
  asio::ip::address_v4::bytes_type b;
  std::copy(e.address.bytes.begin(), e.address.bytes.begin() + 4, b.begin());
  return {asio::ip::address_v4(b), e.port};
}

}  // namespace

// One call's relay: the core and its four sockets (RTP and RTCP of each side).
struct MediaRelay::Entry {
  explicit Entry(asio::io_context& io, relay::RelayId id, const relay::RelayOptions& o)
      : core(id, o), sockets{io::UdpSocket(io), io::UdpSocket(io), io::UdpSocket(io), io::UdpSocket(io)} {}
  relay::Relay core;
  std::array<io::UdpSocket, 4> sockets;   // index_of(side, kind)
  std::array<std::uint16_t, 2> rtp_port{};
  bool closed = false;
  io::UdpSocket& socket(relay::Side s, relay::Socket k) { return sockets[index_of(s, k)]; }
};

Result<std::unique_ptr<MediaRelay>> MediaRelay::create(asio::io_context& io, const io::Clock& clock,
                                                       MediaRelayOptions options, DeadHandler on_dead) {
  std::error_code ec;
  (void)asio::ip::make_address(options.media_ip, ec);
  if (ec) return fail(Errc::invalid_argument, "media address '" + options.media_ip + "' is not an IP address");
  if (options.port_min % 2 != 0) ++options.port_min;
  if (options.port_min == 0 || options.port_max < options.port_min + 2u) {
    return fail(Errc::invalid_argument, "RTP port range " + std::to_string(options.port_min) + "-" +
                                            std::to_string(options.port_max) + " has no room for an RTP/RTCP pair");
  }
  if (options.check_interval <= std::chrono::milliseconds(0)) options.check_interval = std::chrono::milliseconds(1000);
  return std::unique_ptr<MediaRelay>(new MediaRelay(io, clock, std::move(options), std::move(on_dead)));
}

MediaRelay::MediaRelay(asio::io_context& io, const io::Clock& clock, MediaRelayOptions options, DeadHandler on_dead)
    : io_(io), clock_(clock), options_(std::move(options)), on_dead_(std::move(on_dead)), check_timer_(io, clock),
      buffers_(kBufferSize * io::UdpSocket::kMaxBatch) {
  next_port_ = options_.port_min;
}

MediaRelay::~MediaRelay() {
  check_timer_.cancel();
  while (!relays_.empty()) close(relays_.begin()->first);
}

Result<std::uint16_t> MediaRelay::bind_pair(Entry& e, relay::Side side) {
  const auto addr = asio::ip::make_address(options_.media_ip);
  const unsigned pairs = (options_.port_max - options_.port_min) / 2u;
  std::string last_error = "every pair in use by other calls";
  for (unsigned k = 0; k < pairs; ++k) {
    const std::uint16_t port = next_port_;
    next_port_ = static_cast<std::uint16_t>(next_port_ + 2);
    if (next_port_ + 1u >= options_.port_max) next_port_ = options_.port_min;  // round robin: ports rest between calls
    if (ports_in_use_.contains(port)) continue;
    auto rtp = io::UdpSocket::bind(io_, {addr, port}, "relay RTP socket");
    if (!rtp) {
      last_error = rtp.error().context;
      continue;
    }
    auto rtcp = io::UdpSocket::bind(io_, {addr, static_cast<std::uint16_t>(port + 1)}, "relay RTCP socket");
    if (!rtcp) {
      last_error = rtcp.error().context;
      continue;
    }
    e.socket(side, relay::Socket::rtp) = std::move(*rtp);
    e.socket(side, relay::Socket::rtcp) = std::move(*rtcp);
    ports_in_use_.insert(port);
    return port;
  }
  return fail(Errc::limit_exceeded, "no free RTP/RTCP port pair on " + options_.media_ip + " in " +
                                        std::to_string(options_.port_min) + "-" + std::to_string(options_.port_max - 1) +
                                        " (last: " + last_error + ")");
}

Result<relay::RelayId> MediaRelay::open(Timestamp) {
  const relay::RelayId id = next_id_;
  auto e = std::make_shared<Entry>(io_, id, options_.relay);
  for (relay::Side side : {relay::Side::a, relay::Side::b}) {
    auto port = bind_pair(*e, side);
    if (!port) {
      if (side == relay::Side::b) ports_in_use_.erase(e->rtp_port[0]);
      return Unexpected(port.error());
    }
    e->rtp_port[static_cast<std::size_t>(side)] = *port;
  }
  ++next_id_;
  relays_.emplace(id, e);
  for (relay::Side side : {relay::Side::a, relay::Side::b}) {
    receive(e, side, relay::Socket::rtp);
    receive(e, side, relay::Socket::rtcp);
  }
  if (!check_timer_.armed()) arm_check();
  return id;
}

relay::AnchorAddress MediaRelay::local(relay::RelayId relay, relay::Side side) const {
  auto it = relays_.find(relay);
  if (it == relays_.end()) return {};
  return {options_.media_ip, it->second->rtp_port[static_cast<std::size_t>(side)]};
}

Status MediaRelay::set_leg(Timestamp now, relay::RelayId relay, relay::Side side, const relay::LegMedia& media) {
  auto it = relays_.find(relay);
  if (it == relays_.end()) return fail(Errc::not_found, "relay " + std::to_string(relay) + ": no such relay");
  const relay::Relay* origin = nullptr;
  if (media.continue_from) {
    if (auto o = relays_.find(media.continue_from->relay); o != relays_.end()) origin = &o->second->core;
  }
  return it->second->core.set_leg(now, side, media, origin);
}

void MediaRelay::set_quiet(relay::RelayId relay, relay::Side side, bool quiet) {
  if (auto it = relays_.find(relay); it != relays_.end()) it->second->core.set_quiet(side, quiet);
}

void MediaRelay::expect_new_peer(Timestamp until, relay::RelayId relay, relay::Side side) {
  if (auto it = relays_.find(relay); it != relays_.end()) it->second->core.expect_new_peer(until, side);
}

relay::LegStats MediaRelay::stats(relay::RelayId relay, relay::Side side) const {
  auto it = relays_.find(relay);
  return it == relays_.end() ? relay::LegStats{} : it->second->core.stats(side);
}

std::string MediaRelay::suite(relay::RelayId relay, relay::Side side) const {
  auto it = relays_.find(relay);
  return it == relays_.end() ? std::string() : it->second->core.suite(side);
}

void MediaRelay::close(relay::RelayId relay) {
  auto it = relays_.find(relay);
  if (it == relays_.end()) return;
  std::shared_ptr<Entry> e = std::move(it->second);
  relays_.erase(it);
  e->closed = true;
  for (auto& s : e->sockets) s.close();   // pending waits end with operation_aborted and drop their reference
  for (std::uint16_t p : e->rtp_port) ports_in_use_.erase(p);
  if (relays_.empty()) check_timer_.cancel();
  // The core (and with it the SRTP contexts and their keys) goes when the last pending wait lets go.
}

void MediaRelay::receive(std::shared_ptr<Entry> e, relay::Side side, relay::Socket kind) {
  io::UdpSocket& s = e->socket(side, kind);
  s.async_wait_readable([this, e = std::move(e), side, kind](std::error_code ec) mutable {
    if (ec || e->closed) return;
    on_readable(*e, side, kind);
    if (!e->closed) receive(std::move(e), side, kind);
  });
}

void MediaRelay::on_readable(Entry& e, relay::Side side, relay::Socket kind) {
  io::UdpSocket& sock = e.socket(side, kind);
  const std::size_t room = relay::Relay::kTrailerRoom;
  // Drain what is waiting, a batch at a time; the loop ends when a batch comes back short.
  for (;;) {
    for (std::size_t i = 0; i < in_.size(); ++i) in_[i].buffer = {buffers_.data() + i * kBufferSize, kBufferSize - room};
    const std::size_t n = sock.receive_batch(in_);
    if (n == 0) return;
    const Timestamp now = clock_.now();
    std::array<std::size_t, 2> count{};
    relay::Side to = relay::other(side);
    for (std::size_t i = 0; i < n; ++i) {
      io::Datagram& d = in_[i];
      std::span<std::uint8_t> full(d.buffer.data(), kBufferSize);
      const bool is_rtcp = kind == relay::Socket::rtcp ||
                           relay::looks_like_rtcp(std::span<const std::uint8_t>(d.buffer.data(), d.size));
      auto r = e.core.handle_packet(now, side, to_ip_endpoint(d.peer), is_rtcp, full, d.size);
      if (!r) continue;  // counted by the core
      to = r->to;
      io::Datagram& o = out_[static_cast<std::size_t>(r->socket)][count[static_cast<std::size_t>(r->socket)]++];
      o.buffer = full;
      o.size = r->len;
      o.peer = to_udp(r->destination);
    }
    for (relay::Socket k : {relay::Socket::rtp, relay::Socket::rtcp}) {
      const std::size_t c = count[static_cast<std::size_t>(k)];
      if (c != 0) (void)e.socket(to, k).send_batch(std::span<const io::Datagram>(out_[static_cast<std::size_t>(k)].data(), c));
    }
    if (n < in_.size()) return;
  }
}

void MediaRelay::arm_check() {
  check_timer_.arm(clock_.now() + options_.check_interval, [this](Timestamp now) { check(now); });
}

void MediaRelay::check(Timestamp now) {
  std::vector<std::pair<relay::RelayId, std::string>> dead;
  for (auto& [id, e] : relays_) {
    e->core.handle_timeout(now);
    while (auto ev = e->core.poll_event()) dead.emplace_back(id, relay::describe(*ev));
  }
  if (!relays_.empty()) arm_check();
  if (on_dead_) {
    for (const auto& [id, why] : dead) on_dead_(id, why);   // may close() relays
  }
}

}  // namespace sotto::runtime
