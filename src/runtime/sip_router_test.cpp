// SipRouter: a pending flow's target is reached over the transport the UserAgent chose (its Via names it),
// and a --transport mode that forbids that transport makes the target unreachable instead. The router
// keeps nothing of a pending flow once it has reported it located or unreachable.
#include "runtime/sip_router.hpp"

#include <gtest/gtest.h>

#include "core/sip/message_parser.hpp"
#include "core/ua/request_parts.hpp"
#include "core/ua/transmit.hpp"
#include "core/ua/user_agent.hpp"
#include "io/testing/io_test_support.hpp"

namespace sotto::runtime {
namespace {

struct Side {
  explicit Side(asio::io_context& io)
      : tm(io, [this](io::TransportEvent&& ev) { ep.on_transport_event(std::move(ev)); }, io::TransportManagerOptions{}),
        ep(tm, [this](sip::txn::Flow, const FlowInfo& i, sip::SipMessage m) { got.push_back({i.kind, std::move(m)}); }) {}
  struct Got {
    io::TransportKind kind;
    sip::SipMessage msg;
  };
  io::TransportManager tm;
  SipEndpoint ep;
  std::vector<Got> got;
};

sip::SipMessage bye(std::uint16_t port) {
  std::string t = "BYE sip:bob@127.0.0.1:" + std::to_string(port) + " SIP/2.0\r\n"
                  "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKrouter1;rport\r\n"
                  "Max-Forwards: 70\r\nFrom: <sip:alice@127.0.0.1>;tag=a1\r\nTo: <sip:bob@127.0.0.1>;tag=b1\r\n"
                  "Call-ID: router-test-1\r\nCSeq: 2 BYE\r\nContent-Length: 0\r\n\r\n";
  return sip::parse_message(t).value();
}

struct Router {
  Router(asio::io_context& io, Side& side, locate::TransportMode mode) {
    io::dns::DnsResolverOptions o;
    o.servers = {"127.0.0.1:9"};  // IP literals only: no query is ever sent
    o.use_system_config = false;
    dns = io::dns::DnsResolver::create(io, o).value();
    router = std::make_unique<SipRouter>(side.ep, *dns, mode, [this](std::string_view l) { log.emplace_back(l); });
    router->on_unreachable([this](sip::txn::Flow f) { unreachable.push_back(f.id); });
    router->on_located([this](sip::txn::Flow pending, const sip::Uri& target, const SipRouter::Located& l) {
      located.push_back(Report{pending, sip::serialize(target), l.flow});
    });
  }
  struct Report {
    sip::txn::Flow pending;
    std::string target;
    sip::txn::Flow flow;
  };
  std::unique_ptr<io::dns::DnsResolver> dns;
  std::unique_ptr<SipRouter> router;
  std::vector<std::string> log;
  std::vector<std::uint64_t> unreachable;
  std::vector<Report> located;
};

const sip::txn::Flow kPlaceholder = sip::txn::Flow::pending(1, false);

TEST(SipRouter, APlaceholderGoesOverTheTransportTheUaChoseUnderDns) {
  asio::io_context io;
  Side bob(io), alice(io);
  auto bound = bob.tm.listen("udp://127.0.0.1:0");
  ASSERT_TRUE(bound) << bound.error().message();
  ASSERT_TRUE(alice.tm.listen("udp://127.0.0.1:0"));  // UDP goes out of our UDP socket
  Router r(io, alice, locate::TransportMode::dns);
  const sip::Uri target = sip::parse_uri("sip:bob@127.0.0.1:" + std::to_string(bound->port)).value();
  ASSERT_EQ(ua::transport_of(target), sip::Transport::udp);
  r.router->send(ua::Transmit{kPlaceholder, target, bye(bound->port), false});
  ASSERT_TRUE(io::testing::run_until(io, [&] { return !bob.got.empty() || !r.unreachable.empty(); }));
  ASSERT_EQ(bob.got.size(), 1u) << (r.log.empty() ? "" : r.log.front());
  EXPECT_EQ(bob.got[0].kind, io::TransportKind::udp);
  EXPECT_EQ(bob.got[0].msg.method(), sip::MethodId::bye);
  EXPECT_TRUE(r.unreachable.empty());
  ASSERT_EQ(r.located.size(), 1u);
  EXPECT_EQ(r.located[0].pending, kPlaceholder);
  EXPECT_EQ(r.located[0].target, sip::serialize(target));
  EXPECT_EQ(r.located[0].flow.kind(), sip::txn::FlowKind::udp);
  EXPECT_EQ(r.router->attempts(), 0u);
}

TEST(SipRouter, MessagesForAPendingFlowWaitForOneLocateThenNothingOfItIsKept) {
  asio::io_context io;
  Side bob(io), alice(io);
  auto bound = bob.tm.listen("tcp://127.0.0.1:0");
  ASSERT_TRUE(bound) << bound.error().message();
  Router r(io, alice, locate::TransportMode::dns);
  alice.ep.on_flow_opened([&](sip::txn::Flow f) { r.router->flow_opened(f); });
  const sip::Uri target =
      sip::parse_uri("sip:bob@127.0.0.1:" + std::to_string(bound->port) + ";transport=tcp").value();
  const sip::txn::Flow pending = sip::txn::Flow::pending(1, true);
  sip::SipMessage second = bye(bound->port);
  second.set(sip::hdr::cseq, sip::CSeq{3, sip::Method(sip::MethodId::bye)});
  r.router->send(ua::Transmit{pending, target, bye(bound->port), false});
  r.router->send(ua::Transmit{pending, target, bye(bound->port), true});  // a retransmission: not queued
  r.router->send(ua::Transmit{pending, target, second, false});
  EXPECT_EQ(r.router->attempts(), 1u) << "one locate for the pending flow";
  ASSERT_TRUE(io::testing::run_until(io, [&] { return bob.got.size() >= 2 || !r.unreachable.empty(); }));
  io.run_for(std::chrono::milliseconds(100));
  ASSERT_EQ(bob.got.size(), 2u) << (r.log.empty() ? "" : r.log.front());
  EXPECT_EQ(bob.got[0].kind, io::TransportKind::tcp);
  EXPECT_EQ(bob.got[0].msg.header(sip::hdr::cseq)->number, 2u);
  EXPECT_EQ(bob.got[1].msg.header(sip::hdr::cseq)->number, 3u);
  ASSERT_EQ(r.located.size(), 1u);
  EXPECT_EQ(r.located[0].pending, pending);
  EXPECT_EQ(r.located[0].flow.kind(), sip::txn::FlowKind::connection);
  EXPECT_EQ(r.router->attempts(), 0u);
  EXPECT_TRUE(r.unreachable.empty());
}

// The router and a UserAgent wired as `sotto phone` wires them: the UA's REGISTER to a URI it has no flow
// for goes on a pending flow, the router locates it once and tells the UA, and the retransmission (Timer E)
// then goes down the located flow. Neither side keeps anything of the pending flow.
TEST(SipRouter, WiredToAUserAgentThePendingFlowIsLocatedOnceAndRetransmissionsUseTheRealFlow) {
  asio::io_context io;
  Side registrar(io), alice(io);
  auto bound = registrar.tm.listen("udp://127.0.0.1:0");
  ASSERT_TRUE(bound) << bound.error().message();
  auto ours = alice.tm.listen("udp://127.0.0.1:0");
  ASSERT_TRUE(ours) << ours.error().message();
  Router r(io, alice, locate::TransportMode::dns);
  ua::UaConfig cfg;
  cfg.aor = sip::parse_uri("sip:alice@127.0.0.1").value();
  cfg.registrar = sip::parse_uri("sip:127.0.0.1:" + std::to_string(bound->port)).value();
  cfg.bindings = {ua::LocalBinding{"UDP", "127.0.0.1", ours->port}};
  ua::UserAgent ua(cfg);
  r.router->on_located([&](sip::txn::Flow pending, const sip::Uri& target, const SipRouter::Located& l) {
    r.located.push_back(Router::Report{pending, sip::serialize(target), l.flow});
    ua.use_flow(target, l.flow, ua::FlowInfo{l.secure});
  });
  std::vector<ua::Transmit> sent;
  const auto pump = [&] {
    while (auto t = ua.poll_transmit()) {
      sent.push_back(*t);
      r.router->send(*t);
    }
  };
  auto now = sip::txn::Timestamp{} + std::chrono::hours(1);
  ASSERT_TRUE(ua.register_account(now));
  pump();
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_TRUE(sent[0].target);
  ASSERT_TRUE(sent[0].flow.is_pending());
  ASSERT_TRUE(io::testing::run_until(io, [&] { return !registrar.got.empty() || !r.unreachable.empty(); }));
  ASSERT_EQ(registrar.got.size(), 1u) << (r.log.empty() ? "" : r.log.front());
  ASSERT_EQ(r.located.size(), 1u);
  const sip::txn::Flow real = r.located[0].flow;
  EXPECT_EQ(r.located[0].pending, sent[0].flow);
  EXPECT_EQ(ua.pending_flows(), 0u);
  EXPECT_EQ(r.router->attempts(), 0u);

  now += std::chrono::milliseconds(500);  // Timer E
  ua.handle_timeout(now);
  pump();
  ASSERT_EQ(sent.size(), 2u);
  EXPECT_TRUE(sent[1].retransmission);
  EXPECT_FALSE(sent[1].target);
  EXPECT_EQ(sent[1].flow, real);
  ASSERT_TRUE(io::testing::run_until(io, [&] { return registrar.got.size() >= 2; }));
  EXPECT_EQ(registrar.got[1].msg.method(), sip::MethodId::register_);
  EXPECT_EQ(r.located.size(), 1u) << "located once";
  EXPECT_EQ(r.router->attempts(), 0u);
}

// Unreachable (a TCP port nobody listens on): the router reports the pending flow once, the UA fails its
// REGISTER with 503 once and forgets the pending flow.
TEST(SipRouter, WiredToAUserAgentAnUnreachablePendingFlowFailsItsTransactionOnce) {
  asio::io_context io;
  Side alice(io);
  asio::ip::tcp::acceptor probe(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  const std::uint16_t closed = probe.local_endpoint().port();
  probe.close();  // nothing listens there any more
  Router r(io, alice, locate::TransportMode::dns);
  ua::UaConfig cfg;
  cfg.aor = sip::parse_uri("sip:alice@127.0.0.1").value();
  cfg.registrar = sip::parse_uri("sip:127.0.0.1:" + std::to_string(closed) + ";transport=tcp").value();
  cfg.bindings = {ua::LocalBinding{"TCP", "127.0.0.1", 5099}};
  ua::UserAgent ua(cfg);
  auto now = sip::txn::Timestamp{} + std::chrono::hours(1);
  r.router->on_unreachable([&](sip::txn::Flow pending) {
    r.unreachable.push_back(pending.id);
    ua.handle_transport_error(now, pending);
  });
  alice.ep.on_flow_opened([&](sip::txn::Flow f) { r.router->flow_opened(f); });
  alice.ep.on_flow_closed([&](sip::txn::Flow f, const std::string& why) { r.router->flow_closed(f, why); });
  ASSERT_TRUE(ua.register_account(now));
  while (auto t = ua.poll_transmit()) r.router->send(*t);
  ASSERT_TRUE(io::testing::run_until(io, [&] { return !r.unreachable.empty(); }));
  io.run_for(std::chrono::milliseconds(100));
  EXPECT_EQ(r.unreachable.size(), 1u);
  EXPECT_TRUE(r.located.empty());
  int failed = 0;
  while (auto e = ua.poll_event()) {
    if (e->kind == ua::UaEvent::Kind::registration_failed) {
      ++failed;
      EXPECT_EQ(e->status, 503);
    }
  }
  EXPECT_EQ(failed, 1);
  EXPECT_EQ(ua.pending_flows(), 0u);
  EXPECT_EQ(r.router->attempts(), 0u);
  EXPECT_FALSE(ua.poll_transmit());
}

TEST(SipRouter, AModeThatForbidsTheUasTransportMakesThePlaceholderUnreachable) {
  asio::io_context io;
  Side bob(io), alice(io);
  auto bound = bob.tm.listen("udp://127.0.0.1:0");
  ASSERT_TRUE(bound) << bound.error().message();
  Router r(io, alice, locate::TransportMode::tls);
  const sip::Uri target = sip::parse_uri("sip:bob@127.0.0.1:" + std::to_string(bound->port)).value();
  r.router->send(ua::Transmit{kPlaceholder, target, bye(bound->port), false});
  ASSERT_EQ(r.unreachable, std::vector<std::uint64_t>{kPlaceholder.id});
  EXPECT_TRUE(r.located.empty());
  EXPECT_EQ(r.router->attempts(), 0u);
  ASSERT_EQ(r.log.size(), 1u);
  EXPECT_EQ(r.log[0], "cannot send to " + sip::serialize(target) + " over UDP: --transport tls does not allow it");
  io.run_for(std::chrono::milliseconds(200));
  EXPECT_TRUE(bob.got.empty());
}

}  // namespace
}  // namespace sotto::runtime
