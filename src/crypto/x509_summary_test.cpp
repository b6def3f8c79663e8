// summarize_certificate on certificates made by CertBuilder (EC and RSA, CA-signed and self-signed,
// fixed validity) and on bytes that are not a certificate.

#include "crypto/x509_summary.hpp"

#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <chrono>
#include <vector>

#include "crypto/cert_builder.hpp"

namespace sotto::crypto {
namespace {

std::vector<std::uint8_t> der_of(const IssuedCertificate& c) {
  BIO* bio = BIO_new_mem_buf(c.cert_pem().data(), static_cast<int>(c.cert_pem().size()));
  X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  EXPECT_NE(x, nullptr);
  unsigned char* out = nullptr;
  const int n = i2d_X509(x, &out);
  std::vector<std::uint8_t> der(out, out + n);
  OPENSSL_free(out);
  X509_free(x);
  return der;
}

TEST(X509Summary, CaSignedEcLeaf) {
  using namespace std::chrono;
  auto ca = CertBuilder().common_name("sotto test CA").organization("sotto").ca().build().value();
  const sys_days from{year{2026} / 1 / 2};
  const sys_days to{year{2027} / 3 / 4};
  auto leaf = CertBuilder().common_name("127.0.0.1").not_before(from + hours{5}).not_after(to).sign_with(ca).build().value();
  auto s = summarize_certificate(der_of(leaf));
  ASSERT_TRUE(s) << s.error().message();
  EXPECT_EQ(s->subject, "CN=127.0.0.1");
  EXPECT_EQ(s->issuer, "CN=sotto test CA,O=sotto");
  EXPECT_EQ(s->not_before, "2026-01-02T05:00:00Z");
  EXPECT_EQ(s->not_after, "2027-03-04T00:00:00Z");
  EXPECT_FALSE(s->self_signed);
  EXPECT_EQ(s->key_type, "EC P-256");
  EXPECT_EQ(s->key_bits, 256);
  EXPECT_EQ(s->sha256_fingerprint.size(), 64u);
}

TEST(X509Summary, SelfSignedRsa) {
  auto c = CertBuilder().key_type(KeyType::rsa2048).common_name("phone.example").build().value();
  auto s = summarize_certificate(der_of(c));
  ASSERT_TRUE(s);
  EXPECT_TRUE(s->self_signed);
  EXPECT_EQ(s->subject, s->issuer);
  EXPECT_EQ(s->key_type, "RSA");
  EXPECT_EQ(s->key_bits, 2048);
}

TEST(X509Summary, SameNameButOtherKeyIsNotSelfSigned) {
  // A CA and a leaf with the same subject: names match but the leaf's own key did not sign it.
  auto ca = CertBuilder().common_name("twin").ca().build().value();
  auto leaf = CertBuilder().common_name("twin").sign_with(ca).build().value();
  auto s = summarize_certificate(der_of(leaf));
  ASSERT_TRUE(s);
  EXPECT_EQ(s->subject, s->issuer);
  EXPECT_FALSE(s->self_signed);
}

TEST(X509Summary, GarbageIsAnError) {
  const std::vector<std::uint8_t> junk = {0x30, 0x82, 0x01, 0x00, 0x02};
  auto s = summarize_certificate(junk);
  ASSERT_FALSE(s);
  EXPECT_EQ(s.error().code, Errc::malformed_input);
  EXPECT_EQ(s.error().context, "certificate: DER does not parse as X.509");
  EXPECT_FALSE(summarize_certificate({}));
}

}  // namespace
}  // namespace sotto::crypto
