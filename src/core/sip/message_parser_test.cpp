#include "core/sip/message_parser.hpp"

#include <gtest/gtest.h>

#include "core/sip/failure_status.hpp"
#include "core/sip/message_writer.hpp"
#include "core/sip/response_builder.hpp"

namespace sotto::sip {
namespace {

const std::string kSdp =
    "v=0\r\no=alice 2890844526 2890844526 IN IP4 192.0.2.101\r\ns=-\r\nc=IN IP4 192.0.2.101\r\nt=0 0\r\n"
    "m=audio 49172 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n";

std::string invite(std::string_view extra_headers = "", std::string_view body = kSdp) {
  std::string m =
      "INVITE sips:bob@biloxi.example.com SIP/2.0\r\n"
      "Via: SIP/2.0/TLS client.atlanta.example.com:5061;branch=z9hG4bK74bf9;rport\r\n"
      "Max-Forwards: 70\r\n"
      "From: Alice <sips:alice@atlanta.example.com>;tag=9fxced76sl\r\n"
      "To: Bob <sips:bob@biloxi.example.com>\r\n"
      "Call-ID: 3848276298220188511@atlanta.example.com\r\n"
      "CSeq: 1 INVITE\r\n"
      "Contact: <sips:alice@client.atlanta.example.com>\r\n"
      "Content-Type: application/sdp\r\n";
  m += extra_headers;
  m += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
  m += body;
  return m;
}

SipMessage must_parse(std::string_view bytes) {
  auto m = parse_message(bytes);
  EXPECT_TRUE(m) << (m ? "" : m.error().message());
  return m ? *m : SipMessage{};
}

std::string error_of(std::string_view bytes, const ParseOptions& o = {}) {
  auto m = parse_message(bytes, o);
  return m ? std::string("<parsed>") : m.error().context;
}

TEST(Message, TypicalInvite) {
  SipMessage m = must_parse(invite());
  ASSERT_TRUE(m.is_request());
  EXPECT_EQ(m.method(), MethodId::invite);
  EXPECT_EQ(m.request_uri().scheme, UriScheme::sips);
  EXPECT_EQ(*m.header(hdr::call_id), "3848276298220188511@atlanta.example.com");
  EXPECT_EQ(m.header(hdr::cseq)->number, 1u);
  EXPECT_EQ(*m.header(hdr::max_forwards), 70);
  EXPECT_EQ(m.header(hdr::from)->tag(), "9fxced76sl");
  EXPECT_EQ(m.header(hdr::to)->display_name, "Bob");
  EXPECT_EQ(m.header(hdr::via)->branch(), "z9hG4bK74bf9");
  EXPECT_EQ(*m.header(hdr::content_type), "application/sdp");
  EXPECT_EQ(m.body(), kSdp);
  EXPECT_EQ(m.header(hdr::route).error().code, Errc::not_found);
}

TEST(Message, CompactFormsFoldingAndSplitting) {
  const std::string raw =
      "OPTIONS sip:carol@chicago.example.com SIP/2.0\r\n"
      "v: SIP/2.0/UDP a.example.com;branch=z9hG4bK1,\r\n"
      "   SIP/2.0/TCP [2001:db8::1]:5070;branch=z9hG4bK2\r\n"
      "Via: SIP/2.0/UDP c.example.com;branch=z9hG4bK3\r\n"
      "f: <sip:alice@example.com>;tag=1\r\n"
      "t: \"Carol, C.\" <sip:carol@chicago.example.com>\r\n"
      "i: abc@host\r\n"
      "CSeq: 7\r\n\tOPTIONS\r\n"
      "Max-Forwards: 70\r\n"
      "m: \"A, B\" <sip:a@x>, <sip:b@y;lr>;q=0.1\r\n"
      "k: timer, 100rel\r\n"
      "Allow: INVITE,ACK ,BYE\r\n"
      "X-Folded: one\r\n two\r\n\tthree\r\n"
      "X-Commas: a, b, \"c\"\r\n"
      "s:\r\n"
      "l: 0\r\n\r\n";
  SipMessage m = must_parse(raw);
  auto vias = m.all(hdr::via);
  ASSERT_TRUE(vias);
  ASSERT_EQ(vias->size(), 3u);
  EXPECT_EQ((*vias)[1].host, "[2001:db8::1]");
  EXPECT_EQ((*vias)[1].port, 5070);
  EXPECT_EQ(m.headers()[0].name, "v");  // name as received
  EXPECT_EQ(m.headers()[0].canonical(), "Via");
  EXPECT_EQ(m.header(hdr::to)->display_name, "Carol, C.");
  EXPECT_EQ(m.header(hdr::cseq)->method, MethodId::options);
  auto contacts = m.all(hdr::contact);
  ASSERT_TRUE(contacts);
  ASSERT_EQ(contacts->size(), 2u);
  EXPECT_EQ((*contacts)[0].address.display_name, "A, B");
  EXPECT_EQ((*contacts)[1].address.params.get("q"), "0.1");
  EXPECT_EQ(m.all(hdr::supported)->size(), 2u);
  EXPECT_EQ(m.values(HeaderId::allow), (std::vector<std::string_view>{"INVITE", "ACK", "BYE"}));
  const Header* folded = m.find("x-folded");
  ASSERT_NE(folded, nullptr);
  EXPECT_EQ(folded->value, "one two\tthree");
  EXPECT_EQ(m.find("X-Commas")->value, "a, b, \"c\"");  // unknown header: not split, byte-exact
  EXPECT_EQ(*m.header(hdr::subject), "");
}

TEST(Message, SerializeRecomputesContentLengthAndRoundTrips) {
  SipMessage m = must_parse(invite());
  m.set_body("v=0\r\n");
  const std::string wire = serialize(m);
  EXPECT_NE(wire.find("Content-Length: 5\r\n\r\nv=0\r\n"), std::string::npos);
  SipMessage again = must_parse(wire);
  EXPECT_EQ(again, m);
  EXPECT_EQ(serialize(again), wire);

  SipMessage bare = SipMessage::response(200, "OK");
  EXPECT_EQ(serialize(bare), "SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\n");
}

TEST(Message, TypedMutation) {
  SipMessage m = must_parse(invite());
  Via mine;
  mine.transport = "TLS";
  mine.host = "proxy.example.com";
  mine.params.set("branch", "z9hG4bKproxy1");
  m.push_front(hdr::via, mine);
  m.set(hdr::max_forwards, std::uint8_t{69});
  auto vias = m.all(hdr::via);
  ASSERT_EQ(vias->size(), 2u);
  EXPECT_EQ((*vias)[0].host, "proxy.example.com");
  EXPECT_EQ(*m.header(hdr::max_forwards), 69);
  EXPECT_EQ(m.count(HeaderId::max_forwards), 1u);
  EXPECT_TRUE(m.add_raw("X-Trace", "abc"));
  EXPECT_FALSE(m.add_raw("X-Bad", "a\r\nInjected: 1"));
  EXPECT_FALSE(m.add_raw("Bad Name", "x"));
  EXPECT_EQ(m.remove("x-trace"), 1u);
  EXPECT_TRUE(must_parse(serialize(m)) == m);
}

TEST(Message, ResponseLine) {
  auto m = parse_message(
      "SIP/2.0 180 Ringing\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKa\r\nFrom: <sip:a@b>;tag=1\r\nTo: <sip:c@d>;tag=2\r\n"
      "Call-ID: x\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n");
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_TRUE(m->is_response());
  EXPECT_EQ(m->status(), 180);
  EXPECT_EQ(m->reason(), "Ringing");
}

TEST(Message, StartLineErrors) {
  const std::string tail = "\r\nVia: SIP/2.0/UDP h;branch=z9hG4bKa\r\nContent-Length: 0\r\n\r\n";
  EXPECT_EQ(error_of("INVITE sip:a@b SIP/3.0" + tail), "unsupported SIP version SIP/3.0");
  EXPECT_EQ(error_of("INVITE <sip:a@b> SIP/2.0" + tail), "invalid Request-URI: must not be enclosed in <>");
  EXPECT_EQ(error_of("INVITE  sip:a@b SIP/2.0" + tail), "Request-Line: more than one SP between elements");
  EXPECT_EQ(error_of("INVITE sip:a@b SIP/2.0 " + tail), "Request-Line: trailing whitespace after SIP-Version");
  EXPECT_EQ(error_of("INVITE sip:a@b; lr SIP/2.0" + tail).substr(0, 41), "invalid Request-URI: contains whitespace ");
  EXPECT_EQ(error_of("INVITE sip:a@b HTTP/1.1" + tail), "Request-Line: invalid SIP-Version 'HTTP/1.1'");
  EXPECT_EQ(error_of("SIP/2.0 4294967301 x" + tail), "Status-Line: invalid status code '4294967301'");
  EXPECT_EQ(error_of("SIP/2.0 099 x" + tail), "Status-Line: invalid status code '099'");
  EXPECT_EQ(error_of("INVITE sip:a@b SIP/2.0\r\nVia: x\nFoo: y\r\n\r\n"), "bare CR or LF in header section");
  EXPECT_EQ(error_of("INVITE sip:a@b SIP/2.0\r\n Via: x\r\n\r\n"), "header section starts with a continuation line");
  EXPECT_EQ(error_of("INVITE sip:a@b SIP/2.0\r\nFoobar roobar\r\n\r\n"), "header line without ':' ('Foobar roobar')");
  EXPECT_EQ(error_of("INVITE sip:a@b SIP/2.0\r\nVia: x\r\n"), "no empty line after the header section");
  EXPECT_EQ(error_of("\r\n\r\n"), "no message (keep-alive CRLF only)");
}

TEST(Message, CheckErrorsNameTheFault) {
  EXPECT_EQ(error_of(invite("", "")), "<parsed>");
  std::string bye = invite();
  bye.replace(0, 6, "BYE");
  EXPECT_EQ(error_of(bye), "CSeq method INVITE does not match request method BYE");
  std::string no_branch = invite();
  no_branch.replace(no_branch.find(";branch=z9hG4bK74bf9"), 20, "");
  ParseOptions strict;
  strict.check.allow_rfc2543 = false;
  EXPECT_EQ(error_of(no_branch, strict), "Via: missing branch");
  EXPECT_EQ(error_of(no_branch), "<parsed>");  // RFC 2543 peers (RFC 4475 inv2543)
  std::string short_body = invite("", kSdp);
  short_body.replace(short_body.find("Content-Length: "), 19, "Content-Length: 300");
  EXPECT_EQ(error_of(short_body), "Content-Length 300 larger than body " + std::to_string(kSdp.size()));
  EXPECT_EQ(error_of(invite("Call-ID: second@x\r\n")), "multiple Call-ID headers");
  EXPECT_EQ(error_of(invite("Date: Fri, 01 Jan 2010 16:00:00 EST\r\n")),
            "Date: time zone must be GMT in 'Fri, 01 Jan 2010 16:00:00 EST'");
  EXPECT_EQ(error_of(invite("Require: a b\r\n")), "Require: 'a b' is not a token");
  EXPECT_EQ(error_of(invite("Route: <sip:p@x;lr>, \r\n")), "Route: empty element in comma-separated list");
  std::string ruri = invite();
  ruri.replace(0, 34, "INVITE mailto:bob@biloxi.example.com");
  EXPECT_EQ(error_of(ruri), "unsupported URI scheme 'mailto' in Request-URI");
  std::string no_to = invite();
  no_to.erase(no_to.find("To: "), no_to.find("Call-ID") - no_to.find("To: "));
  EXPECT_EQ(error_of(no_to), "missing To header");
}

TEST(Message, DatagramFraming) {
  // Without Content-Length a datagram's body is the rest; extra octets after Content-Length are dropped.
  std::string no_cl = invite("", "");
  no_cl.replace(no_cl.find("Content-Length: 0\r\n"), 19, "");
  EXPECT_EQ(must_parse(no_cl + "abc").body(), "abc");
  EXPECT_EQ(must_parse(invite("", "") + "garbage").body(), "");
  EXPECT_EQ(must_parse("\r\n\r\n" + invite()).body(), kSdp);  // leading CRLFs skipped
  ParseOptions stream;
  stream.framing = Framing::stream;
  EXPECT_EQ(error_of(no_cl, stream), "Content-Length missing on a stream transport");
}

TEST(Message, SizeLimits) {
  ParseOptions small;
  small.limits.max_header_bytes = 200;
  auto big_headers = parse_message(invite(), small);
  ASSERT_FALSE(big_headers);
  EXPECT_EQ(big_headers.error().code, Errc::limit_exceeded);
  EXPECT_EQ(failure_status(big_headers.error()).code, 513);
  ParseOptions small_body;
  small_body.limits.max_body_bytes = 10;
  auto big_body = parse_message(invite(), small_body);
  ASSERT_FALSE(big_body);
  EXPECT_EQ(big_body.error().context, "body of " + std::to_string(kSdp.size()) + " bytes larger than limit 10");
  EXPECT_EQ(failure_status(big_body.error()).code, 413);
  ParseOptions few;
  few.limits.max_headers = 5;
  EXPECT_EQ(error_of(invite(), few), "more than 5 header fields");
}

TEST(FailureStatus, Mapping) {
  EXPECT_EQ(failure_status(Error{Errc::malformed_input, "Via: missing branch"}).code, 400);
  EXPECT_EQ(failure_status(Error{Errc::unsupported, "unsupported SIP version SIP/7.0"}).code, 505);
  EXPECT_EQ(failure_status(Error{Errc::unsupported, "unsupported URI scheme 'x' in Request-URI"}).code, 416);
  EXPECT_EQ(failure_status(Error{Errc::unsupported, "unsupported URI scheme 'x'"}).reason, "Unsupported URI Scheme");
}

TEST(Response, MakeResponseCopiesTheRightHeaders) {
  SipMessage req = must_parse(invite("Timestamp: 54\r\nRoute: <sip:p.example.com;lr>\r\n"));
  auto r180 = make_response(req, 180, "Ringing", "a6c85cf");
  ASSERT_TRUE(r180);
  EXPECT_EQ(r180->status(), 180);
  EXPECT_EQ(r180->header(hdr::to)->tag(), "a6c85cf");
  EXPECT_EQ(r180->header(hdr::from)->tag(), "9fxced76sl");
  EXPECT_EQ(*r180->header(hdr::call_id), "3848276298220188511@atlanta.example.com");
  EXPECT_EQ(r180->header(hdr::cseq)->method, MethodId::invite);
  EXPECT_EQ(r180->find(HeaderId::route), nullptr);
  EXPECT_EQ(r180->find(HeaderId::contact), nullptr);
  EXPECT_EQ(r180->find(HeaderId::timestamp), nullptr);
  EXPECT_TRUE(parse_message(serialize(*r180)));
  auto r100 = make_response(req, 100, "Trying");
  EXPECT_EQ(*r100->header(hdr::timestamp), "54");
  EXPECT_FALSE(r100->header(hdr::to)->tag());
  EXPECT_FALSE(make_response(req, 99, "x"));
  EXPECT_FALSE(make_response(*r180, 200, "OK"));
  EXPECT_FALSE(make_response(req, 200, "OK\r\nX: y"));
}

TEST(Response, ErrorResponseForMalformedRequest) {
  std::string bad = invite();
  bad.replace(bad.find("CSeq: 1 INVITE"), 14, "CSeq: 1 BYE");
  auto raw = parse_message_unchecked(bad);
  ASSERT_TRUE(raw);
  Status ok = check_message(*raw);
  ASSERT_FALSE(ok);
  auto resp = make_error_response(*raw, ok.error(), "sotto.example.net");
  ASSERT_TRUE(resp);
  EXPECT_EQ(resp->status(), 400);
  EXPECT_EQ(resp->reason(), "Bad Request");
  EXPECT_EQ(resp->find(HeaderId::warning)->value,
            "399 sotto.example.net \"CSeq method BYE does not match request method INVITE\"");
  EXPECT_EQ(resp->find(HeaderId::cseq)->value, "1 BYE");  // echoed as received
}

}  // namespace
}  // namespace sotto::sip
