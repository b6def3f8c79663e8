#include "pki/authority.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

#include "crypto/cert_builder.hpp"

namespace sotto::pki {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir() {
    std::string tmpl = (fs::temp_directory_path() / "sotto-pki-test-XXXXXX").string();
    path_ = ::mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p);
  std::ostringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

unsigned mode_of(const fs::path& p) {
  struct stat st {};
  EXPECT_EQ(::stat(p.c_str(), &st), 0) << p;
  return st.st_mode & 0777;
}

TEST(CertNames, HostNamesAndIpLiterals) {
  auto n = parse_cert_names("localhost, 127.0.0.1,::1,sip.example.com");
  ASSERT_TRUE(n) << n.error().message();
  EXPECT_EQ(*n, (std::vector<std::string>{"localhost", "127.0.0.1", "::1", "sip.example.com"}));
  EXPECT_TRUE(is_ip_literal("127.0.0.1"));
  EXPECT_TRUE(is_ip_literal("::1"));
  EXPECT_FALSE(is_ip_literal("localhost"));
  for (const char* bad : {"", "a,,b", "*.example.com", "bad name", "a..b", ".a"}) {
    auto r = parse_cert_names(bad);
    EXPECT_FALSE(r) << bad;
  }
  auto r = parse_cert_names("ok,*.example.com");
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().context.find("'*.example.com'"), std::string::npos);
}

TEST(Authority, CreatedOnceThenKept) {
  TempDir tmp;
  auto first = ensure_authority(tmp.path(), *parse_cert_names("localhost,127.0.0.1"));
  ASSERT_TRUE(first) << first.error().message();
  EXPECT_TRUE(first->created_ca);
  EXPECT_TRUE(first->created_server);
  EXPECT_EQ(mode_of(first->paths.ca_key), 0600u);
  EXPECT_EQ(mode_of(first->paths.server_key), 0600u);
  const std::string ca = slurp(first->paths.ca_cert);
  const std::string srv = slurp(first->paths.server_cert);
  // The key files hold the keys of those certificates.
  EXPECT_TRUE(crypto::IssuedCertificate::from_pem(ca, slurp(first->paths.ca_key)));
  EXPECT_TRUE(crypto::IssuedCertificate::from_pem(srv, slurp(first->paths.server_key)));
  // In a bundle of both, only the CA is a root.
  auto roots = crypto::bundle_roots_pem(srv + ca);
  ASSERT_TRUE(roots);
  ASSERT_EQ(roots->size(), 1u);
  EXPECT_EQ((*roots)[0], ca);

  auto again = ensure_authority(tmp.path(), *parse_cert_names("other.example"));
  ASSERT_TRUE(again);
  EXPECT_FALSE(again->created_ca);
  EXPECT_FALSE(again->created_server);
  EXPECT_EQ(slurp(first->paths.server_cert), srv);

  // A lost server pair is reissued by the same CA.
  fs::remove(first->paths.server_cert);
  fs::remove(first->paths.server_key);
  auto reissued = ensure_authority(tmp.path(), {"localhost"});
  ASSERT_TRUE(reissued);
  EXPECT_FALSE(reissued->created_ca);
  EXPECT_TRUE(reissued->created_server);
  EXPECT_EQ(slurp(first->paths.ca_cert), ca);
}

TEST(Authority, HalfAPairIsAnErrorAndNothingIsOverwritten) {
  TempDir tmp;
  ASSERT_TRUE(ensure_authority(tmp.path(), {"localhost"}));
  const auto paths = authority_paths(tmp.path());
  const std::string ca = slurp(paths.ca_cert);
  fs::remove(paths.ca_key);
  auto r = ensure_authority(tmp.path(), {"localhost"});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().context.find("ca.key"), std::string::npos);
  EXPECT_EQ(slurp(paths.ca_cert), ca);
}

TEST(Authority, ClientCertificates) {
  TempDir tmp;
  ASSERT_TRUE(ensure_authority(tmp.path(), {"localhost"}));
  auto files = issue_client(tmp.path(), "alice", tmp.path() / "out", false);
  ASSERT_TRUE(files) << files.error().message();
  EXPECT_EQ(files->cert, tmp.path() / "out" / "alice.crt");
  EXPECT_EQ(mode_of(files->key), 0600u);
  EXPECT_TRUE(crypto::IssuedCertificate::from_pem(slurp(files->cert), slurp(files->key)));
  const std::string first = slurp(files->cert);
  auto refused = issue_client(tmp.path(), "alice", tmp.path() / "out", false);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().context.find("alice.crt exists"), std::string::npos);
  EXPECT_EQ(slurp(files->cert), first);
  ::chmod(files->key.c_str(), 0644);
  ASSERT_TRUE(issue_client(tmp.path(), "alice", tmp.path() / "out", true));
  EXPECT_NE(slurp(files->cert), first);
  EXPECT_EQ(mode_of(files->key), 0600u);

  EXPECT_FALSE(issue_client(tmp.path(), "../evil", tmp.path(), false));
  EXPECT_FALSE(issue_client(tmp.path(), "", tmp.path(), false));
  TempDir empty;
  auto no_ca = issue_client(empty.path(), "bob", empty.path(), false);
  ASSERT_FALSE(no_ca);
  EXPECT_NE(no_ca.error().context.find("ca.crt"), std::string::npos);
}

TEST(Authority, TrustAnchorFromOperatorBundle) {
  TempDir tmp;
  ASSERT_TRUE(ensure_authority(tmp.path(), {"localhost"}));
  const auto paths = authority_paths(tmp.path());
  EXPECT_EQ(*trust_anchor_pem(tmp.path(), {}), slurp(paths.ca_cert));

  auto other_ca = crypto::CertBuilder().common_name("operator root").ca().build();
  ASSERT_TRUE(other_ca);
  auto leaf = crypto::CertBuilder().common_name("leaf").sign_with(*other_ca).build();
  ASSERT_TRUE(leaf);
  const fs::path bundle = tmp.path() / "bundle.pem";
  std::ofstream(bundle) << leaf->cert_pem() << other_ca->cert_pem();
  auto anchor = trust_anchor_pem(tmp.path(), bundle);
  ASSERT_TRUE(anchor) << anchor.error().message();
  EXPECT_EQ(*anchor, other_ca->cert_pem());

  const fs::path junk = tmp.path() / "junk.pem";
  std::ofstream(junk) << "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n";
  auto bad = trust_anchor_pem(tmp.path(), junk);
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().context.find("junk.pem: certificate 1 does not parse"), std::string::npos)
      << bad.error().context;
  const fs::path none = tmp.path() / "none.pem";
  std::ofstream(none) << "hello\n";
  EXPECT_FALSE(trust_anchor_pem(tmp.path(), none));
  EXPECT_FALSE(trust_anchor_pem(tmp.path(), tmp.path() / "missing.pem"));
}

}  // namespace
}  // namespace sotto::pki
