// The OPTIONS probe's request and the classification of what came back.
#include "tlscheck/sip_options.hpp"

#include <gtest/gtest.h>

#include "core/sip/message_parser.hpp"
#include "tlscheck/target.hpp"

namespace sotto::tlscheck {
namespace {

TEST(TlsCheckSipOptions, RequestParsesAsAnOptionsRequest) {
  const std::string req = options_request({.target_host = "::1", .target_port = 5061, .local_host = "::1",
                                           .local_port = 40000, .branch_suffix = "abc"});
  auto msg = sip::parse_message(req, {.limits = {}, .framing = sip::Framing::stream, .check = {}});
  ASSERT_TRUE(msg) << msg.error().context;
  EXPECT_TRUE(msg->is_request());
  EXPECT_EQ(msg->method().id(), sip::MethodId::options);
  EXPECT_NE(req.find("sip:[::1]:5061;transport=tls"), std::string::npos);
  EXPECT_NE(req.find("branch=z9hG4bK-tlscheck-abc"), std::string::npos);
}

TEST(TlsCheckSipOptions, ResponseWithServerHeader) {
  const std::string_view bytes =
      "\r\nSIP/2.0 200 OK\r\nVia: SIP/2.0/TLS 127.0.0.1:1;branch=z9hG4bK1\r\nServer: kamailio (5.6.3)\r\n"
      "Content-Length: 0\r\n\r\n";
  EXPECT_TRUE(reply_complete(bytes));
  const SipOptionsResult r = classify_options_reply(bytes, ReplyEnd::complete, 3);
  EXPECT_TRUE(r.answered);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.reason, "OK");
  EXPECT_EQ(r.server, "kamailio (5.6.3)");
}

TEST(TlsCheckSipOptions, UserAgentWhenNoServer) {
  const SipOptionsResult r =
      classify_options_reply("SIP/2.0 405 Method Not Allowed\r\nUser-Agent: x\r\nContent-Length: 0\r\n\r\n",
                             ReplyEnd::complete, 3);
  EXPECT_TRUE(r.answered);
  EXPECT_EQ(r.status, 405);
  EXPECT_EQ(r.server, "User-Agent: x");
}

TEST(TlsCheckSipOptions, WaitsForTheBody) {
  EXPECT_FALSE(reply_complete("SIP/2.0 200 OK\r\nContent-Length: 4\r\n\r\nab"));
  EXPECT_TRUE(reply_complete("SIP/2.0 200 OK\r\nContent-Length: 4\r\n\r\nabcd"));
  EXPECT_FALSE(reply_complete("SIP/2.0 200 OK\r\nContent-Le"));
}

TEST(TlsCheckSipOptions, HttpIsNotSip) {
  const SipOptionsResult r = classify_options_reply("HTTP/1.0 200 ok\r\nContent-type: text/html\r\n\r\n<html>",
                                                    ReplyEnd::closed, 3);
  EXPECT_FALSE(r.answered);
  EXPECT_EQ(r.detail, "answered with something else: 'HTTP/1.0 200 ok'");
}

TEST(TlsCheckSipOptions, SilenceAndClose) {
  EXPECT_EQ(classify_options_reply("", ReplyEnd::timed_out, 2.5).detail, "no answer within 2.5 s");
  EXPECT_EQ(classify_options_reply("\r\n\r\n", ReplyEnd::closed, 3).detail,
            "the server closed the connection without answering");
}

TEST(TlsCheckSipOptions, GarbageAfterSipVersionIsMalformedNotAnswered) {
  const SipOptionsResult r = classify_options_reply(std::string_view("SIP/2.0 2x0 \x01\r\n\r\n"), ReplyEnd::closed, 3);
  EXPECT_FALSE(r.answered);
  EXPECT_NE(r.detail.find("malformed SIP message"), std::string::npos) << r.detail;
  EXPECT_NE(r.detail.find("SIP/2.0 2x0 ."), std::string::npos) << r.detail;
}

TEST(TlsCheckTarget, Forms) {
  auto a = parse_target("127.0.0.1:5062");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->host, "127.0.0.1");
  EXPECT_EQ(a->port, 5062);
  auto b = parse_target("[::1]:5063");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->host, "::1");
  EXPECT_EQ(b->port, 5063);
  auto c = parse_target("sip.example.com");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->port, 5061);
}

TEST(TlsCheckTarget, ErrorsNameTheInput) {
  EXPECT_EQ(parse_target("h:99999").error().context, "target 'h:99999': port must be 1-65535");
  EXPECT_EQ(parse_target("h:").error().context, "target 'h:': port must be 1-65535");
  EXPECT_EQ(parse_target(":5061").error().context, "target ':5061': host is empty");
  EXPECT_EQ(parse_target("::1:5061").error().context, "target '::1:5061': write IPv6 addresses in brackets, [::1]:5061");
  EXPECT_EQ(parse_target("[::1").error().context, "target '[::1': missing ']'");
  EXPECT_EQ(parse_target("").error().context, "target is empty: expected HOST:PORT");
  EXPECT_FALSE(parse_target("a b:1"));
}

}  // namespace
}  // namespace sotto::tlscheck
