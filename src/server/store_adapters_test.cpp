// The store seen by the cores: accounts for the registrar, policies for the B2BUA, bindings to disk and back.
#include "server/store_adapters.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "store/data_dir.hpp"

namespace sotto::server {
namespace {

class TempDir {
 public:
  TempDir() {
    char tmpl[] = "/tmp/sotto-server-test-XXXXXX";
    path_ = ::mkdtemp(tmpl);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path path_;
};

std::unique_ptr<store::Store> open_with_users(const TempDir& tmp) {
  auto st = store::open_data_dir(tmp.path() / "data", {.realm = std::nullopt, .create = true});
  EXPECT_TRUE(st.has_value());
  store::UserPolicy bob;
  bob.srtp = negotiation::SrtpMode::offer;
  bob.suites = {srtp::SuiteId::AEAD_AES_128_GCM};
  bob.transports = store::TransportSet::from_bits(static_cast<std::uint8_t>(store::Transport::tls) |
                                                  static_cast<std::uint8_t>(store::Transport::udp));
  EXPECT_TRUE((*st)->add_user(store::make_user("alice", "sotto", "a-secret", {}, 1000)).has_value());
  EXPECT_TRUE((*st)->add_user(store::make_user("bob", "sotto", "b-secret", bob, 1000)).has_value());
  return std::move(*st);
}

TEST(StoreAdapters, AccountsCarryDigestsAndTransportsOnly) {
  TempDir tmp;
  auto st = open_with_users(tmp);
  StoreAccounts accounts(*st);
  auto a = accounts.find("alice");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->ha1_md5, store::digest_credentials("alice", "sotto", "a-secret").ha1_md5);
  EXPECT_EQ(a->ha1_sha256, store::digest_credentials("alice", "sotto", "a-secret").ha1_sha256);
  EXPECT_TRUE(registrar::allows(a->transports, sip::Transport::tls));
  EXPECT_FALSE(registrar::allows(a->transports, sip::Transport::udp));
  EXPECT_TRUE(registrar::allows(accounts.find("bob")->transports, sip::Transport::udp));
  EXPECT_FALSE(accounts.find("carol"));
}

TEST(StoreAdapters, PoliciesFollowTheAccount) {
  TempDir tmp;
  auto st = open_with_users(tmp);
  StorePolicies policies(*st);
  auto alice = policies.lookup("alice");
  ASSERT_TRUE(alice);
  EXPECT_EQ(alice->media.mode, negotiation::SrtpMode::require);
  EXPECT_EQ(alice->allowed_transports, std::vector<sip::Transport>{sip::Transport::tls});
  EXPECT_FALSE(alice->media.allow_sdes_over_insecure_transport);  // keys never over UDP/TCP by default
  auto bob = policies.lookup("bob");
  ASSERT_TRUE(bob);
  EXPECT_EQ(bob->media.mode, negotiation::SrtpMode::offer);
  EXPECT_EQ(bob->media.suites, std::vector<srtp::SuiteId>{srtp::SuiteId::AEAD_AES_128_GCM});
  EXPECT_TRUE(bob->allows(sip::Transport::udp));
  EXPECT_FALSE(bob->allows(sip::Transport::tcp));
  EXPECT_FALSE(policies.lookup("carol"));
}

TEST(StoreAdapters, BindingsSurviveTheDatabaseWithoutTheirFlow) {
  TempDir tmp;
  auto st = open_with_users(tmp);
  registrar::Binding b;
  b.user = "alice";
  b.contact = sip::parse_uri("sips:alice@127.0.0.1:40312;ob").value();
  b.instance = "urn:uuid:00000000-0000-1000-8000-000A95A0E128";
  b.reg_id = 1;
  b.flow = sip::txn::Flow::connection(7);
  b.transport = sip::Transport::tls;
  b.source_ip = "::1";
  b.source_port = 40312;
  b.call_id = "c1";
  b.cseq = 3;
  b.expires_unix = 5000;
  b.pub_gruu = "sips:alice@localhost;gr=urn:uuid:00000000-0000-1000-8000-000A95A0E128";
  b.outbound = true;
  const store::BindingRecord r = to_record(b, 4000);
  EXPECT_EQ(r.flow, "tls [::1]:40312");
  EXPECT_EQ(r.updated_unix, 4000);
  ASSERT_TRUE(st->put_bindings({r}).has_value());
  auto rows = st->list_bindings(4500);
  ASSERT_TRUE(rows.has_value());
  auto back = from_records(*rows);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(back[0].user, "alice");
  EXPECT_TRUE(sip::uri_equivalent(back[0].contact, b.contact));
  EXPECT_EQ(back[0].instance, b.instance);
  EXPECT_EQ(back[0].reg_id, 1u);
  EXPECT_EQ(back[0].source_ip, "::1");
  EXPECT_EQ(back[0].source_port, 40312);
  EXPECT_EQ(back[0].expires_unix, 5000);
  EXPECT_EQ(back[0].pub_gruu, b.pub_gruu);
  EXPECT_TRUE(back[0].outbound);
  EXPECT_FALSE(back[0].flow_alive);  // its connection died with the old process
  EXPECT_TRUE(st->list_bindings(5000)->empty());  // expired ones are not restored
}

}  // namespace
}  // namespace sotto::server
