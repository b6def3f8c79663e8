// Fuzz target: SIP message parsing. Property: whatever parses (structure only, so malformed-but-framed
// messages are exercised too) serializes to bytes that parse again to the same message, and the
// serialization is a fixed point. Typed accessors must not crash on any stored value.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/sip/message_parser.hpp"
#include "core/sip/message_writer.hpp"
#include "core/sip/response_builder.hpp"
#include "core/sip/stream_framer.hpp"

namespace {

using namespace sotto::sip;

// The first parse keeps Content-Length as received; serialize() rewrites it from the body, and adds
// one when absent. Compare everything else.
bool same_except_length(const SipMessage& a, const SipMessage& b) {
  if (a.is_request() != b.is_request() || a.body() != b.body()) return false;
  if (a.is_request() ? !(a.method() == b.method() && a.request_uri() == b.request_uri())
                     : !(a.status() == b.status() && a.reason() == b.reason())) {
    return false;
  }
  std::size_t j = 0;
  for (const auto& h : a.headers()) {
    if (h.id == HeaderId::content_length) continue;
    while (j < b.headers().size() && b.headers()[j].id == HeaderId::content_length) ++j;
    if (j == b.headers().size() || !(b.headers()[j] == h)) return false;
    ++j;
  }
  while (j < b.headers().size() && b.headers()[j].id == HeaderId::content_length) ++j;
  return j == b.headers().size();
}

void touch_typed(const SipMessage& m) {
  (void)m.all(hdr::via);
  (void)m.all(hdr::contact);
  (void)m.all(hdr::route);
  (void)m.header(hdr::from);
  (void)m.header(hdr::to);
  (void)m.header(hdr::cseq);
  (void)m.header(hdr::call_id);
  (void)m.header(hdr::max_forwards);
  (void)m.header(hdr::expires);
  (void)check_message(m);
  if (m.is_request()) (void)make_response(m, 400, "Bad Request", "fuzz");
}

}  // namespace

// The stream framer, fed in two pieces, never hands out more bytes than it was given.
void frame(std::string_view in) {
  StreamFramer framer;
  const std::size_t cut = in.empty() ? 0 : static_cast<unsigned char>(in[0]) % (in.size() + 1);
  std::size_t out = 0;
  for (std::string_view piece : {in.substr(0, cut), in.substr(cut)}) {
    framer.feed(piece);
    while (true) {
      auto item = framer.next();
      if (!item || !*item) break;
      out += (*item)->kind == StreamItem::Kind::message ? (*item)->bytes.size() : 2;
    }
  }
  if (out > in.size()) std::abort();
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view in(reinterpret_cast<const char*>(data), size);
  frame(in);
  auto m1 = parse_message_unchecked(in);
  if (!m1) return 0;
  touch_typed(*m1);
  const std::string s1 = serialize(*m1);
  auto m2 = parse_message_unchecked(s1);
  if (!m2) std::abort();                       // our own output must parse
  if (!same_except_length(*m1, *m2)) std::abort();
  if (serialize(*m2) != s1) std::abort();      // fixed point
  if (check_message(*m1).has_value() != check_message(*m2).has_value()) std::abort();
  return 0;
}
