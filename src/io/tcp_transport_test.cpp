#include "io/tcp_transport.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <asio/connect.hpp>
#include <asio/write.hpp>
#include <netinet/tcp.h>

#include <set>

#include "io/testing/io_test_support.hpp"

namespace sotto::io {
namespace {

using testing::bytes;
using testing::EventLog;
using testing::run_until;
using ::testing::HasSubstr;

struct TcpPair {
  asio::io_context io;
  EventLog server_log, client_log;
  std::unique_ptr<TcpTransport> server, client;
  Endpoint listen_ep;

  explicit TcpPair(StreamTransportOptions server_opts = {}, StreamTransportOptions client_opts = {}) {
    server = std::make_unique<TcpTransport>(io, server_log.handler(), server_opts);
    client = std::make_unique<TcpTransport>(io, client_log.handler(), client_opts);
    listen_ep = *server->listen(*Endpoint::parse("127.0.0.1:0"));
  }
};

TEST(TcpTransport, ConnectSendAndEchoOnTheSameConnection) {
  TcpPair p;
  // Echo whatever arrives back on the connection it arrived on.
  p.server_log.on_event = [&](const TransportEvent& ev) {
    if (auto* r = std::get_if<Received>(&ev)) {
      ASSERT_TRUE(p.server->send(r->connection, r->bytes));
    }
  };
  auto id = p.client->connect(p.listen_ep);
  ASSERT_TRUE(id);
  const std::string msg = "REGISTER sip:x SIP/2.0\r\nContent-Length: 0\r\n\r\n";
  ASSERT_TRUE(p.client->send(*id, bytes(msg)));  // queued before the connection is up
  ASSERT_TRUE(run_until(p.io, [&] { return p.client_log.stream(*id).size() == msg.size(); }));
  EXPECT_EQ(p.client_log.stream(*id), msg);
  const ConnectionOpened* o = p.client_log.opened(*id);
  ASSERT_NE(o, nullptr);
  EXPECT_FALSE(o->inbound);
  EXPECT_EQ(o->remote, p.listen_ep);
  EXPECT_FALSE(o->tls);
  const ConnectionOpened* in = p.server_log.first_inbound();
  ASSERT_NE(in, nullptr);
  EXPECT_EQ(in->remote, o->local);  // the server sees our ephemeral port

  // Reuse lookup by remote endpoint, on both sides.
  EXPECT_EQ(p.client->find_by_remote(p.listen_ep)->id(), *id);
  EXPECT_EQ(p.server->find_by_remote(o->local)->id(), in->connection);
  EXPECT_EQ(p.server->find_by_remote(p.listen_ep), nullptr);

  ASSERT_TRUE(p.client->close(*id));
  ASSERT_TRUE(run_until(p.io, [&] { return p.client_log.closed(*id) && p.server_log.closed(in->connection); }));
  EXPECT_EQ(p.client_log.closed(*id)->reason, CloseReason::local_close);
  EXPECT_EQ(p.server_log.closed(in->connection)->reason, CloseReason::peer_closed);
  EXPECT_FALSE(p.server_log.closed(in->connection)->error);
  EXPECT_EQ(p.client->connection_count(), 0u);
  EXPECT_EQ(p.server->connection_count(), 0u);
  EXPECT_FALSE(p.client->send(*id, bytes("late")));
}

TEST(TcpTransport, SplitWritesArriveAsOneStreamAndSocketsHaveNoDelay) {
  TcpPair p;
  asio::ip::tcp::socket raw(p.io);
  raw.connect(p.listen_ep.tcp());
  ASSERT_TRUE(run_until(p.io, [&] { return p.server_log.first_inbound() != nullptr; }));
  const ConnectionId id = p.server_log.first_inbound()->connection;
  const std::string msg = "INVITE sip:bob@127.0.0.1 SIP/2.0\r\nContent-Length: 4\r\n\r\nv=0\n";
  for (std::size_t off = 0; off < msg.size(); off += 7) {
    asio::write(raw, asio::buffer(msg.data() + off, std::min<std::size_t>(7, msg.size() - off)));
    p.io.poll();
  }
  ASSERT_TRUE(run_until(p.io, [&] { return p.server_log.stream(id) == msg; }));

  // TCP_NODELAY on our side of the connection (PEERS.md: baresip's Nagle stalls).
  auto c = p.client->connect(p.listen_ep);
  ASSERT_TRUE(c);
  ASSERT_TRUE(run_until(p.io, [&] { return p.client_log.opened(*c) != nullptr; }));
  for (auto conn : {p.client->find(*c), p.server->find(id)}) {
    int on = 0;
    socklen_t len = sizeof on;
    ASSERT_EQ(::getsockopt(conn->native_handle_ForTest(), IPPROTO_TCP, TCP_NODELAY, &on, &len), 0);
    EXPECT_NE(on, 0) << conn->describe();
  }
}

TEST(TcpTransport, MessagesAreNeverInterleaved) {
  TcpPair p;
  auto id = p.client->connect(p.listen_ep);
  ASSERT_TRUE(id);
  std::string expected;
  for (int i = 0; i < 50; ++i) {
    std::string m(10000 + static_cast<std::size_t>(i), static_cast<char>('a' + i % 26));
    expected += m;
    ASSERT_TRUE(p.client->send(*id, bytes(m)));
  }
  ASSERT_TRUE(run_until(p.io, [&] {
    auto* in = p.server_log.first_inbound();
    return in && p.server_log.stream(in->connection).size() == expected.size();
  }));
  EXPECT_TRUE(p.server_log.stream(p.server_log.first_inbound()->connection) == expected);
}

TEST(TcpTransport, ManyConnections) {
  TcpPair p(StreamTransportOptions{.max_connections_per_source = 0});  // all from 127.0.0.1
  std::vector<ConnectionId> ids;
  for (int i = 0; i < 100; ++i) {
    auto id = p.client->connect(p.listen_ep);
    ASSERT_TRUE(id);
    ASSERT_TRUE(p.client->send(*id, bytes("m" + std::to_string(i) + ";")));
    ids.push_back(*id);
  }
  ASSERT_TRUE(run_until(p.io, [&] { return p.server_log.count<Received>() >= 100 && p.server->connection_count() == 100; }));
  EXPECT_EQ(p.client->connection_count(), 100u);
  std::set<ConnectionId> unique(ids.begin(), ids.end());
  EXPECT_EQ(unique.size(), 100u);
  p.client->close_all();
  ASSERT_TRUE(run_until(p.io, [&] { return p.server->connection_count() == 0 && p.client->connection_count() == 0; }));
  EXPECT_EQ(p.server_log.count<ConnectionClosed>(), 100u);
}

TEST(TcpTransport, MaxConnectionsEvictsTheIdlestUnpinnedAndBufferedBytesLimit) {
  TcpPair p(StreamTransportOptions{.max_connections = 2, .limits = {}},
            StreamTransportOptions{.max_connections = 3, .limits = {.max_buffered_bytes = 100}});
  std::vector<ConnectionId> ids;
  for (int i = 0; i < 3; ++i) {
    ids.push_back(*p.client->connect(p.listen_ep));
    ASSERT_TRUE(run_until(p.io, [&] { return p.client_log.opened(ids.back()) != nullptr; }));
    ASSERT_TRUE(p.client->set_pinned(ids.back(), true));  // in a dialog: the client may not evict them
  }
  auto fourth = p.client->connect(p.listen_ep);
  ASSERT_FALSE(fourth);
  EXPECT_EQ(fourth.error().code, Errc::limit_exceeded);
  EXPECT_THAT(fourth.error().context, HasSubstr("max_connections"));
  EXPECT_EQ(p.client->counters().refused_full, 1u);
  // The server holds 2: the third connection evicted the one idle longest (the first).
  ASSERT_TRUE(run_until(p.io, [&] { return p.server->counters().evicted == 1; }));
  EXPECT_EQ(p.server->connection_count(), 2u);
  EXPECT_EQ(p.server->rejected_count(), 0u);
  ASSERT_TRUE(run_until(p.io, [&] { return p.client_log.closed(ids[0]) != nullptr; }));
  EXPECT_EQ(p.client_log.closed(ids[1]), nullptr);
  EXPECT_EQ(p.client_log.closed(ids[2]), nullptr);

  auto big = p.client->send(ids[1], std::vector<std::uint8_t>(101, 'x'));
  ASSERT_FALSE(big);
  EXPECT_EQ(big.error().code, Errc::limit_exceeded);
  EXPECT_THAT(big.error().context, HasSubstr("limit 100"));
  EXPECT_TRUE(p.client->send(ids[1], std::vector<std::uint8_t>(100, 'x')));
}

TEST(TcpTransport, IdleTimeoutClosesQuietConnections) {
  StreamTransportOptions quick;
  quick.limits.idle_timeout = std::chrono::milliseconds(100);
  TcpPair p(quick, {});
  auto id = p.client->connect(p.listen_ep);
  ASSERT_TRUE(id);
  ASSERT_TRUE(run_until(p.io, [&] { return p.client_log.closed(*id) != nullptr; }, std::chrono::seconds(5)));
  EXPECT_EQ(p.client_log.closed(*id)->reason, CloseReason::peer_closed);
  auto* server_side = p.server_log.first_closed(true);
  ASSERT_NE(server_side, nullptr);
  EXPECT_EQ(server_side->reason, CloseReason::idle_timeout);
}

TEST(TcpTransport, ConnectFailureIsAClosedEventWithAReason) {
  asio::io_context io;
  EventLog log;
  TcpTransport t(io, log.handler());
  // A port that was just free: bind, read it, close.
  asio::ip::tcp::acceptor probe(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const Endpoint dead = Endpoint::from(probe.local_endpoint());
  probe.close();
  auto id = t.connect(dead);
  ASSERT_TRUE(id);
  ASSERT_TRUE(t.send(*id, bytes("queued before failure")));
  ASSERT_TRUE(run_until(io, [&] { return log.closed(*id) != nullptr; }));
  const ConnectionClosed* c = log.closed(*id);
  EXPECT_EQ(c->reason, CloseReason::connect_failed);
  EXPECT_FALSE(c->was_open);
  EXPECT_EQ(c->unsent_bytes, 21u);
  ASSERT_TRUE(c->error);
  EXPECT_THAT(c->error->context, HasSubstr("connect to " + dead.to_string() + " failed"));
  EXPECT_EQ(log.opened(*id), nullptr);
}

TEST(TcpTransport, Ipv6Listener) {
  asio::io_context io;
  EventLog log;
  TcpTransport t(io, log.handler());
  auto ep = t.listen(*Endpoint::parse("[::1]:0"));
  if (!ep) GTEST_SKIP() << ep.error().message();
  auto v4 = t.listen(Endpoint{asio::ip::make_address("127.0.0.1"), ep->port});  // same port, other family
  EXPECT_TRUE(v4) << v4.error().message();
  auto id = t.connect(*ep);
  ASSERT_TRUE(id);
  ASSERT_TRUE(run_until(io, [&] { return log.opened(*id) && log.first_inbound(); }));
  EXPECT_TRUE(log.first_inbound()->remote.address.is_v6());
}

}  // namespace
}  // namespace sotto::io
