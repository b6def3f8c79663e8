#include "core/sip/stream_framer.hpp"

#include <gtest/gtest.h>

#include <vector>

#include "core/sip/failure_status.hpp"

namespace sotto::sip {
namespace {

std::string options_request(std::string_view body = "", std::string_view tag = "1") {
  return "OPTIONS sip:bob@example.com SIP/2.0\r\n"
         "Via: SIP/2.0/TLS a.example.com;branch=z9hG4bK" + std::string(tag) + "\r\n"
         "Max-Forwards: 70\r\nFrom: <sip:alice@example.com>;tag=" + std::string(tag) + "\r\n"
         "To: <sip:bob@example.com>\r\nCall-ID: c" + std::string(tag) + "\r\nCSeq: 1 OPTIONS\r\n"
         "l: " + std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

// Drains the framer; stops at the first error.
std::vector<StreamItem> drain(StreamFramer& f, std::string* error = nullptr) {
  std::vector<StreamItem> out;
  while (true) {
    auto item = f.next();
    if (!item) {
      if (error) *error = item.error().context;
      return out;
    }
    if (!*item) return out;
    out.push_back(std::move(**item));
  }
}

TEST(StreamFramer, TwoMessagesInOneRead) {
  StreamFramer f;
  const std::string a = options_request("hello", "1");
  const std::string b = options_request("", "2");
  f.feed(a + b);
  auto items = drain(f);
  ASSERT_EQ(items.size(), 2u);
  EXPECT_EQ(items[0].bytes, a);
  EXPECT_EQ(items[1].bytes, b);
  ParseOptions stream;
  stream.framing = Framing::stream;
  auto m = parse_message(items[0].bytes, stream);
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_EQ(m->body(), "hello");
  EXPECT_EQ(f.buffered(), 0u);
}

TEST(StreamFramer, EverySplitPoint) {
  const std::string a = options_request("body bytes\r\n\r\nmore", "1");
  const std::string b = options_request("", "2");
  const std::string wire = a + b;
  for (std::size_t cut = 0; cut <= wire.size(); ++cut) {
    StreamFramer f;
    f.feed(std::string_view(wire).substr(0, cut));
    auto items = drain(f);
    f.feed(std::string_view(wire).substr(cut));
    auto rest = drain(f);
    items.insert(items.end(), rest.begin(), rest.end());
    ASSERT_EQ(items.size(), 2u) << "cut at " << cut;
    EXPECT_EQ(items[0].bytes, a);
    EXPECT_EQ(items[1].bytes, b);
  }
}

TEST(StreamFramer, ByteAtATime) {
  const std::string wire = options_request("xyz", "1") + "\r\n\r\n" + options_request("", "2");
  StreamFramer f;
  std::vector<StreamItem> items;
  for (char c : wire) {
    f.feed(std::string_view(&c, 1));
    auto got = drain(f);
    items.insert(items.end(), got.begin(), got.end());
  }
  ASSERT_EQ(items.size(), 3u);
  EXPECT_EQ(items[0].kind, StreamItem::Kind::message);
  EXPECT_EQ(items[1].kind, StreamItem::Kind::ping);
  EXPECT_EQ(items[2].kind, StreamItem::Kind::message);
}

TEST(StreamFramer, KeepAlivesServerSide) {
  StreamFramer f;
  f.feed("\r\n\r\n");
  auto items = drain(f);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, StreamItem::Kind::ping);  // answer with "\r\n"
  f.feed("\r\n");
  EXPECT_TRUE(drain(f).empty());                     // could still become a ping: wait
  f.feed(options_request());
  items = drain(f);
  ASSERT_EQ(items.size(), 1u);                       // the lone CRLF was skipped (RFC 3261 7.5)
  EXPECT_EQ(items[0].kind, StreamItem::Kind::message);
}

TEST(StreamFramer, PongsClientSide) {
  StreamFramer f(FramerOptions{.limits = {}, .report_pong = true});
  f.feed("\r\n");
  auto items = drain(f);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].kind, StreamItem::Kind::pong);
}

TEST(StreamFramer, MissingContentLengthIsFinal) {
  StreamFramer f;
  f.feed("OPTIONS sip:a@b SIP/2.0\r\nVia: SIP/2.0/TCP h;branch=z9hG4bKx\r\n\r\n");
  std::string error;
  EXPECT_TRUE(drain(f, &error).empty());
  EXPECT_EQ(error, "Content-Length missing on a stream transport");
  EXPECT_TRUE(f.failed());
  f.feed(options_request());
  EXPECT_TRUE(drain(f, &error).empty());  // still failed: close the connection
}

TEST(StreamFramer, MultipleContentLength) {
  StreamFramer f;
  f.feed("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 1\r\nl: 2\r\n\r\nab");
  std::string error;
  drain(f, &error);
  EXPECT_EQ(error, "multiple Content-Length headers");
}

TEST(StreamFramer, FoldedContentLength) {
  StreamFramer f;
  f.feed("OPTIONS sip:a@b SIP/2.0\r\nContent-Length:\r\n 3\r\n\r\nabcNEXT");
  auto items = drain(f);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].bytes.substr(items[0].bytes.size() - 3), "abc");
  EXPECT_EQ(f.buffered(), 4u);
}

TEST(StreamFramer, HeaderLimit) {
  FramerOptions o;
  o.limits.max_header_bytes = 64;
  StreamFramer f(o);
  f.feed("OPTIONS sip:a@b SIP/2.0\r\nX-Long: " + std::string(100, 'a'));  // no end of headers yet
  std::string error;
  drain(f, &error);
  EXPECT_EQ(error, "header section larger than 64 bytes");
}

TEST(StreamFramer, BodyLimit) {
  FramerOptions o;
  o.limits.max_body_bytes = 10;
  StreamFramer f(o);
  f.feed("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 11\r\n\r\n");
  auto item = f.next();
  ASSERT_FALSE(item);
  EXPECT_EQ(item.error().code, Errc::limit_exceeded);
  EXPECT_EQ(failure_status(item.error()).code, 413);
}

TEST(StreamFramer, NegativeContentLength) {
  StreamFramer f;
  f.feed("OPTIONS sip:a@b SIP/2.0\r\nContent-Length: -1\r\n\r\n");
  std::string error;
  drain(f, &error);
  EXPECT_EQ(error, "Content-Length: '-1' is not a non-negative number");
}

}  // namespace
}  // namespace sotto::sip
