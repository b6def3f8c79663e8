// Tests of the per-header parsers: NameAddr, Contact, Via, CSeq, scalar fields, list splitting.
#include <gtest/gtest.h>

#include "core/sip/contact_value.hpp"
#include "core/sip/cseq.hpp"
#include "core/sip/header.hpp"
#include "core/sip/header_id.hpp"
#include "core/sip/name_addr.hpp"
#include "core/sip/scalar_fields.hpp"
#include "core/sip/via.hpp"

namespace sotto::sip {
namespace {

TEST(NameAddr, QuotedDisplayNameWithEscapes) {
  auto na = parse_name_addr(R"("J Rosenberg \\\"" <sip:jdrosen@example.com> ; tag = 98asjd8)", "From");
  ASSERT_TRUE(na) << na.error().message();
  EXPECT_EQ(na->display_name, R"(J Rosenberg \")");
  EXPECT_EQ(na->uri.user, "jdrosen");
  EXPECT_EQ(na->tag(), "98asjd8");
  EXPECT_EQ(serialize(*na), R"("J Rosenberg \\\"" <sip:jdrosen@example.com>;tag=98asjd8)");
}

TEST(NameAddr, TokenDisplayNameAndNoSpaceBeforeAngle) {
  auto na = parse_name_addr("token1~` token2'+_   token3*%!.- <sip:mundane@example.com>;x", "From");
  ASSERT_TRUE(na);
  EXPECT_EQ(na->display_name, "token1~` token2'+_ token3*%!.-");
  EXPECT_TRUE(na->params.has("x"));
  auto tight = parse_name_addr("caller<sip:caller@example.com>;tag=323", "From");  // lwsdisp
  ASSERT_TRUE(tight);
  EXPECT_EQ(tight->display_name, "caller");
}

TEST(NameAddr, AddrSpecParamsBelongToTheHeader) {
  auto na = parse_name_addr("sip:+19725552222@gw1.example.net;unknownparam", "Contact");  // cparam01
  ASSERT_TRUE(na);
  EXPECT_TRUE(na->uri.params.empty());
  EXPECT_TRUE(na->params.has("unknownparam"));
  auto in = parse_name_addr("<sip:+19725552222@gw1.example.net;unknownparam>", "Contact");  // cparam02
  ASSERT_TRUE(in);
  EXPECT_TRUE(in->uri.params.has("unknownparam"));
  EXPECT_TRUE(in->params.empty());
  auto sp = parse_name_addr("sip:vivekg@chair-dnrc.example.com ;   tag    = 1918181833n", "To");
  ASSERT_TRUE(sp);
  EXPECT_EQ(sp->tag(), "1918181833n");
}

TEST(NameAddr, QuotedParamValueKeptAsWritten) {
  auto na = parse_name_addr(R"(<sip:a@b>;p="x;y,z";q=0.5;ip=[2001:db8::1])", "Contact");
  ASSERT_TRUE(na) << na.error().message();
  EXPECT_EQ(na->params.get("p"), R"("x;y,z")");
  EXPECT_EQ(unquoted(*na->params.get("p")), "x;y,z");
  EXPECT_EQ(na->params.get("ip"), "[2001:db8::1]");
}

TEST(NameAddr, Rejections) {
  struct Case {
    std::string_view value;
    std::string_view context_part;
  };
  const Case cases[] = {
      {R"("Mr. J. User <sip:j.user@example.com>)", "To: unterminated quoted string"},      // quotbal
      {"\"Watson, Thomas\" < sip:t.watson@example.org >", "To: URI"},                      // badaspec
      {"Bell, Alexander <sip:a.g.bell@example.com>;tag=43", "is not a token list"},        // baddn
      {"sip:user@example.com?Route=%3Csip:sip.example.com%3E", "must be enclosed in <>"},  // regbadct
      {"\"Joe\" <sip:joe@example.org>;;;;", "empty or invalid parameter name"},            // badinv01
      {"<sip:a@b", "missing '>'"},
      {"", "empty value"},
      {"<sip:a@b>;tag=", "empty value"},
      {"\"x\" sip:a@b", "expected '<'"},
  };
  for (const auto& c : cases) {
    auto na = parse_name_addr(c.value, "To");
    ASSERT_FALSE(na) << c.value;
    EXPECT_NE(na.error().context.find(c.context_part), std::string::npos) << na.error().context;
  }
}

TEST(NameAddr, OtherSchemes) {  // RFC 4475 unksm2
  auto isbn = parse_name_addr("isbn:2983792873", "To");
  ASSERT_TRUE(isbn);
  EXPECT_EQ(isbn->uri.scheme, UriScheme::other);
  auto http = parse_name_addr("<http://www.example.com>;tag=3234233", "From");
  ASSERT_TRUE(http);
  EXPECT_EQ(http->tag(), "3234233");
}

TEST(Contact, WildcardAndParams) {
  auto star = parse_contact(" * ");
  ASSERT_TRUE(star);
  EXPECT_TRUE(star->wildcard);
  EXPECT_EQ(serialize(*star), "*");
  auto c = parse_contact("\"Quoted string \\\"\\\"\" <sip:jdrosen@example.com> ; newparam = newvalue ; secondparam ; q = 0.33");
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->address.display_name, "Quoted string \"\"");
  EXPECT_EQ(c->address.params.get("newparam"), "newvalue");
  EXPECT_TRUE(c->address.params.has("secondparam"));
  EXPECT_EQ(c->address.params.get("q"), "0.33");
}

TEST(Via, AllStandardParams) {
  auto v = parse_via("SIP/2.0/TLS [2001:db8::9]:5061;branch=z9hG4bK74b;received=2001:db8::9:255;rport=5062;"
                     "maddr=224.2.0.1;ttl=16;x-ext=1");
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_EQ(v->transport, "TLS");
  EXPECT_EQ(v->host, "[2001:db8::9]");
  EXPECT_EQ(v->port, 5061);
  EXPECT_EQ(v->branch(), "z9hG4bK74b");
  EXPECT_TRUE(v->has_rfc3261_branch());
  EXPECT_EQ(v->received(), "2001:db8::9:255");
  EXPECT_EQ(v->rport(), 5062);
  EXPECT_EQ(v->maddr(), "224.2.0.1");
  EXPECT_EQ(v->ttl(), 16);
  EXPECT_TRUE(v->params.has("x-ext"));
}

TEST(Via, RportWithoutValueAndLws) {
  auto v = parse_via("SIP  / 2.0  / TCP     spindle.example.com   ;\t  branch  =   z9hG4bK9ikj8 ; rport");
  ASSERT_TRUE(v) << v.error().message();
  EXPECT_EQ(v->transport, "TCP");
  EXPECT_EQ(v->host, "spindle.example.com");
  EXPECT_FALSE(v->port);
  EXPECT_EQ(v->branch(), "z9hG4bK9ikj8");
  EXPECT_TRUE(v->has_rport());
  EXPECT_FALSE(v->rport());
  EXPECT_EQ(serialize(*v), "SIP/2.0/TCP spindle.example.com;branch=z9hG4bK9ikj8;rport");
  auto p = parse_via("SIP/2.0/UDP host.example.com : 5060");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->port, 5060);
}

TEST(Via, Rejections) {
  for (std::string_view bad : {"SIP/2.0/UDP", "SIP/2.0 UDP host", "SIP/2.0/UDPhost", "SIP/2.0/UDP host;;",
                               "SIP/2.0/UDP host;branch", "SIP/2.0/UDP host;received=example.com",
                               "SIP/2.0/UDP host;rport=x", "SIP/2.0/UDP host;ttl=256", "SIP/2.0/UDP [::1",
                               "SIP/2.0/UDP host:99999", "SIP/2.0/UDP 192.0.2.15;;,;,,"}) {
    EXPECT_FALSE(parse_via(bad)) << bad;
  }
}

TEST(CSeq, ParseAndLimits) {
  auto c = parse_cseq("0009\t INVITE");
  ASSERT_TRUE(c);
  EXPECT_EQ(c->number, 9u);
  EXPECT_EQ(c->method, MethodId::invite);
  EXPECT_EQ(serialize(*c), "9 INVITE");
  EXPECT_TRUE(parse_cseq("2147483647 ACK"));
  auto big = parse_cseq("36893488147419103232 REGISTER");  // scalar02
  ASSERT_FALSE(big);
  EXPECT_NE(big.error().context.find("2**31"), std::string::npos);
  EXPECT_FALSE(parse_cseq("2147483648 ACK"));
  EXPECT_FALSE(parse_cseq("1INVITE"));
  EXPECT_FALSE(parse_cseq("INVITE"));
  EXPECT_FALSE(parse_cseq("1 IN VITE"));
  auto ext = parse_cseq("8 RE%47IST%45R");  // esc02: a different, extension method
  ASSERT_TRUE(ext);
  EXPECT_EQ(ext->method.id(), MethodId::extension);
  EXPECT_FALSE(ext->method == MethodId::register_);
}

TEST(Scalars, Values) {
  EXPECT_EQ(*parse_max_forwards("0068"), 68);
  EXPECT_FALSE(parse_max_forwards("300"));
  EXPECT_FALSE(parse_max_forwards("-1"));
  EXPECT_EQ(*parse_content_length(" 150 "), 150u);
  EXPECT_FALSE(parse_content_length("-999"));  // ncl
  EXPECT_FALSE(parse_content_length("+1"));
  EXPECT_FALSE(parse_content_length("99999999999"));
  EXPECT_TRUE(parse_call_id("intmeth.word%ZK-!.*_+'@word`~)(><:\\/\"][?}{"));
  EXPECT_FALSE(parse_call_id("a b"));
  EXPECT_FALSE(parse_call_id("a@b@c"));
  EXPECT_FALSE(parse_call_id(""));
  EXPECT_TRUE(check_sip_date("Sat, 13 Nov 2010 23:29:00 GMT"));
  auto est = check_sip_date("Fri, 01 Jan 2010 16:00:00 EST");  // baddate
  ASSERT_FALSE(est);
  EXPECT_NE(est.error().context.find("time zone must be GMT"), std::string::npos);
  EXPECT_FALSE(check_sip_date("Fri, 1 Jan 2010 16:00:00 GMT"));
}

TEST(HeaderId, CompactFormsAndCase) {
  const std::pair<std::string_view, HeaderId> forms[] = {
      {"i", HeaderId::call_id},        {"m", HeaderId::contact},          {"e", HeaderId::content_encoding},
      {"l", HeaderId::content_length}, {"c", HeaderId::content_type},     {"f", HeaderId::from},
      {"s", HeaderId::subject},        {"k", HeaderId::supported},        {"t", HeaderId::to},
      {"v", HeaderId::via},            {"o", HeaderId::event},            {"u", HeaderId::allow_events},
      {"r", HeaderId::refer_to},       {"b", HeaderId::referred_by},      {"x", HeaderId::session_expires},
      {"V", HeaderId::via},            {"cAlL-iD", HeaderId::call_id},    {"MaX-fOrWaRdS", HeaderId::max_forwards},
      {"X-Unknown", HeaderId::other},  {"C%6Fntact", HeaderId::other},    {"q", HeaderId::other},
  };
  for (auto [name, id] : forms) EXPECT_EQ(header_id(name), id) << name;
  EXPECT_EQ(canonical_name(HeaderId::www_authenticate), "WWW-Authenticate");
  EXPECT_EQ(compact_form(HeaderId::via), 'v');
  EXPECT_TRUE(is_list_header(HeaderId::route));
  EXPECT_FALSE(is_list_header(HeaderId::date));
  EXPECT_FALSE(is_list_header(HeaderId::authorization));
}

TEST(ListSplit, RespectsQuotesAndBrackets) {
  auto parts = split_list_value(R"("Doe, John" <sip:j@x;a=1>, <sip:k,l@y>,  "q\",x" <sip:m@z> )", "Contact");
  ASSERT_TRUE(parts);
  ASSERT_EQ(parts->size(), 3u);
  EXPECT_EQ((*parts)[0], R"("Doe, John" <sip:j@x;a=1>)");
  EXPECT_EQ((*parts)[1], "<sip:k,l@y>");
  EXPECT_EQ((*parts)[2], R"("q\",x" <sip:m@z>)");
  EXPECT_TRUE(split_list_value("", "Supported")->empty());
  EXPECT_FALSE(split_list_value("a,,b", "Allow"));
  EXPECT_FALSE(split_list_value("a,", "Allow"));
  EXPECT_FALSE(split_list_value("\"open, x", "Contact"));
  EXPECT_FALSE(split_list_value("<sip:a@b, x", "Route"));
}

}  // namespace
}  // namespace sotto::sip
