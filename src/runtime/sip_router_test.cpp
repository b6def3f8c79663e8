// SipRouter: a pending flow's target is reached over the transport the UserAgent chose (its Via names it),
// and a --transport mode that forbids that transport makes the target unreachable instead. The router
// keeps nothing of a pending flow once it has reported it located or unreachable.
#include "runtime/sip_router.hpp"

#include <gtest/gtest.h>

#include "core/sip/message_parser.hpp"
#include "core/ua/request_parts.hpp"
#include "core/ua/transmit.hpp"
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
