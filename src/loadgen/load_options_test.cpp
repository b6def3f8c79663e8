#include "loadgen/load_options.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace sotto::loadgen {
namespace {

class LoadOptionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("loadgen-options-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    ca_ = (dir_ / "ca.pem").string();
    std::ofstream(ca_) << "-----BEGIN CERTIFICATE-----\n";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  LoadOptions base() const {
    LoadOptions o;
    o.server = "sips:127.0.0.1:5061";
    o.ca_file = ca_;
    o.users = "alice%d:pw";
    o.count = 10;
    return o;
  }
  static std::string error_of(const LoadOptions& o, LoadKind k = LoadKind::register_) {
    auto c = check_load_options(o, k);
    return c ? std::string("(accepted)") : c.error().context;
  }

  std::filesystem::path dir_;
  std::string ca_;
};

TEST_F(LoadOptionsTest, RegisterDefaults) {
  auto c = check_load_options(base(), LoadKind::register_);
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->accounts, 10u);
  EXPECT_EQ(c->domain, "127.0.0.1");  // the server's host
  EXPECT_EQ(c->password, "pw");
  EXPECT_EQ(c->rate, 0.0);
  EXPECT_EQ(c->concurrency, 100u);
  EXPECT_EQ(sip::serialize(c->aor(3)), "sips:alice3@127.0.0.1");
}

TEST_F(LoadOptionsTest, CallsUseTwoAccountsPerPair) {
  LoadOptions o = base();
  o.calls = 25;
  o.domain = "example.test";
  o.rate = "20/s";
  auto c = check_load_options(o, LoadKind::calls);
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->accounts, 20u);
  EXPECT_EQ(c->concurrent, 10u);  // --count by default
  EXPECT_EQ(c->rate, 20.0);
  EXPECT_EQ(sip::serialize(c->aor(20)), "sips:alice20@example.test");
}

TEST_F(LoadOptionsTest, PasswordFromFileOrEnvironment) {
  const std::string file = (dir_ / "pw").string();
  std::ofstream(file) << "from-file\r\nsecond line\n";
  LoadOptions o = base();
  o.users = "alice%d";
  o.password_file = file;
  auto c = check_load_options(o, LoadKind::register_);
  ASSERT_TRUE(c) << c.error().message();
  EXPECT_EQ(c->password, "from-file");
  o.password_file.clear();
  o.password_env = "from-env";
  EXPECT_EQ(check_load_options(o, LoadKind::register_)->password, "from-env");
  o.password_env.reset();
  EXPECT_NE(error_of(o).find("--users: 'alice%d' has no password"), std::string::npos) << error_of(o);
  o.users = "alice%d:pw";
  o.password_file = file;
  EXPECT_NE(error_of(o).find("contradict"), std::string::npos);
  o.users = "alice%d";
  o.password_file = (dir_ / "missing").string();
  EXPECT_NE(error_of(o).find("--password-file"), std::string::npos);
}

TEST_F(LoadOptionsTest, EachBadFlagIsNamed) {
  struct Case {
    std::function<void(LoadOptions&)> edit;
    const char* flag;
    LoadKind kind = LoadKind::register_;
  };
  const std::vector<Case> cases = {
      {[](LoadOptions& o) { o.server.clear(); }, "--server is required"},
      {[](LoadOptions& o) { o.server = "sip:127.0.0.1:5060"; }, "--server: 'sip:127.0.0.1:5060' is not a sips: URI"},
      {[](LoadOptions& o) { o.server = "sips:bob@127.0.0.1"; }, "--server: 'sips:bob@127.0.0.1' names a user"},
      {[](LoadOptions& o) { o.server = "not a uri"; }, "--server: 'not a uri'"},
      {[](LoadOptions& o) { o.ca_file.clear(); }, "--ca-file is required"},
      {[](LoadOptions& o) { o.ca_file = "/nonexistent/ca.pem"; }, "--ca-file /nonexistent/ca.pem: cannot be read"},
      {[](LoadOptions& o) { o.users.clear(); }, "--users is required"},
      {[](LoadOptions& o) { o.users = "alice:pw"; }, "--users: 'alice' has no %d"},
      {[](LoadOptions& o) { o.domain = "a b"; }, "--domain: 'a b'"},
      {[](LoadOptions& o) { o.domain = "example.test:5061"; }, "--domain: 'example.test:5061'"},
      {[](LoadOptions& o) { o.dns_servers = {"127.0.0.1:5353", "ns.example"}; }, "--dns-server: "},
      {[](LoadOptions& o) { o.count = 0; }, "--count must be at least 1"},
      {[](LoadOptions& o) { o.count = 100001; }, "--count: at most 100000"},
      {[](LoadOptions& o) { o.rate = "0"; }, "--rate: '0' is not a rate"},
      {[](LoadOptions& o) { o.timeout_s = 0; }, "--timeout"},
      {[](LoadOptions& o) { o.expires = 5; }, "--expires"},
      {[](LoadOptions& o) { o.duration_s = -1; }, "--duration"},
      {[](LoadOptions& o) { o.calls = 0; }, "--calls must be at least 1", LoadKind::calls},
      {[](LoadOptions& o) { o.calls = 5; o.concurrent = 11; }, "--concurrent 11 is more than --count 10", LoadKind::calls},
      {[](LoadOptions& o) { o.calls = 5; o.hold_time_s = -1; }, "--hold-time", LoadKind::calls},
      {[](LoadOptions& o) { o.calls = 5; o.rtp_ports = "5000"; }, "--rtp-ports: '5000'", LoadKind::calls},
      {[](LoadOptions& o) { o.calls = 5; o.rtp_ports = "40000-40010"; }, "--rtp-ports 40000-40010 has room", LoadKind::calls},
      {[](LoadOptions& o) { o.calls = 5; o.rtp_ports = "80-90000"; }, "--rtp-ports: '80-90000'", LoadKind::calls},
  };
  for (const Case& c : cases) {
    LoadOptions o = base();
    c.edit(o);
    const std::string e = error_of(o, c.kind);
    EXPECT_EQ(e.rfind(c.flag, 0), 0u) << "expected '" << c.flag << "...', got '" << e << "'";
  }
}

}  // namespace
}  // namespace sotto::loadgen
