// The registrar against the project's own user agent (core/ua) in virtual time: challenge, SHA-256 answer,
// refreshes at half the expiry for two hours, INVITE
// digest with 407, wrong password, removal.
#include <gtest/gtest.h>

#include "core/registrar/registrar.hpp"
#include "core/registrar/testing_registrar.hpp"
#include "core/ua/testing_peers.hpp"

namespace sotto::registrar {
namespace {

using namespace std::chrono_literals;
using ua::testing::Network;
using Kind = ua::UaEvent::Kind;

struct UaFixture {
  testing::MapAccounts accounts;
  sotto::testing::DeterministicRandom rng{11};
  Registrar reg;
  ua::UserAgent alice;
  Network net;
  int a = 0;
  int r = 0;
  std::int64_t unix_at_start = 1'800'000'000;
  std::vector<BindingChange> changes;
  std::vector<std::optional<std::string>> invite_users;

  static RegistrarConfig config() {
    RegistrarConfig c;
    c.addresses = {"127.0.0.1"};
    c.max_expires = 600;
    return c;
  }
  static ua::UaConfig ua_config(const std::string& password) {
    ua::UaConfig c = ua::testing::config("alice", 5061);
    c.credentials = auth::DigestCredentials{"alice", password};
    c.registrar = ua::testing::uri("sips:127.0.0.1:5090");
    return c;
  }

  explicit UaFixture(const std::string& password = "secret") : reg(config(), accounts, rng), alice(ua_config(password)) {
    accounts.add("alice", "secret");
    a = net.add_ua("alice", alice);
    r = net.add_script("registrar", {ua::LocalBinding{"TLS", "127.0.0.1", 5090}},
                       [this](Network& n, int node, sip::txn::Flow flow, const sip::SipMessage& m) {
                         if (!m.is_request()) return;
                         RequestContext ctx{flow, sip::Transport::tls, "127.0.0.1", 5061, true};
                         const std::int64_t unix_now =
                             unix_at_start + std::chrono::duration_cast<std::chrono::seconds>(n.now - Timestamp{}).count();
                         for (auto& c : reg.handle_timeout(n.now)) changes.push_back(c);
                         if (m.method() == sip::MethodId::register_) {
                           auto out = reg.handle_register(n.now, unix_now, ctx, m);
                           for (auto& c : out.changes) changes.push_back(c);
                           if (out.response) n.send(node, flow, *out.response);
                         } else if (m.method() == sip::MethodId::invite) {
                           AuthDecision d = reg.authenticate(n.now, ctx, m);
                           invite_users.push_back(d.user);
                           if (d.response) n.send(node, flow, *d.response);
                           else n.send(node, flow, ua::testing::reply(m, 486, "Busy Here"));
                         }
                       });
  }
};

TEST(RegistrarWithUa, RegistersAndStaysRegisteredAcrossRefreshes) {
  UaFixture f;
  ASSERT_TRUE(f.alice.register_account(f.net.now));
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has(f.a, Kind::registered); }));
  EXPECT_EQ(f.net.find(f.a, Kind::registered)->expires, 600u);
  auto found = f.reg.lookup(f.net.now, "alice");
  ASSERT_EQ(found.size(), 1u);
  EXPECT_EQ(found[0].contact.user, "alice");
  EXPECT_EQ(f.reg.stats().auth_ok, 1u);
  // Two hours: a refresh every 300 s, each answered 200; the binding never lapses.
  f.net.run_for(2h);
  int refreshes = 0;
  while (f.net.find(f.a, Kind::registered, refreshes + 1)) ++refreshes;
  EXPECT_GE(refreshes, 22);
  EXPECT_FALSE(f.net.has(f.a, Kind::registration_failed));
  EXPECT_EQ(f.reg.lookup(f.net.now, "alice").size(), 1u);
  EXPECT_EQ(f.reg.stats().auth_failed, 0u);
  EXPECT_EQ(f.reg.stats().throttle.blocks, 0u);
  // This UA starts each refresh without credentials: one challenge and one correct answer per REGISTER.
  EXPECT_EQ(f.reg.stats().challenges, static_cast<std::uint64_t>(refreshes + 1));
  EXPECT_EQ(f.reg.stats().auth_ok, static_cast<std::uint64_t>(refreshes + 1));
  // Removal.
  ASSERT_TRUE(f.alice.unregister(f.net.now));
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has(f.a, Kind::unregistered); }));
  EXPECT_TRUE(f.reg.lookup(f.net.now, "alice").empty());
  ASSERT_FALSE(f.changes.empty());
  EXPECT_EQ(f.changes.front().kind, BindingChangeKind::added);
  EXPECT_EQ(f.changes.back().kind, BindingChangeKind::removed);
}

TEST(RegistrarWithUa, WrongPasswordFailsOnce) {
  UaFixture f("wrong");
  ASSERT_TRUE(f.alice.register_account(f.net.now));
  ASSERT_TRUE(f.net.run_until([&] { return f.net.has(f.a, Kind::registration_failed); }));
  EXPECT_EQ(f.net.find(f.a, Kind::registration_failed)->status, 401);
  EXPECT_EQ(f.reg.stats().auth_failed, 1u);
  EXPECT_TRUE(f.reg.lookup(f.net.now, "alice").empty());
}

TEST(RegistrarWithUa, InviteIsAuthenticatedWith407) {
  UaFixture f;
  ASSERT_TRUE(f.alice.call(f.net.now, ua::testing::uri("sips:bob@127.0.0.1:5090"),
                           ua::CallOptions{"127.0.0.1", 40000, "IP4"}));
  ASSERT_TRUE(f.net.run_until([&] { return f.invite_users.size() >= 2; }));
  EXPECT_FALSE(f.invite_users[0]);
  EXPECT_EQ(f.invite_users[1], std::optional<std::string>("alice"));
}

}  // namespace
}  // namespace sotto::registrar
