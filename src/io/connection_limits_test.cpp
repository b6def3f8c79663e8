// Listeners under attack: TLS handshake, first-message, per-message and idle deadlines in virtual time
// (FakeClock + check_deadlines), the per-source limit, eviction at the global cap, and over real TLS
// sockets the 33rd idle connection from one address refused and logged once.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <asio/connect.hpp>
#include <asio/write.hpp>

#include "io/testing/fake_clock.hpp"
#include "io/testing/io_test_support.hpp"
#include "io/transport_manager.hpp"

namespace sotto::io {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using testing::EventLog;
using testing::run_until;
using testing::TestPki;
using ::testing::HasSubstr;

TransportManagerOptions with_tls(TransportManagerOptions o) {
  const auto& pki = TestPki::get();
  o.tls_server = TlsConfig{.cert_chain_file = pki.server, .key_file = pki.server_key};
  o.tls_client = TlsConfig{.ca_file = pki.ca};
  return o;
}

// A listener whose deadlines follow a FakeClock. The test plays the SIP layer: it reports framing.
struct Listener {
  asio::io_context io;
  testing::FakeClock clock;
  EventLog log;
  std::vector<std::string> lines;
  std::unique_ptr<TransportManager> tm;
  Endpoint ep;
  TransportKind kind;

  Listener(TransportKind k, StreamTransportOptions so = {}) : kind(k) {
    so.clock = &clock;
    so.log = [this](std::string_view l) { lines.emplace_back(l); };
    TransportManagerOptions o;
    o.stream = so;
    tm = std::make_unique<TransportManager>(io, log.handler(), with_tls(o));
    ep = *tm->listen(ListenSpec{k, *Endpoint::parse("127.0.0.1:0")});
  }
  StreamTransport& transport() { return *tm->client_transport(kind).value(); }
  // Moves virtual time on and runs what is due.
  void advance(Duration d) {
    clock.advance(d);
    tm->check_deadlines();
    for (int i = 0; i < 5; ++i) {
      io.restart();
      io.poll();
    }
  }
  const ConnectionClosed* closed_inbound() const { return log.first_closed(true); }
  std::size_t lines_with(std::string_view s) const {
    std::size_t n = 0;
    for (const auto& l : lines) n += l.find(s) != std::string::npos ? 1 : 0;
    return n;
  }
};

asio::ip::tcp::socket raw_client(asio::io_context& io, const Endpoint& to, const char* from = "127.0.0.1") {
  asio::ip::tcp::socket s(io);
  s.open(asio::ip::tcp::v4());
  s.bind(asio::ip::tcp::endpoint(asio::ip::make_address(from), 0));
  s.connect(to.tcp());
  return s;
}

void write(asio::ip::tcp::socket& s, std::string_view text) { asio::write(s, asio::buffer(text.data(), text.size())); }

constexpr std::string_view kOptions =
    "OPTIONS sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5999;branch=z9hG4bK1\r\nMax-Forwards: 70\r\n"
    "From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: c1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";

TEST(ConnectionLimits, TlsHandshakeMustFinishWithinFiveSeconds) {
  Listener l(TransportKind::tls);
  auto sock = raw_client(l.io, l.ep);  // TCP only: never says ClientHello
  ASSERT_TRUE(run_until(l.io, [&] { return l.transport().connection_count() == 1; }));
  l.advance(milliseconds(4999));
  EXPECT_EQ(l.closed_inbound(), nullptr);
  l.advance(milliseconds(1));
  ASSERT_NE(l.closed_inbound(), nullptr);
  EXPECT_EQ(l.closed_inbound()->reason, CloseReason::handshake_failed);
  ASSERT_TRUE(l.closed_inbound()->error);
  EXPECT_THAT(l.closed_inbound()->error->context, HasSubstr("TLS handshake with 127.0.0.1:"));
  EXPECT_THAT(l.closed_inbound()->error->context, HasSubstr("timed out after 5000 ms"));
  EXPECT_EQ(l.tm->counters().handshake_timeouts, 1u);
  EXPECT_EQ(l.lines_with("closed on a deadline"), 1u);
}

TEST(ConnectionLimits, FirstSipMessageMustArriveWithinTenSeconds) {
  Listener l(TransportKind::tcp);
  auto sock = raw_client(l.io, l.ep);
  ASSERT_TRUE(run_until(l.io, [&] { return l.log.first_inbound() != nullptr; }));
  l.advance(milliseconds(9999));
  EXPECT_EQ(l.closed_inbound(), nullptr);
  l.advance(milliseconds(1));
  ASSERT_TRUE(run_until(l.io, [&] { return l.closed_inbound() != nullptr; }));
  EXPECT_EQ(l.closed_inbound()->reason, CloseReason::message_timeout);
  EXPECT_THAT(l.closed_inbound()->error->context, HasSubstr("no complete SIP message within 10000 ms"));
  EXPECT_EQ(l.tm->counters().message_timeouts, 1u);
}

TEST(ConnectionLimits, ASlowlyDrippedMessageIsCutThirtySecondsAfterItBegan) {
  Listener l(TransportKind::tcp);
  // The SIP layer's report: a complete message at ';', otherwise a message in progress.
  l.log.on_event = [&](const TransportEvent& ev) {
    if (auto* r = std::get_if<Received>(&ev)) {
      const bool complete = !r->bytes.empty() && r->bytes.back() == ';';
      l.tm->note_framing(r->connection, !complete, complete ? 1 : 0);
    }
  };
  auto sock = raw_client(l.io, l.ep);
  write(sock, "OPTIONS 1;");  // the first message, in time
  ASSERT_TRUE(run_until(l.io, [&] { return l.log.stream(l.log.first_inbound() ? l.log.first_inbound()->connection : 0).size() == 10; }));
  const ConnectionId id = l.log.first_inbound()->connection;
  l.advance(seconds(5));
  write(sock, "INVITE sip:bob");  // the second begins ...
  ASSERT_TRUE(run_until(l.io, [&] { return l.log.stream(id).size() == 24; }));
  for (int i = 0; i < 29; ++i) {  // ... and drips: a byte a second keeps the connection busy, not alive
    l.advance(seconds(1));
    write(sock, "x");
    ASSERT_TRUE(run_until(l.io, [&] { return l.log.stream(id).size() == 25u + i; }));
    ASSERT_EQ(l.closed_inbound(), nullptr) << "closed after " << i + 1 << " s";
  }
  l.advance(seconds(1));
  ASSERT_TRUE(run_until(l.io, [&] { return l.closed_inbound() != nullptr; }));
  EXPECT_EQ(l.closed_inbound()->reason, CloseReason::message_timeout);
  EXPECT_THAT(l.closed_inbound()->error->context, HasSubstr("SIP message not complete 30000 ms after it began"));
}

TEST(ConnectionLimits, IdleSixtySecondsWithoutDialogOrRegistrationCloses) {
  Listener l(TransportKind::tcp);
  l.log.on_event = [&](const TransportEvent& ev) {
    if (auto* r = std::get_if<Received>(&ev)) l.tm->note_framing(r->connection, false, 1);
  };
  auto sock = raw_client(l.io, l.ep);
  write(sock, kOptions);
  ASSERT_TRUE(run_until(l.io, [&] { return !l.log.datagrams().empty() || l.log.count<Received>() > 0; }));
  const ConnectionId id = l.log.first_inbound()->connection;
  // Pinned (a dialog): no idle deadline at all.
  ASSERT_TRUE(l.tm->set_flow_pinned(id, true));
  l.advance(seconds(3600));
  EXPECT_EQ(l.closed_inbound(), nullptr);
  // The dialog ends: 60 s from now.
  ASSERT_TRUE(l.tm->set_flow_pinned(id, false));
  l.advance(seconds(59));
  EXPECT_EQ(l.closed_inbound(), nullptr);
  l.advance(seconds(1));
  ASSERT_TRUE(run_until(l.io, [&] { return l.closed_inbound() != nullptr; }));
  EXPECT_EQ(l.closed_inbound()->reason, CloseReason::idle_timeout);
  EXPECT_THAT(l.closed_inbound()->error->context, HasSubstr("idle for 60000 ms without a dialog or registration"));
  EXPECT_EQ(l.tm->counters().idle_timeouts, 1u);
  EXPECT_FALSE(l.tm->set_flow_pinned(id, true)) << "a closed connection cannot be pinned";
}

TEST(ConnectionLimits, PerSourceLimitCountsUnpinnedConnectionsOfThatAddressOnly) {
  Listener l(TransportKind::tcp, StreamTransportOptions{.max_connections_per_source = 3});
  std::vector<asio::ip::tcp::socket> socks;
  for (int i = 0; i < 3; ++i) socks.push_back(raw_client(l.io, l.ep));
  ASSERT_TRUE(run_until(l.io, [&] { return l.log.count<ConnectionOpened>() == 3; }));
  socks.push_back(raw_client(l.io, l.ep));  // the 4th from 127.0.0.1
  ASSERT_TRUE(run_until(l.io, [&] { return l.tm->counters().refused_per_source == 1; }));
  EXPECT_EQ(l.transport().connection_count(), 3u);
  ASSERT_EQ(l.lines_with("tcp connection refused: from 127.0.0.1: 3 connections without a dialog or registration"), 1u)
      << (l.lines.empty() ? "" : l.lines.front());
  // Another address is not affected.
  socks.push_back(raw_client(l.io, l.ep, "127.0.0.2"));
  ASSERT_TRUE(run_until(l.io, [&] { return l.log.count<ConnectionOpened>() == 4; }));
  // A connection in a dialog no longer counts: 127.0.0.1 may open one more.
  const auto* first = l.log.first_inbound();
  ASSERT_TRUE(l.tm->set_flow_pinned(first->connection, true));
  socks.push_back(raw_client(l.io, l.ep));
  ASSERT_TRUE(run_until(l.io, [&] { return l.log.count<ConnectionOpened>() == 5; }));
  EXPECT_EQ(l.tm->counters().refused_per_source, 1u);
}

TEST(ConnectionLimits, AtTheGlobalCapTheConnectionIdleLongestWithoutDialogGivesWay) {
  Listener l(TransportKind::tcp, StreamTransportOptions{.max_connections = 3, .max_connections_per_source = 0});
  l.log.on_event = [&](const TransportEvent& ev) {
    if (auto* r = std::get_if<Received>(&ev)) l.tm->note_framing(r->connection, false, 1);
  };
  std::vector<asio::ip::tcp::socket> socks;
  std::vector<ConnectionId> ids;
  for (int i = 0; i < 3; ++i) {
    socks.push_back(raw_client(l.io, l.ep));
    ASSERT_TRUE(run_until(l.io, [&] { return l.log.count<ConnectionOpened>() == ids.size() + 1; }));
    for (const auto& e : l.log.events) {
      if (auto* o = std::get_if<ConnectionOpened>(&e); o && (ids.empty() || o->connection > ids.back())) ids.push_back(o->connection);
    }
    l.advance(seconds(1));
  }
  ASSERT_EQ(ids.size(), 3u);
  // The oldest is in a dialog; the second becomes busy again; the third is the one idle longest now.
  ASSERT_TRUE(l.tm->set_flow_pinned(ids[0], true));
  write(socks[1], kOptions);
  ASSERT_TRUE(run_until(l.io, [&] { return l.log.stream(ids[1]).size() == kOptions.size(); }));
  l.advance(seconds(1));
  socks.push_back(raw_client(l.io, l.ep));
  ASSERT_TRUE(run_until(l.io, [&] { return l.log.closed(ids[2]) != nullptr && l.log.count<ConnectionOpened>() == 4; }));
  EXPECT_EQ(l.log.closed(ids[2])->reason, CloseReason::evicted);
  EXPECT_EQ(l.log.closed(ids[0]), nullptr);
  EXPECT_EQ(l.log.closed(ids[1]), nullptr);
  EXPECT_EQ(l.tm->counters().evicted, 1u);
  EXPECT_EQ(l.lines_with("tcp connection evicted: tcp connection " + std::to_string(ids[2])), 1u);
  // All pinned: a new connection is refused instead.
  for (const auto& e : l.log.events) {
    if (auto* o = std::get_if<ConnectionOpened>(&e); o && !l.log.closed(o->connection)) {
      ASSERT_TRUE(l.tm->set_flow_pinned(o->connection, true));
    }
  }
  socks.push_back(raw_client(l.io, l.ep));
  ASSERT_TRUE(run_until(l.io, [&] { return l.tm->counters().refused_full == 1; }));
  EXPECT_EQ(l.tm->counters().evicted, 1u);
}

// Real sockets, real clock: 33 TLS connections from one address complete their handshakes and stay
// idle; the 33rd is refused at accept, and the refusal is logged once.
TEST(ConnectionLimits, The33rdIdleTlsConnectionFromOneAddressIsRefusedAndLoggedOnce) {
  asio::io_context io;
  EventLog server_log, client_log;
  std::vector<std::string> lines;
  TransportManagerOptions so;
  so.stream.log = [&](std::string_view l) { lines.emplace_back(l); };
  TransportManager server(io, server_log.handler(), with_tls(so));
  TransportManagerOptions co;
  co.stream.max_connections_per_source = 0;
  TransportManager client(io, client_log.handler(), with_tls(co));
  auto ep = server.listen("tls://127.0.0.1:0");
  ASSERT_TRUE(ep);
  StreamTransport* tls = *client.client_transport(TransportKind::tls);
  for (int i = 0; i < 33; ++i) ASSERT_TRUE(tls->connect(*ep, {.server_name = "127.0.0.1"}));
  ASSERT_TRUE(run_until(io, [&] {
    return client_log.count<ConnectionOpened>() + client_log.count<ConnectionClosed>() == 33 &&
           server_log.count<ConnectionOpened>() == 32;
  }));
  EXPECT_EQ(server.counters().refused_per_source, 1u);
  EXPECT_EQ(client_log.count<ConnectionClosed>(), 1u) << "the refused one";
  std::size_t refusals = 0;
  for (const auto& l : lines) refusals += l.find("tls connection refused") != std::string::npos ? 1 : 0;
  EXPECT_EQ(refusals, 1u);
  ASSERT_FALSE(lines.empty());
  EXPECT_THAT(lines.front(), HasSubstr("from 127.0.0.1: 32 connections without a dialog or registration already "
                                       "(max_connections_per_source)"));
}

}  // namespace
}  // namespace sotto::io
