#include "core/sip/uri.hpp"

#include <gtest/gtest.h>

#include "core/sip/host.hpp"

namespace sotto::sip {
namespace {

Uri must_parse(std::string_view s) {
  auto u = parse_uri(s);
  EXPECT_TRUE(u) << s << ": " << (u ? "" : u.error().message());
  return u ? *u : Uri{};
}

TEST(Uri, FullSipUri) {
  Uri u = must_parse("sips:alice:secret@example.com:5061;transport=tcp;lr;maddr=239.255.255.1;ttl=15;user=phone;"
                     "method=INVITE;x-custom=v?subject=hi%20there&priority=urgent");
  EXPECT_EQ(u.scheme, UriScheme::sips);
  EXPECT_EQ(u.user, "alice");
  EXPECT_EQ(u.password, "secret");
  EXPECT_EQ(u.host, "example.com");
  EXPECT_EQ(u.port, 5061);
  EXPECT_EQ(u.transport(), "tcp");
  EXPECT_TRUE(u.lr());
  EXPECT_EQ(u.maddr(), "239.255.255.1");
  EXPECT_EQ(u.ttl(), "15");
  EXPECT_EQ(u.user_param(), "phone");
  EXPECT_EQ(u.method_param(), "INVITE");
  ASSERT_EQ(u.params.size(), 7u);
  EXPECT_EQ(u.params.items()[6].name, "x-custom");  // order preserved
  ASSERT_EQ(u.headers.size(), 2u);
  EXPECT_EQ(u.headers[0].name, "subject");
  EXPECT_EQ(u.headers[0].value, "hi there");
  EXPECT_EQ(serialize(u),
            "sips:alice:secret@example.com:5061;transport=tcp;lr;maddr=239.255.255.1;ttl=15;user=phone;"
            "method=INVITE;x-custom=v?subject=hi%20there&priority=urgent");
}

TEST(Uri, ParamNamesAreCaseInsensitive) {
  Uri u = must_parse("sip:bob@example.com;Transport=TLS;LR");
  EXPECT_EQ(u.transport(), "TLS");
  EXPECT_TRUE(u.lr());
}

TEST(Uri, HostForms) {
  EXPECT_EQ(must_parse("sip:192.0.2.1").host, "192.0.2.1");
  Uri v6 = must_parse("sip:alice@[2001:db8::10]:5070;transport=udp");
  EXPECT_EQ(v6.host, "[2001:db8::10]");
  EXPECT_EQ(v6.port, 5070);
  EXPECT_EQ(classify_host(v6.host), HostKind::ipv6);
  EXPECT_EQ(must_parse("sip:[::ffff:192.0.2.1]").host, "[::ffff:192.0.2.1]");
  EXPECT_EQ(must_parse("sip:host.example.com.").host, "host.example.com.");
  EXPECT_FALSE(parse_uri("sip:[2001:db8::10"));        // unterminated reference
  EXPECT_FALSE(parse_uri("sip:[2001:db8:::10]"));      // bad IPv6
  EXPECT_FALSE(parse_uri("sip:2001:db8::10"));         // IPv6 needs brackets
  EXPECT_FALSE(parse_uri("sip:192.0.2.256"));          // neither IPv4 nor hostname
  EXPECT_FALSE(parse_uri("sip:example.com:70000"));    // port range
  EXPECT_FALSE(parse_uri("sip:example.com:"));         // empty port
  EXPECT_FALSE(parse_uri("sip:-bad.example.com"));
}

TEST(Uri, Ipv6Validator) {
  EXPECT_TRUE(is_ipv6_address("::"));
  EXPECT_TRUE(is_ipv6_address("::1"));
  EXPECT_TRUE(is_ipv6_address("1:2:3:4:5:6:7:8"));
  EXPECT_TRUE(is_ipv6_address("1:2:3:4:5:6:192.0.2.1"));
  EXPECT_TRUE(is_ipv6_address("fe80::"));
  EXPECT_FALSE(is_ipv6_address("1:2:3:4:5:6:7:8:9"));
  EXPECT_FALSE(is_ipv6_address("1::2::3"));
  EXPECT_FALSE(is_ipv6_address(":1:2"));
  EXPECT_FALSE(is_ipv6_address("12345::"));
  EXPECT_FALSE(is_ipv6_address("1:2:3:4:5:6:7:"));
}

TEST(Uri, EscapesAreDecodedAndReencoded) {
  Uri u = must_parse("sip:sips%3Auser%40example.com@example.net");  // RFC 4475 esc01
  EXPECT_EQ(u.user, "sips:user@example.com");
  EXPECT_EQ(serialize(u), "sip:sips%3Auser%40example.com@example.net");
  Uri n = must_parse("sip:null-%00-null@example.com");                // escnull
  EXPECT_EQ(n.user, std::string("null-\0-null", 11));
  Uri p = must_parse("sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31");
  EXPECT_EQ(p.user, "caller");
  EXPECT_TRUE(p.lr());
  EXPECT_EQ(p.params.get("name"), "value%41");
  EXPECT_FALSE(parse_uri("sip:a%ZZ@example.com"));
  EXPECT_FALSE(parse_uri("sip:a%4@example.com"));
}

TEST(Uri, UnusualUserinfo) {
  // RFC 4475 intmeth: user and password with every allowed mark.
  Uri u = must_parse("sip:1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*:&it+has=1,weird!*pas$wo~d_too.(doesn't-it)"
                     "@example.com");
  EXPECT_EQ(u.user, "1_unusual.URI~(to-be!sure)&isn't+it$/crazy?,/;;*");
  EXPECT_EQ(u.password, "&it+has=1,weird!*pas$wo~d_too.(doesn't-it)");
  EXPECT_EQ(u.host, "example.com");
  EXPECT_TRUE(u.params.empty());
  Uri s = must_parse("sip:user;par=u%40example.net@example.com");  // semiuri
  EXPECT_EQ(s.user, "user;par=u@example.net");
}

TEST(Uri, RejectsGarbage) {
  for (std::string_view bad : {"", "sip", ":x", "sip:", "sip:@example.com", "sip:a@", "sip:a b@c", "sip:host;;lr",
                               "sip:host;=x", "sip:host;x=", "sip:host?", "sip:host?a", "1sip:host", "<sip:a@b>",
                               "sip:a@b c", "tel:", "tel:12 34", "foo:", "foo:a b"}) {
    EXPECT_FALSE(parse_uri(bad)) << bad;
  }
}

TEST(Uri, TelAndOtherSchemes) {
  Uri t = must_parse("tel:+1-201-555-0123;phone-context=example.com");
  EXPECT_EQ(t.scheme, UriScheme::tel);
  EXPECT_EQ(t.user, "+1-201-555-0123");
  EXPECT_EQ(t.params.get("phone-context"), "example.com");
  EXPECT_EQ(serialize(t), "tel:+1-201-555-0123;phone-context=example.com");
  Uri o = must_parse("isbn:2983792873");
  EXPECT_EQ(o.scheme, UriScheme::other);
  EXPECT_EQ(o.other_scheme, "isbn");
  EXPECT_EQ(o.opaque, "2983792873");
  EXPECT_EQ(serialize(must_parse("http://www.example.com")), "http://www.example.com");
  EXPECT_EQ(must_parse("soap.beep://192.0.2.103:3002").other_scheme, "soap.beep");
}

// RFC 3261 19.1.4 examples.
TEST(Uri, EquivalentPairsFromRfc3261) {
  const std::pair<std::string_view, std::string_view> same[] = {
      {"sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp"},
      {"sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5"},
      {"sip:carol@chicago.com", "sip:carol@chicago.com;security=on"},
      {"sip:carol@chicago.com;newparam=5", "sip:carol@chicago.com;security=on"},
      {"sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
       "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com"},
      {"sip:alice@atlanta.com?subject=project%20x&priority=urgent",
       "sip:alice@atlanta.com?priority=urgent&subject=project%20x"},
      {"tel:+1-201-555-0123", "tel:+1(201)5550123"},
  };
  for (auto [a, b] : same) EXPECT_TRUE(uri_equivalent(must_parse(a), must_parse(b))) << a << " vs " << b;
  const std::pair<std::string_view, std::string_view> differ[] = {
      {"SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP"},
      {"sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"},
      {"sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp"},
      {"sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp"},
      {"sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting"},
      {"sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4"},
      {"sip:alice@example.com", "sips:alice@example.com"},
      {"sip:alice@example.com", "sip:alice@example.com;maddr=192.0.2.1"},
      {"sip:alice@example.com;user=phone", "sip:alice@example.com"},
      {"sip:alice@example.com;ttl=1", "sip:alice@example.com"},
      {"sip:alice@example.com;x=1", "sip:alice@example.com;x=2"},
      {"sip:alice:pw@example.com", "sip:alice@example.com"},
  };
  for (auto [a, b] : differ) EXPECT_FALSE(uri_equivalent(must_parse(a), must_parse(b))) << a << " vs " << b;
}

TEST(Uri, RoundTripKeepsStructure) {
  for (std::string_view s : {"sip:alice@example.com", "sips:[2001:db8::1]:5061;transport=tls",
                             "sip:I%20have%20spaces@example.net", "sip:host;lr;x=%3B?h=%26&g=",
                             "sip:u:p%3A@h:1"}) {
    Uri a = must_parse(s);
    Uri b = must_parse(serialize(a));
    EXPECT_EQ(a, b) << s;
  }
}

}  // namespace
}  // namespace sotto::sip
