#include "io/tls_identity.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace sotto::io {
namespace {

using ::testing::HasSubstr;
using T = CertificateNames::Type;

CertificateNames sans(std::vector<CertificateNames::San> s, std::string cn = "ignored") {
  CertificateNames n;
  n.sans = std::move(s);
  n.has_san_extension = true;
  n.common_name = std::move(cn);
  return n;
}

TEST(TlsIdentity, IpLiteralMatchesIpSanOnly) {
  auto n = sans({{T::dns, "localhost"}, {T::ip, "127.0.0.1"}});
  EXPECT_TRUE(match_sip_identity(n, "127.0.0.1", false));
  EXPECT_TRUE(match_sip_identity(sans({{T::ip, "::1"}}), "[::1]", false));
  EXPECT_TRUE(match_sip_identity(sans({{T::ip, "::1"}}), "0:0::1", false));
  auto r = match_sip_identity(n, "127.0.0.2", false);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().context, "certificate name mismatch: expected 127.0.0.2, certificate has DNS:localhost, IP:127.0.0.1");
  // A DNS SAN spelling an IP address does not vouch for that IP (RFC 6125 1.7.2).
  EXPECT_FALSE(match_sip_identity(sans({{T::dns, "127.0.0.1"}}), "127.0.0.1", false));
}

TEST(TlsIdentity, DomainMatchesDnsAndSipUriCaseInsensitively) {
  auto n = sans({{T::dns, "Proxy.Example.COM"}, {T::uri, "sip:example.org"}, {T::uri, "sip:bob@example.net"}});
  EXPECT_TRUE(match_sip_identity(n, "proxy.example.com", false));
  EXPECT_TRUE(match_sip_identity(n, "proxy.example.com.", false));
  EXPECT_TRUE(match_sip_identity(n, "EXAMPLE.org", false));
  // 7.1: a URI with a user part is not a domain identity.
  EXPECT_FALSE(match_sip_identity(n, "example.net", false));
  EXPECT_TRUE(match_sip_identity(sans({{T::uri, "sips:example.org:5061;transport=tls"}}), "example.org", false));
  EXPECT_TRUE(match_sip_identity(sans({{T::uri, "sip:[::1]"}}), "::1", false));
}

TEST(TlsIdentity, CommonNameOnlyWithoutSubjectAltName) {
  CertificateNames no_san;
  no_san.common_name = "example.com";
  EXPECT_TRUE(match_sip_identity(no_san, "example.com", false));
  auto with_san = sans({{T::dns, "other.example"}}, "example.com");
  auto r = match_sip_identity(with_san, "example.com", false);
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().context, HasSubstr("certificate has DNS:other.example"));
  auto r2 = match_sip_identity(no_san, "example.org", false);
  ASSERT_FALSE(r2);
  EXPECT_THAT(r2.error().context, HasSubstr("CN=example.com (no subjectAltName)"));
}

TEST(TlsIdentity, WildcardsOnlyWhenAllowedAndOnlyOneLabel) {
  auto n = sans({{T::dns, "*.example.com"}});
  auto r = match_sip_identity(n, "a.example.com", false);
  ASSERT_FALSE(r);
  EXPECT_THAT(r.error().context, HasSubstr("wildcard certificates are refused, RFC 5922 7.2"));
  EXPECT_TRUE(match_sip_identity(n, "a.example.com", true));
  EXPECT_FALSE(match_sip_identity(n, "a.b.example.com", true));
  EXPECT_FALSE(match_sip_identity(n, "example.com", true));
  EXPECT_FALSE(match_sip_identity(sans({{T::dns, "*.com"}}), "example.com", true));
  EXPECT_FALSE(match_sip_identity(sans({{T::dns, "f*.example.com"}}), "foo.example.com", true));
}

TEST(TlsIdentity, IpLiteralDetection) {
  EXPECT_TRUE(is_ip_literal("127.0.0.1"));
  EXPECT_TRUE(is_ip_literal("::1"));
  EXPECT_TRUE(is_ip_literal("[::1]"));
  EXPECT_FALSE(is_ip_literal("localhost"));
  EXPECT_FALSE(is_ip_literal("127.0.0.1.example"));
}

}  // namespace
}  // namespace sotto::io
