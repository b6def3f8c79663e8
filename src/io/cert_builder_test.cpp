// crypto::CertBuilder, tested here because src/io is its first user (TLS tests need its certificates).

#include "crypto/cert_builder.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <fstream>
#include <sstream>

#include "io/testing/io_test_support.hpp"
#include "io/tls_identity.hpp"

namespace sotto {
namespace {

using crypto::CertBuilder;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

struct X509Free {
  void operator()(X509* x) const { X509_free(x); }
};
std::unique_ptr<X509, X509Free> parse(const std::string& pem) {
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  return std::unique_ptr<X509, X509Free>(x);
}

TEST(CertBuilder, SelfSignedCaHasCaConstraintsAndKeyCertSign) {
  auto ca = CertBuilder().common_name("test CA").organization("sotto").ca().build();
  ASSERT_TRUE(ca) << ca.error().message();
  auto x = parse(ca->cert_pem());
  ASSERT_TRUE(x);
  EXPECT_EQ(X509_get_version(x.get()), X509_VERSION_3);
  EXPECT_EQ(X509_check_ca(x.get()), 1);
  EXPECT_TRUE(X509_get_key_usage(x.get()) & KU_KEY_CERT_SIGN);
  EXPECT_EQ(X509_check_issued(x.get(), x.get()), X509_V_OK);
  EXPECT_EQ(io::x509_name_string(X509_get_subject_name(x.get())), "CN=test CA,O=sotto");
  EXPECT_THAT(std::string(ca->key_pem()), HasSubstr("-----BEGIN PRIVATE KEY-----"));
  EXPECT_EQ(EVP_PKEY_get_base_id(X509_get0_pubkey(x.get())), EVP_PKEY_EC);
}

TEST(CertBuilder, LeafSignedByCaCarriesSansAndExtendedKeyUsage) {
  auto ca = CertBuilder().common_name("test CA").ca().build();
  ASSERT_TRUE(ca);
  auto leaf = CertBuilder().common_name("127.0.0.1").ip("127.0.0.1").dns("127.0.0.1").dns("localhost").ip("::1")
                  .uri("sip:example.com").server_auth().sign_with(*ca).build();
  ASSERT_TRUE(leaf) << leaf.error().message();
  auto x = parse(leaf->cert_pem());
  auto cax = parse(ca->cert_pem());
  EXPECT_EQ(X509_check_issued(cax.get(), x.get()), X509_V_OK);
  EXPECT_EQ(X509_check_ca(x.get()), 0);
  EXPECT_TRUE(X509_get_extended_key_usage(x.get()) & XKU_SSL_SERVER);
  EXPECT_FALSE(X509_get_extended_key_usage(x.get()) & XKU_SSL_CLIENT);
  EXPECT_THAT(io::certificate_names(x.get()).san_strings(),
              ElementsAre("DNS:127.0.0.1", "DNS:localhost", "URI:sip:example.com", "IP:127.0.0.1", "IP:::1"));
  // Serial: 16 random octets, positive; two certificates differ.
  auto leaf2 = CertBuilder().common_name("x").sign_with(*ca).build();
  ASSERT_TRUE(leaf2);
  EXPECT_NE(ASN1_INTEGER_cmp(X509_get0_serialNumber(x.get()), X509_get0_serialNumber(parse(leaf2->cert_pem()).get())), 0);
  EXPECT_TRUE(X509_get_extended_key_usage(parse(leaf2->cert_pem()).get()) & XKU_SSL_CLIENT);
}

TEST(CertBuilder, ExpiredValidityIsAllowed) {
  const auto now = std::chrono::system_clock::now();
  auto c = CertBuilder().common_name("old").not_before(now - std::chrono::hours(48)).not_after(now - std::chrono::hours(24)).build();
  ASSERT_TRUE(c) << c.error().message();
  auto x = parse(c->cert_pem());
  EXPECT_LT(X509_cmp_current_time(X509_get0_notAfter(x.get())), 0);
}

TEST(CertBuilder, RsaKeys) {
  auto c = CertBuilder().key_type(crypto::KeyType::rsa2048).common_name("rsa").build();
  ASSERT_TRUE(c) << c.error().message();
  auto x = parse(c->cert_pem());
  EXPECT_EQ(EVP_PKEY_get_base_id(X509_get0_pubkey(x.get())), EVP_PKEY_RSA);
  EXPECT_EQ(EVP_PKEY_get_bits(X509_get0_pubkey(x.get())), 2048);
}

TEST(CertBuilder, BadInputsAreNamed) {
  auto no_cn = CertBuilder().build();
  ASSERT_FALSE(no_cn);
  EXPECT_THAT(no_cn.error().context, HasSubstr("common_name"));
  auto bad_ip = CertBuilder().common_name("x").ip("127.0.0.300").build();
  ASSERT_FALSE(bad_ip);
  EXPECT_THAT(bad_ip.error().context, HasSubstr("IP SAN '127.0.0.300'"));
  auto inj = CertBuilder().common_name("x").dns("a.example,IP:1.2.3.4").build();
  ASSERT_FALSE(inj);
  EXPECT_THAT(inj.error().context, HasSubstr("is not a host name"));
  const auto now = std::chrono::system_clock::now();
  auto backwards = CertBuilder().common_name("x").not_before(now).not_after(now - std::chrono::hours(1)).build();
  ASSERT_FALSE(backwards);
  auto leaf = CertBuilder().common_name("leaf").build();
  ASSERT_TRUE(leaf);
  auto not_ca = CertBuilder().common_name("x").sign_with(*leaf).build();
  ASSERT_FALSE(not_ca);
  EXPECT_THAT(not_ca.error().context, HasSubstr("not a CA"));
}

TEST(CertBuilder, FromPemChecksKeyMatchesAndWritesFiles) {
  auto a = CertBuilder().common_name("a").ca().build();
  auto b = CertBuilder().common_name("b").ca().build();
  ASSERT_TRUE(a && b);
  auto ok = crypto::IssuedCertificate::from_pem(a->cert_pem(), a->key_pem());
  ASSERT_TRUE(ok) << ok.error().message();
  auto mismatch = crypto::IssuedCertificate::from_pem(a->cert_pem(), b->key_pem());
  ASSERT_FALSE(mismatch);
  EXPECT_THAT(mismatch.error().context, HasSubstr("does not match"));
  // A CA loaded from PEM can sign.
  EXPECT_TRUE(CertBuilder().common_name("leaf").sign_with(*ok).build());

  const auto dir = io::testing::make_temp_dir("certb");
  ASSERT_TRUE(a->write_key_pem(dir / "a.key"));
  ASSERT_TRUE(a->write_combined_pem(dir / "a+key.pem"));
  struct stat st {};
  ASSERT_EQ(::stat((dir / "a.key").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::stringstream ss;
  ss << std::ifstream(dir / "a+key.pem").rdbuf();
  EXPECT_EQ(ss.str(), a->cert_pem() + std::string(a->key_pem()));
  auto bad = a->write_cert_pem(dir / "missing-dir" / "x.pem");
  ASSERT_FALSE(bad);
  EXPECT_THAT(bad.error().context, HasSubstr("missing-dir"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace sotto
