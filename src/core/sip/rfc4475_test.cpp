// RFC 4475 torture messages (testdata/rfc4475/*.dat, the bytes of the RFC's Appendix A archive).
// Each message gets the outcome the RFC asks for, and the layer that produces it is named:
//   parse   parse_message_unchecked() rejects it (no message: nothing to answer for a response; a request
//           gets no response if even Via/CSeq are unreadable, else a 400 from the raw headers)
//   check   check_message() rejects it; failure_status() gives the response code
//   accept  this layer accepts it; a higher layer (transaction / TU) handles what the RFC describes
#include <gtest/gtest.h>

#include <fstream>
#include <iterator>
#include <sstream>

#include "core/sip/failure_status.hpp"
#include "core/sip/message_parser.hpp"
#include "core/sip/message_writer.hpp"

namespace sotto::sip {
namespace {

std::string load(std::string_view name) {
  const std::string path = std::string(SOTTO_SOURCE_DIR) + "/src/core/sip/testdata/rfc4475/" + std::string(name) + ".dat";
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in) << path;
  return std::string(std::istreambuf_iterator<char>(in), {});
}

enum class Layer { accept, parse, check };

struct Case {
  std::string_view file;
  Layer layer;
  int status;                    // response code for rejected requests (0 = accept / drop response)
  std::string_view context;      // substring of the error context
  std::string_view why;          // RFC 4475 section and what it expects
};

const Case kCases[] = {
    // 3.1.1 valid messages
    {"wsinv", Layer::accept, 0, "", "3.1.1.1 short tortuous INVITE"},
    {"intmeth", Layer::accept, 0, "", "3.1.1.2 wide range of valid characters"},
    {"esc01", Layer::accept, 0, "", "3.1.1.3 valid use of % escaping"},
    {"escnull", Layer::accept, 0, "", "3.1.1.4 escaped nulls in URIs"},
    {"esc02", Layer::accept, 0, "", "3.1.1.5 % that is not an escape"},
    {"lwsdisp", Layer::accept, 0, "", "3.1.1.6 no LWS between display name and <"},
    {"longreq", Layer::accept, 0, "", "3.1.1.7 long values"},
    {"dblreq", Layer::accept, 0, "", "3.1.1.8 extra trailing octets in a datagram: discarded"},
    {"semiuri", Layer::accept, 0, "", "3.1.1.9 semicolon-separated parameters in user part"},
    {"transports", Layer::accept, 0, "", "3.1.1.10 varied and unknown transports"},
    {"mpart01", Layer::accept, 0, "", "3.1.1.11 multipart MIME body"},
    {"unreason", Layer::accept, 0, "", "3.1.1.12 unusual reason phrase"},
    {"noreason", Layer::accept, 0, "", "3.1.1.13 empty reason phrase"},
    // 3.1.2 invalid messages
    {"badinv01", Layer::parse, 400, "Via: empty element in comma-separated list", "3.1.2.1 extraneous separators"},
    {"clerr", Layer::parse, 400, "Content-Length 9999 larger than body 154", "3.1.2.2 Content-Length larger than message"},
    {"ncl", Layer::parse, 400, "Content-Length: '-999' is not a non-negative number", "3.1.2.3 negative Content-Length"},
    {"scalar02", Layer::check, 400, "CSeq: sequence number 36893488147419103232 is not below 2**31", "3.1.2.4 overlarge values"},
    {"scalarlg", Layer::check, 0, "CSeq: sequence number 9292394834772304023312", "3.1.2.5 overlarge values in a response: drop"},
    {"quotbal", Layer::check, 400, "To: unterminated quoted string", "3.1.2.6 unterminated quoted string"},
    {"ltgtruri", Layer::parse, 400, "invalid Request-URI: must not be enclosed in <>", "3.1.2.7 <> around Request-URI"},
    {"lwsruri", Layer::parse, 400, "invalid Request-URI: contains whitespace", "3.1.2.8 LWS in Request-URI"},
    {"lwsstart", Layer::parse, 400, "Request-Line: more than one SP between elements", "3.1.2.9 multiple SP in Request-Line"},
    {"trws", Layer::parse, 400, "Request-Line: trailing whitespace after SIP-Version", "3.1.2.10 SP at end of Request-Line"},
    {"escruri", Layer::check, 400, "invalid Request-URI: must not contain headers", "3.1.2.11 escaped headers in Request-URI"},
    {"baddate", Layer::check, 400, "Date: time zone must be GMT", "3.1.2.12 non-GMT time zone"},
    {"regbadct", Layer::check, 400, "Contact: URI containing '?' or ',' must be enclosed in <>", "3.1.2.13 name-addr without <>"},
    {"badaspec", Layer::check, 400, "To: URI: invalid scheme ' sip'", "3.1.2.14 spaces within addr-spec"},
    {"baddn", Layer::check, 400, "From: display name 'Bell, Alexander ' is not a token list", "3.1.2.15 non-token display name"},
    {"badvers", Layer::parse, 505, "unsupported SIP version SIP/7.0", "3.1.2.16 unknown protocol version"},
    {"mismatch01", Layer::check, 400, "CSeq method INVITE does not match request method OPTIONS", "3.1.2.17 CSeq method mismatch"},
    {"mismatch02", Layer::check, 400, "CSeq method INVITE does not match request method NEWMETHOD",
     "3.1.2.18 unknown method with CSeq mismatch (RFC prefers 501, allows 400)"},
    {"bigcode", Layer::parse, 0, "Status-Line: invalid status code '4294967301'", "3.1.2.19 overlarge response code: drop"},
    // 3.2 transaction layer
    {"badbranch", Layer::check, 400, "Via: branch z9hG4bK has the magic cookie but no transaction id",
     "3.2.1 missing transaction identifier (RFC allows 400 or RFC 2543 fallback)"},
    // 3.3 application layer
    {"insuf", Layer::check, 400, "missing To header", "3.3.1 missing required headers"},
    {"unkscm", Layer::check, 416, "unsupported URI scheme 'nobodyKnowsThisScheme' in Request-URI", "3.3.2 unknown scheme"},
    {"novelsc", Layer::check, 416, "unsupported URI scheme 'soap.beep' in Request-URI", "3.3.3 known but atypical scheme"},
    {"unksm2", Layer::accept, 0, "", "3.3.4 unknown schemes in To/From/Contact: accepted"},
    {"bext01", Layer::accept, 0, "", "3.3.5 unknown Require/Proxy-Require: 420 is the TU's job"},
    {"invut", Layer::accept, 0, "", "3.3.6 unknown Content-Type: 415 is the TU's job"},
    {"regaut01", Layer::accept, 0, "", "3.3.7 unknown authorization scheme: registrar's job"},
    {"multi01", Layer::check, 400, "multiple CSeq headers", "3.3.8 multiple values in single-value headers"},
    {"mcl01", Layer::parse, 400, "multiple Content-Length headers", "3.3.9 multiple Content-Length values"},
    {"bcast", Layer::accept, 0, "", "3.3.10 broadcast Via in a 200: the transport/transaction layer drops it"},
    {"zeromf", Layer::accept, 0, "", "3.3.11 Max-Forwards 0: 483 or answer OPTIONS is the proxy/TU's job"},
    {"cparam01", Layer::accept, 0, "", "3.3.12 REGISTER with a contact parameter"},
    {"cparam02", Layer::accept, 0, "", "3.3.13 REGISTER with a URL parameter"},
    {"regescrt", Layer::accept, 0, "", "3.3.14 REGISTER with an escaped header in Contact <>"},
    {"sdp01", Layer::accept, 0, "", "3.3.15 unacceptable Accept: 406 is the TU's job"},
    // 3.4 backward compatibility
    {"inv2543", Layer::accept, 0, "", "3.4.1 RFC 2543 syntax (no branch, no Max-Forwards, no Content-Length)"},
    // Not described in the RFC text but in its archive: no SIP-Version in the Request-Line.
    {"test", Layer::parse, 400, "Request-Line: missing SIP-Version", "archive only"},
};

void PrintTo(const Case& c, std::ostream* os) { *os << c.file; }

class Rfc4475 : public ::testing::TestWithParam<Case> {};

TEST_P(Rfc4475, OutcomeAsTheRfcExpects) {
  const Case& c = GetParam();
  const std::string bytes = load(c.file);
  ASSERT_FALSE(bytes.empty());
  auto raw = parse_message_unchecked(bytes);
  if (c.layer == Layer::parse) {
    ASSERT_FALSE(raw) << c.why;
    EXPECT_NE(raw.error().context.find(c.context), std::string::npos) << raw.error().context;
    if (c.status) {
      EXPECT_EQ(failure_status(raw.error()).code, c.status) << raw.error().context;
    }
    return;
  }
  ASSERT_TRUE(raw) << c.why << ": " << raw.error().message();
  Status checked = check_message(*raw);
  if (c.layer == Layer::check) {
    ASSERT_FALSE(checked) << c.why;
    EXPECT_NE(checked.error().context.find(c.context), std::string::npos) << checked.error().context;
    if (c.status) {
      EXPECT_EQ(failure_status(checked.error()).code, c.status) << checked.error().context;
    }
    if (raw->is_request()) {
      auto resp = make_error_response(*raw, checked.error(), "sotto.test");
      ASSERT_TRUE(resp);
      EXPECT_EQ(resp->status(), c.status);
    }
    return;
  }
  ASSERT_TRUE(checked) << c.why << ": " << checked.error().message();
  // Accepted messages survive a serialize / parse round trip.
  auto again = parse_message(serialize(*raw));
  ASSERT_TRUE(again) << again.error().message();
  EXPECT_EQ(serialize(*again), serialize(*raw));
}

INSTANTIATE_TEST_SUITE_P(Messages, Rfc4475, ::testing::ValuesIn(kCases),
                         [](const auto& param_info) { return std::string(param_info.param.file); });

SipMessage parsed(std::string_view file) {
  auto m = parse_message(load(file));
  EXPECT_TRUE(m) << file << ": " << (m ? "" : m.error().message());
  return m ? *m : SipMessage{};
}

TEST(Rfc4475Details, Wsinv) {
  SipMessage m = parsed("wsinv");
  EXPECT_TRUE(m.request_uri().params.has("unknownparam"));
  auto to = m.header(hdr::to);
  EXPECT_EQ(to->tag(), "1918181833n");
  auto from = m.header(hdr::from);
  EXPECT_EQ(from->display_name, "J Rosenberg \\\"");
  EXPECT_EQ(from->tag(), "98asjd8");
  EXPECT_EQ(*m.header(hdr::max_forwards), 68);
  EXPECT_EQ(*m.header(hdr::call_id), "wsinv.ndaksdj@192.0.2.1");
  EXPECT_EQ(m.header(hdr::cseq)->number, 9u);
  auto vias = m.all(hdr::via);
  ASSERT_EQ(vias->size(), 3u);
  EXPECT_EQ((*vias)[0].transport, "UDP");
  EXPECT_EQ((*vias)[0].branch(), "390skdjuw");
  EXPECT_EQ((*vias)[1].host, "spindle.example.com");
  EXPECT_EQ((*vias)[1].branch(), "z9hG4bK9ikj8");
  EXPECT_EQ((*vias)[2].host, "192.168.255.111");
  EXPECT_EQ((*vias)[2].branch(), "z9hG4bK30239");
  EXPECT_EQ(*m.header(hdr::subject), "");
  EXPECT_EQ(m.find("NewFangledHeader")->value, "newfangled value continued newfangled value");
  EXPECT_EQ(m.find("UnknownHeaderWithUnusualValue")->value, ";;,,;;,;");
  auto route = m.header(hdr::route);
  EXPECT_TRUE(route->uri.lr());
  EXPECT_EQ(route->uri.params.get("unknownwith"), "value");
  auto contact = m.header(hdr::contact);
  EXPECT_EQ(contact->address.display_name, "Quoted string \"\"");
  EXPECT_EQ(contact->address.params.get("newparam"), "newvalue");
  EXPECT_EQ(contact->address.params.get("q"), "0.33");
  EXPECT_EQ(m.body().size(), 150u);
}

TEST(Rfc4475Details, Intmeth) {
  SipMessage m = parsed("intmeth");
  EXPECT_EQ(m.method().name(), "!interesting-Method0123456789_*+`.%indeed'~");
  EXPECT_EQ(m.method().id(), MethodId::extension);
  EXPECT_EQ(m.request_uri().password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
  EXPECT_EQ(m.header(hdr::to)->display_name, std::string("BEL:\x07 NUL:\0 DEL:\x7f", 17));
  EXPECT_EQ(m.header(hdr::from)->tag(), "_token~1'+`*%!-.");
  EXPECT_EQ(m.header(hdr::via)->branch(), "z9hG4bK-.!%66*_+`'~");
  EXPECT_EQ(*m.header(hdr::call_id), "intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{");
  EXPECT_EQ(m.find("extensionHeader-!.%*+_`'~")->value, "\xEF\xBB\xBF\xE5\xA4\xA7\xE5\x81\x9C\xE9\x9B\xBB");
}

TEST(Rfc4475Details, Escapes) {
  SipMessage e = parsed("esc01");
  EXPECT_EQ(e.request_uri().user, "sips:user@example.com");
  EXPECT_EQ(e.header(hdr::to)->uri.user, "user");
  EXPECT_EQ(e.header(hdr::from)->uri.user, "I have spaces");
  auto c = e.header(hdr::contact);
  EXPECT_EQ(c->address.uri.user, "caller");
  EXPECT_TRUE(c->address.uri.lr());
  EXPECT_EQ(c->address.uri.params.get("name"), "value%41");

  SipMessage n = parsed("escnull");
  auto contacts = n.all(hdr::contact);
  ASSERT_EQ(contacts->size(), 2u);
  EXPECT_EQ((*contacts)[0].address.uri.user, std::string("\0", 1));
  EXPECT_EQ((*contacts)[1].address.uri.user, std::string("\0\0", 2));
  EXPECT_FALSE(uri_equivalent((*contacts)[0].address.uri, (*contacts)[1].address.uri));

  SipMessage r = parsed("esc02");
  EXPECT_EQ(r.method().name(), "RE%47IST%45R");  // not REGISTER
  EXPECT_EQ(r.method().id(), MethodId::extension);
  EXPECT_EQ(r.count(HeaderId::contact), 2u);      // C%6Fntact is an unknown header
  EXPECT_NE(r.find("C%6Fntact"), nullptr);
  EXPECT_EQ(r.header(hdr::to)->display_name, "%Z%45");
}

TEST(Rfc4475Details, DatagramAndBodies) {
  SipMessage d = parsed("dblreq");
  EXPECT_EQ(d.method(), MethodId::register_);
  EXPECT_EQ(d.body(), "");
  SipMessage mp = parsed("mpart01");
  EXPECT_EQ(mp.body().size(), 553u);
  EXPECT_EQ(mp.header(hdr::via)->has_rport(), true);
  SipMessage l = parsed("longreq");
  EXPECT_EQ(l.all(hdr::via)->size(), 34u);
  EXPECT_EQ(l.body().size(), 150u);
  SipMessage s = parsed("semiuri");
  EXPECT_EQ(s.request_uri().user, "user;par=u@example.net");
  EXPECT_EQ(s.values(HeaderId::accept).size(), 6u);
}

TEST(Rfc4475Details, TransportsAndResponses) {
  auto vias = parsed("transports").all(hdr::via);
  ASSERT_EQ(vias->size(), 5u);
  EXPECT_EQ((*vias)[1].transport, "SCTP");
  EXPECT_EQ((*vias)[3].transport, "UNKNOWN");
  SipMessage u = parsed("unreason");
  EXPECT_EQ(u.status(), 200);
  EXPECT_EQ(u.reason().substr(0, 18), "= 2**3 * 5**2 \xD0\xBD\xD0\xBE");
  SipMessage n = parsed("noreason");
  EXPECT_EQ(n.status(), 100);
  EXPECT_EQ(n.reason(), "");
  SipMessage b = parsed("bcast");
  EXPECT_EQ(b.all(hdr::via)->at(1).host, "255.255.255.255");
}

TEST(Rfc4475Details, Rfc2543AndStrictMode) {
  SipMessage m = parsed("inv2543");
  EXPECT_FALSE(m.header(hdr::via)->branch());
  EXPECT_EQ(m.body().size(), load("inv2543").size() - load("inv2543").find("\r\n\r\n") - 4);
  ParseOptions strict;
  strict.check.allow_rfc2543 = false;
  auto r = parse_message(load("inv2543"), strict);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().context, "Via: missing branch");
}

TEST(Rfc4475Details, OtherSchemesInHeaders) {
  SipMessage m = parsed("unksm2");
  EXPECT_EQ(m.header(hdr::to)->uri.other_scheme, "isbn");
  EXPECT_EQ(m.header(hdr::from)->uri.opaque, "//www.example.com");
  EXPECT_EQ(m.header(hdr::contact)->address.uri.opaque, "John_Smith");
}

}  // namespace
}  // namespace sotto::sip
