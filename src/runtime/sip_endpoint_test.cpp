// SipEndpoint over real loopback transports: a request over TLS arrives parsed with its TLS facts and
// is answered on the same connection; a malformed request over TCP gets a 400 naming the fault.
#include "runtime/sip_endpoint.hpp"

#include <gtest/gtest.h>

#include <asio/write.hpp>

#include "core/sip/message_parser.hpp"
#include "core/sip/message_writer.hpp"
#include "core/sip/response_builder.hpp"
#include "io/testing/fake_clock.hpp"
#include "io/testing/io_test_support.hpp"

namespace sotto::runtime {
namespace {

using io::testing::TestPki;

sip::SipMessage options_request(const std::string& transport, std::uint16_t port) {
  std::string t = "OPTIONS sips:bob@127.0.0.1 SIP/2.0\r\n"
                  "Via: SIP/2.0/" + transport + " 127.0.0.1:" + std::to_string(port) + ";branch=z9hG4bKepoptions\r\n"
                  "Max-Forwards: 70\r\nFrom: <sips:alice@127.0.0.1>;tag=a1\r\nTo: <sips:bob@127.0.0.1>\r\n"
                  "Call-ID: ep-test-1\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n";
  return sip::parse_message(t).value();
}

struct Side {
  Side(asio::io_context& io, io::TransportManagerOptions o)
      : tm(io, [this](io::TransportEvent&& ev) { ep.on_transport_event(std::move(ev)); }, std::move(o)),
        ep(tm, [this](sip::txn::Flow f, const FlowInfo& i, sip::SipMessage m) { got.push_back({f, i, std::move(m)}); },
           [this](std::string_view l) { lines.emplace_back(l); }) {}
  struct Got {
    sip::txn::Flow flow;
    FlowInfo info;
    sip::SipMessage msg;
  };
  io::TransportManager tm;
  SipEndpoint ep;
  std::vector<Got> got;
  std::vector<std::string> lines;
};

// A UDP socket of the test's own, to send raw datagrams and read what comes back.
struct RawUdp {
  explicit RawUdp(asio::io_context& io) : sock(io, asio::ip::udp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {}
  void send(const io::Endpoint& to, std::string_view d) {
    sock.send_to(asio::buffer(d.data(), d.size()), asio::ip::udp::endpoint(to.address, to.port));
  }
  std::optional<std::string> receive(asio::io_context& io) {
    std::optional<std::string> got;
    std::array<char, 4096> buf{};
    asio::ip::udp::endpoint from;
    sock.async_receive_from(asio::buffer(buf), from, [&](const std::error_code& ec, std::size_t n) {
      if (!ec) got = std::string(buf.data(), n);
    });
    if (!io::testing::run_until(io, [&] { return got.has_value(); }, std::chrono::seconds(3))) {
      sock.cancel();
      io.restart();
      io.poll();
    }
    return got;
  }
  asio::ip::udp::socket sock;
};

TEST(SipEndpoint, TlsRequestAndResponseOnTheSameConnection) {
  const TestPki& pki = TestPki::get();
  asio::io_context io;
  io::TransportManagerOptions server_opts;
  server_opts.tls_server = io::TlsConfig{.cert_chain_file = pki.server, .key_file = pki.server_key};
  Side bob(io, server_opts);
  io::TransportManagerOptions client_opts;
  client_opts.tls_client = io::TlsConfig{.ca_file = pki.ca};
  Side alice(io, client_opts);
  auto bound = bob.tm.listen("tls://127.0.0.1:0");
  ASSERT_TRUE(bound) << bound.error().message();

  auto flow = alice.ep.send_to(io::TransportKind::tls, *bound, options_request("TLS", 5061), {.server_name = "127.0.0.1"});
  ASSERT_TRUE(flow) << flow.error().message();
  ASSERT_TRUE(io::testing::run_until(io, [&] { return !bob.got.empty(); }));
  const auto& in = bob.got.front();
  EXPECT_TRUE(in.info.secure);
  ASSERT_TRUE(in.info.tls);
  EXPECT_EQ(in.msg.method(), sip::MethodId::options);

  auto ok = sip::make_response(in.msg, 200, "OK", "b1").value();
  ASSERT_TRUE(bob.ep.send(in.flow, ok));
  ASSERT_TRUE(io::testing::run_until(io, [&] { return !alice.got.empty(); }));
  EXPECT_EQ(alice.got.front().msg.status(), 200);
  EXPECT_EQ(alice.got.front().flow, *flow) << "the response came back on the connection we opened";
}

TEST(SipEndpoint, MalformedRequestGets400NamingTheFault) {
  asio::io_context io;
  Side bob(io, {});
  Side alice(io, {});
  auto bound = bob.tm.listen("tcp://127.0.0.1:0");
  ASSERT_TRUE(bound);
  const std::string bad = "INVITE sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/TCP 127.0.0.1:5070;branch=z9hG4bKbad\r\n"
                          "From: <sip:a@127.0.0.1>;tag=x\r\nTo: <sip:bob@127.0.0.1>\r\nCall-ID: bad-1\r\n"
                          "CSeq: 1 BYE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";
  std::vector<std::uint8_t> wire(bad.begin(), bad.end());
  auto id = alice.tm.send_to(io::TransportKind::tcp, *bound, wire);
  ASSERT_TRUE(id);
  ASSERT_TRUE(io::testing::run_until(io, [&] { return !alice.got.empty(); }));
  EXPECT_TRUE(bob.got.empty()) << "a malformed request must not reach the user agent";
  EXPECT_EQ(bob.ep.malformed_received(), 1u);
  const sip::SipMessage& resp = alice.got.front().msg;
  EXPECT_EQ(resp.status(), 400);
  const sip::Header* warning = resp.find("Warning");
  ASSERT_NE(warning, nullptr);
  EXPECT_NE(warning->value.find("CSeq"), std::string::npos) << warning->value;
}

// RFC 3261 20.14 / 18.3: one Content-Length. Over UDP a duplicate was dropped silently while a negative
// one got a 400; both get a 400 naming the fault.
TEST(SipEndpoint, DuplicateOrNegativeContentLengthOverUdpGets400) {
  asio::io_context io;
  Side bob(io, {});
  auto bound = bob.tm.listen("udp://127.0.0.1:0");
  ASSERT_TRUE(bound);
  RawUdp peer(io);
  const std::string head = "INVITE sip:bob@127.0.0.1 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5999;branch=z9hG4bKcl\r\n"
                           "Max-Forwards: 70\r\nFrom: <sip:a@127.0.0.1>;tag=x\r\nTo: <sip:bob@127.0.0.1>\r\n"
                           "Call-ID: cl-1\r\nCSeq: 1 INVITE\r\n";
  const std::string body = "v=0\r\n";
  struct Case {
    std::string headers, fault;
  } cases[] = {
      {"Content-Length: 5\r\nContent-Length: 5\r\n", "multiple Content-Length headers"},
      {"Content-Length: 5\r\nl: 5\r\n", "multiple Content-Length headers"},
      {"Content-Length: -1\r\n", "Content-Length"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.headers);
    peer.send(*bound, head + c.headers + "\r\n" + body);
    auto reply = peer.receive(io);
    ASSERT_TRUE(reply) << "no answer: dropped silently";
    auto resp = sip::parse_message(*reply);
    ASSERT_TRUE(resp) << *reply;
    EXPECT_EQ(resp->status(), 400);
    const sip::Header* warning = resp->find("Warning");
    ASSERT_NE(warning, nullptr);
    EXPECT_NE(warning->value.find(c.fault), std::string::npos) << warning->value;
  }
  EXPECT_TRUE(bob.got.empty());
  EXPECT_EQ(bob.ep.malformed_received(), 3u);
}

// A flood of junk datagrams: one log line for the interval, then one summary with the count.
TEST(SipEndpoint, JunkDatagramFloodIsSummarisedNotLoggedPerDatagram) {
  asio::io_context io;
  io::testing::FakeClock clock;
  io::TransportManagerOptions o;
  o.stream.clock = &clock;
  Side bob(io, o);
  auto bound = bob.tm.listen("udp://127.0.0.1:0");
  ASSERT_TRUE(bound);
  RawUdp peer(io);
  for (int batch = 0; batch < 10; ++batch) {  // in batches: the socket's receive buffer is small
    for (int i = 0; i < 50; ++i) peer.send(*bound, "junk " + std::to_string(batch * 50 + i) + " \x01\x02 not SIP");
    ASSERT_TRUE(io::testing::run_until(io, [&] { return bob.ep.malformed_received() == 50u * (batch + 1); }));
  }
  ASSERT_EQ(bob.lines.size(), 1u) << bob.lines.back();
  EXPECT_TRUE(bob.lines[0].starts_with("malformed SIP message dropped or refused: from 127.0.0.1:")) << bob.lines[0];
  clock.advance(std::chrono::seconds(10));
  peer.send(*bound, "junk again");
  ASSERT_TRUE(io::testing::run_until(io, [&] { return bob.ep.malformed_received() == 501; }));
  ASSERT_EQ(bob.lines.size(), 2u);
  EXPECT_NE(bob.lines[1].find("malformed SIP message dropped or refused: 499 more in the last 10 s (500 in all; last: "),
            std::string::npos)
      << bob.lines[1];
}

// A lone CRLF after a message is no message in progress (it may become a CRLFCRLF ping): it must not
// start the 30 s message deadline, and the framer keeps it so that the ping is still answered.
TEST(SipEndpoint, ALoneCrlfIsNoMessageInProgressAndStillBecomesAPing) {
  asio::io_context io;
  io::testing::FakeClock clock;
  io::TransportManagerOptions o;
  o.stream.clock = &clock;
  Side bob(io, o);
  auto bound = bob.tm.listen("tcp://127.0.0.1:0");
  ASSERT_TRUE(bound);
  asio::ip::tcp::socket peer(io);
  peer.connect(asio::ip::tcp::endpoint(bound->address, bound->port));
  const std::string options = sip::serialize(options_request("TCP", 5999));
  asio::write(peer, asio::buffer(options + "\r\n"));
  ASSERT_TRUE(io::testing::run_until(io, [&] { return !bob.got.empty(); }));
  bob.ep.set_in_use(bob.got.front().flow, true);  // a dialog: no idle deadline, only the message deadline
  bool closed = false;
  clock.advance(std::chrono::seconds(45));
  bob.tm.check_deadlines();
  io.restart();
  io.poll();
  auto c = bob.tm.find(bob.got.front().flow.id);
  closed = !c || c->state() != io::Connection::State::open;
  EXPECT_FALSE(closed) << "a lone CRLF started the message deadline";
  asio::write(peer, asio::buffer(std::string("\r\n")));  // now CRLFCRLF: a ping
  std::array<char, 8> pong{};
  std::size_t n = 0;
  peer.async_read_some(asio::buffer(pong), [&](const std::error_code& ec, std::size_t got) { n = ec ? 0 : got; });
  ASSERT_TRUE(io::testing::run_until(io, [&] { return n > 0; }));
  EXPECT_EQ(std::string(pong.data(), n), "\r\n");
}

}  // namespace
}  // namespace sotto::runtime
