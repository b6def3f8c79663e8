// SipEndpoint over real loopback transports: a request over TLS arrives parsed with its TLS facts and
// is answered on the same connection; a malformed request over TCP gets a 400 naming the fault.
#include "runtime/sip_endpoint.hpp"

#include <gtest/gtest.h>

#include "core/sip/message_parser.hpp"
#include "core/sip/response_builder.hpp"
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
        ep(tm, [this](sip::txn::Flow f, const FlowInfo& i, sip::SipMessage m) { got.push_back({f, i, std::move(m)}); }) {}
  struct Got {
    sip::txn::Flow flow;
    FlowInfo info;
    sip::SipMessage msg;
  };
  io::TransportManager tm;
  SipEndpoint ep;
  std::vector<Got> got;
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

}  // namespace
}  // namespace sotto::runtime
