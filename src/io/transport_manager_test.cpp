#include "io/transport_manager.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "io/testing/io_test_support.hpp"

namespace sotto::io {
namespace {

using testing::bytes;
using testing::EventLog;
using testing::run_until;
using testing::TestPki;
using ::testing::HasSubstr;

TransportManagerOptions tls_options() {
  const auto& pki = TestPki::get();
  TransportManagerOptions o;
  o.tls_server = TlsConfig{};
  o.tls_server->cert_chain_file = pki.server;
  o.tls_server->key_file = pki.server_key;
  o.tls_client = TlsConfig{};
  o.tls_client->ca_file = pki.ca;
  return o;
}

TEST(TransportManager, ListensOnSeveralKindsAtOnce) {
  asio::io_context io;
  EventLog log;
  TransportManager tm(io, log.handler(), tls_options());
  auto udp = tm.listen("udp://127.0.0.1:0");
  auto tcp = tm.listen("tcp://127.0.0.1:0");
  ASSERT_TRUE(udp && tcp);
  auto tls = tm.listen(ListenSpec{TransportKind::tls, Endpoint{asio::ip::make_address("127.0.0.1"), 0}});
  ASSERT_TRUE(tls) << tls.error().message();
  auto specs = tm.listeners();
  ASSERT_EQ(specs.size(), 3u);
  EXPECT_EQ(specs[0].kind, TransportKind::udp);
  EXPECT_EQ(specs[2].to_string(), "tls://127.0.0.1:" + std::to_string(tls->port));

  auto bad = tm.listen("sctp://127.0.0.1:5060");
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().context, HasSubstr("unknown transport 'sctp'"));
  auto busy = tm.listen("tcp://127.0.0.1:" + std::to_string(tcp->port));
  ASSERT_FALSE(busy);
  EXPECT_THAT(busy.error().context, HasSubstr("tcp listener on 127.0.0.1:" + std::to_string(tcp->port)));

  TransportManager no_tls(io, log.handler());
  auto refused = no_tls.listen("tls://127.0.0.1:0");
  ASSERT_FALSE(refused);
  EXPECT_THAT(refused.error().context, HasSubstr("no TLS server configuration"));
}

// A UA and a registrar: requests go out with send_to, responses and later requests come back on the
// connection the request arrived on (RFC 5923 spirit; linphone only accepts calls that way).
TEST(TransportManager, ResponsesAndInDialogRequestsReuseTheConnection) {
  for (TransportKind kind : {TransportKind::tcp, TransportKind::tls}) {
    SCOPED_TRACE(std::string(to_string(kind)));
    asio::io_context io;
    EventLog ua_log, reg_log;
    TransportManager registrar(io, reg_log.handler(), tls_options());
    TransportManager ua(io, ua_log.handler(), tls_options());
    auto reg_ep = registrar.listen(ListenSpec{kind, *Endpoint::parse("127.0.0.1:0")});
    ASSERT_TRUE(reg_ep) << reg_ep.error().message();

    auto first = ua.send_to(kind, *reg_ep, bytes("REGISTER 1;"));
    ASSERT_TRUE(first) << first.error().message();
    auto second = ua.send_to(kind, *reg_ep, bytes("REGISTER 2;"));  // while still connecting: same one
    ASSERT_TRUE(second);
    EXPECT_EQ(*first, *second);
    ASSERT_TRUE(run_until(io, [&] { return reg_log.count<Received>() >= 1 && reg_log.first_inbound(); }));
    const ConnectionId inbound = reg_log.first_inbound()->connection;
    ASSERT_TRUE(run_until(io, [&] { return reg_log.stream(inbound) == "REGISTER 1;REGISTER 2;"; }));

    // The response, then a new request towards the UA, both on the inbound connection.
    ASSERT_TRUE(registrar.send(inbound, bytes("200 OK;")));
    const Endpoint ua_side = reg_log.first_inbound()->remote;
    auto again = registrar.send_to(kind, ua_side, bytes("INVITE;"));
    ASSERT_TRUE(again);
    EXPECT_EQ(*again, inbound);
    ASSERT_TRUE(run_until(io, [&] { return ua.find(*first) && ua_log.stream(*first) == "200 OK;INVITE;"; }));
    EXPECT_EQ(registrar.find_by_remote(kind, ua_side)->id(), inbound);
    EXPECT_EQ(ua_log.count<ConnectionOpened>(), 1u);
    EXPECT_EQ(reg_log.count<ConnectionOpened>(), 1u);

    ASSERT_TRUE(registrar.close(inbound));
    ASSERT_TRUE(run_until(io, [&] { return ua_log.closed(*first) != nullptr; }));
    EXPECT_FALSE(ua.send(*first, bytes("x")));
  }
}

TEST(TransportManager, TlsReuseRequiresTheSameVerifiedName) {
  asio::io_context io;
  EventLog a_log, b_log;
  TransportManager a(io, a_log.handler(), tls_options());
  TransportManager b(io, b_log.handler(), tls_options());
  auto ep = b.listen("tls://127.0.0.1:0");
  ASSERT_TRUE(ep);
  auto by_ip = a.send_to(TransportKind::tls, *ep, bytes("1"));
  auto by_name = a.send_to(TransportKind::tls, *ep, bytes("2"), {.server_name = "localhost"});
  auto by_ip_again = a.send_to(TransportKind::tls, *ep, bytes("3"));
  ASSERT_TRUE(by_ip && by_name && by_ip_again);
  EXPECT_NE(*by_ip, *by_name);
  EXPECT_EQ(*by_ip, *by_ip_again);
  ASSERT_TRUE(run_until(io, [&] { return a_log.opened(*by_ip) && a_log.opened(*by_name); }));
}

TEST(TransportManager, UdpSendToAndReceive) {
  asio::io_context io;
  EventLog a_log, b_log;
  TransportManager a(io, a_log.handler());
  TransportManager b(io, b_log.handler());
  auto no_udp = a.send_to(TransportKind::udp, *Endpoint::parse("127.0.0.1:5060"), bytes("x"));
  ASSERT_FALSE(no_udp);
  ASSERT_TRUE(a.listen("udp://127.0.0.1:0"));
  auto b_ep = b.listen("udp://127.0.0.1:0");
  ASSERT_TRUE(b_ep);
  auto r = a.send_to(TransportKind::udp, *b_ep, bytes("OPTIONS"));
  ASSERT_TRUE(r);
  EXPECT_EQ(*r, 0u);
  ASSERT_TRUE(run_until(io, [&] { return b_log.datagrams().size() == 1; }));
}

}  // namespace
}  // namespace sotto::io
