#include "config/server_config.hpp"

#include <gtest/gtest.h>

#include "io/listen_spec.hpp"

namespace sotto::config {
namespace {

ParseOptions io_options() {
  ParseOptions o;
  o.check_listen = [](std::string_view s) -> Status {
    auto r = io::parse_listen_spec(s);
    if (!r) return Unexpected(r.error());
    return {};
  };
  return o;
}

Result<ServerConfig> parse(std::string_view text) { return parse_config(text, "sotto.toml", io_options()); }

TEST(ServerConfig, EveryKey) {
  auto c = parse(R"(
listen = ["tls://127.0.0.1:5061", "udp://127.0.0.1:5060"]
domain = "sip.example.com"
data_dir = "/var/lib/sotto"
realm = "example"
cert = "/etc/sotto/server.crt"
key = "/etc/sotto/server.key"
ca_file = "/etc/sotto/ca.crt"
cert_names = "sip.example.com,127.0.0.1"
media_ip = "127.0.0.1"
rtp_ports = "40000-40999"
http = "127.0.0.1:8061"
log_format = "json"
dead_media_timeout = 30

[[trunk]]
name = "carrier"
uri = "sips:sip.carrier.example"
username = "acct"
password = "s3cret"
srtp = "require"
numbers = { "+441234567890" = "alice" }
prefix = "9"
)");
  ASSERT_TRUE(c) << c.error().context;
  EXPECT_EQ(*c->listen, (std::vector<std::string>{"tls://127.0.0.1:5061", "udp://127.0.0.1:5060"}));
  EXPECT_EQ(*c->domains, std::vector<std::string>{"sip.example.com"});
  EXPECT_EQ(*c->data_dir, "/var/lib/sotto");
  EXPECT_EQ(*c->realm, "example");
  EXPECT_EQ(*c->cert, "/etc/sotto/server.crt");
  EXPECT_EQ(*c->key, "/etc/sotto/server.key");
  EXPECT_EQ(*c->ca_file, "/etc/sotto/ca.crt");
  EXPECT_EQ(*c->cert_names, (std::vector<std::string>{"sip.example.com", "127.0.0.1"}));
  EXPECT_EQ(*c->media_ip, "127.0.0.1");
  EXPECT_EQ(*c->rtp_ports, (PortRange{40000, 40999}));
  EXPECT_EQ(*c->http, "127.0.0.1:8061");
  EXPECT_EQ(*c->log_format, LogFormat::json);
  EXPECT_EQ(*c->dead_media_timeout, 30.0);
  ASSERT_EQ(c->trunks.size(), 1u);
  const auto& t = c->trunks[0];
  EXPECT_EQ(t.name, "carrier");
  EXPECT_EQ(t.uri, "sips:sip.carrier.example");
  EXPECT_EQ(t.username, "acct");
  EXPECT_EQ(t.password, "s3cret");
  EXPECT_EQ(t.srtp, negotiation::SrtpMode::require);
  EXPECT_EQ(t.numbers, (std::vector<std::pair<std::string, std::string>>{{"+441234567890", "alice"}}));
  EXPECT_EQ(t.prefix, "9");
  EXPECT_EQ(t.line, 16);
}

TEST(ServerConfig, EmptyFileGivesDefaults) {
  auto c = parse("");
  ASSERT_TRUE(c);
  EXPECT_EQ(*c, ServerConfig{});
  auto e = resolve(*c);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->listen, std::vector<std::string>{"tls://127.0.0.1:5061"});
  EXPECT_EQ(e->domains, std::vector<std::string>{"localhost"});
  EXPECT_EQ(e->data_dir, "./sotto-data");
  EXPECT_FALSE(e->realm);
  EXPECT_EQ(e->cert_names, (std::vector<std::string>{"localhost", "127.0.0.1"}));
  EXPECT_EQ(e->rtp_ports, (PortRange{30000, 39999}));
  EXPECT_EQ(e->log_format, LogFormat::text);
  EXPECT_FALSE(e->http);
}

TEST(ServerConfig, ErrorsNameFileLineAndExpectation) {
  auto c = parse("domain = \"localhost\"\n\nrtp_ports = \"5-2\"\n");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().code, Errc::malformed_input);
  EXPECT_EQ(c.error().context.rfind("sotto.toml:3:", 0), 0u) << c.error().context;
  EXPECT_NE(c.error().context.find("rtp_ports: expected \"LO-HI\""), std::string::npos) << c.error().context;
  EXPECT_NE(c.error().context.find("got \"5-2\""), std::string::npos) << c.error().context;

  auto typed = parse("log_format = 3\n");
  ASSERT_FALSE(typed);
  EXPECT_NE(typed.error().context.find("sotto.toml:1:14: log_format: expected \"text\" or \"json\", got an integer"),
            std::string::npos)
      << typed.error().context;

  auto listen = parse("listen = [\"tls://127.0.0.1:5061\", \"tls://example.com\"]\n");
  ASSERT_FALSE(listen);
  EXPECT_NE(listen.error().context.find("sotto.toml:1:"), std::string::npos);
  EXPECT_NE(listen.error().context.find("not an IP address"), std::string::npos) << listen.error().context;
}

TEST(ServerConfig, UnknownKeysAreErrors) {
  auto c = parse("lisen = \"tls://127.0.0.1:5061\"\n[[trunk]]\nname = \"a\"\nuri = \"sip:x\"\npasswrd = \"p\"\n");
  ASSERT_FALSE(c);
  EXPECT_NE(c.error().context.find("sotto.toml:1:1: unknown key 'lisen'"), std::string::npos) << c.error().context;
  EXPECT_NE(c.error().context.find("sotto.toml:5:1: unknown key 'trunk.passwrd'"), std::string::npos)
      << c.error().context;
}

TEST(ServerConfig, EveryProblemIsListed) {
  auto c = parse("media_ip = \"localhost\"\nhttp = \"127.0.0.1\"\nlog_format = \"xml\"\n");
  ASSERT_FALSE(c);
  const auto& m = c.error().context;
  EXPECT_NE(m.find("sotto.toml:1:12: media_ip: expected an IPv4 or IPv6 address"), std::string::npos) << m;
  EXPECT_NE(m.find("sotto.toml:2:8: http: expected IP:PORT"), std::string::npos) << m;
  EXPECT_NE(m.find("sotto.toml:3:14: log_format: expected \"text\" or \"json\", got \"xml\""), std::string::npos) << m;
}

TEST(ServerConfig, TomlSyntaxErrorsHaveALine) {
  auto c = parse("listen = \"tls://127.0.0.1:5061\"\nrealm = \n");
  ASSERT_FALSE(c);
  EXPECT_EQ(c.error().context.rfind("sotto.toml:2:", 0), 0u) << c.error().context;
}

TEST(ServerConfig, TrunkChecks) {
  auto missing = parse("[[trunk]]\nusername = \"u\"\n");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().context.find("missing key 'name'"), std::string::npos);
  EXPECT_NE(missing.error().context.find("missing key 'uri'"), std::string::npos);

  auto dup = parse("[[trunk]]\nname = \"a\"\nuri = \"sip:x\"\n[[trunk]]\nname = \"a\"\nuri = \"sips:y\"\n");
  ASSERT_FALSE(dup);
  EXPECT_NE(dup.error().context.find("sotto.toml:4:1: trunk: name 'a' is already used by the trunk at line 1"),
            std::string::npos)
      << dup.error().context;

  auto bad = parse(
      "[[trunk]]\nname = \"a\"\nuri = \"http://x\"\nsrtp = \"maybe\"\npassword = \"p\"\n"
      "numbers = { \"12a\" = \"alice\", \"+44\" = \"bad user\" }\n");
  ASSERT_FALSE(bad);
  const auto& m = bad.error().context;
  EXPECT_NE(m.find("trunk.uri: 'http://x': expected sips:HOST"), std::string::npos) << m;
  EXPECT_NE(m.find("trunk.srtp: expected \"off\", \"offer\" or \"require\", got \"maybe\""), std::string::npos) << m;
  EXPECT_NE(m.find("'password' given without 'username'"), std::string::npos) << m;
  EXPECT_NE(m.find("number '12a'"), std::string::npos) << m;
  EXPECT_NE(m.find("user 'bad user'"), std::string::npos) << m;

  auto not_array = parse("[trunk]\nname = \"a\"\n");
  ASSERT_FALSE(not_array);
  EXPECT_NE(not_array.error().context.find("expected [[trunk]] sections"), std::string::npos);
}

TEST(ServerConfig, TrunkRegistration) {
  auto ok = parse("[[trunk]]\nname = \"c\"\nuri = \"sips:127.0.0.1:5090\"\nusername = \"acme\"\npassword = \"pw\"\n"
                  "register = true\nregister_expires = 300\ncontact_user = \"+15550001\"\n"
                  "registrar = \"sips:reg.carrier.example:5061\"\npai = \"sip:+15550001@carrier.example\"\n");
  ASSERT_TRUE(ok) << ok.error().context;
  const auto& t = ok->trunks.at(0);
  EXPECT_TRUE(t.register_);
  EXPECT_EQ(t.register_expires, 300u);
  EXPECT_EQ(t.contact_user, "+15550001");
  EXPECT_EQ(t.registrar, "sips:reg.carrier.example:5061");
  EXPECT_EQ(t.pai, "sip:+15550001@carrier.example");
  auto defaults = parse("[[trunk]]\nname = \"c\"\nuri = \"sips:127.0.0.1:5090\"\nusername = \"acme\"\npassword = \"pw\"\n"
                        "register = true\n");
  ASSERT_TRUE(defaults) << defaults.error().context;
  EXPECT_EQ(defaults->trunks.at(0).register_expires, 600u);
  EXPECT_TRUE(defaults->trunks.at(0).contact_user.empty());
  // The effective config round-trips.
  auto eff = config::resolve(*ok);
  ASSERT_TRUE(eff) << eff.error().context;
  auto again = parse(config::to_toml(*eff));
  ASSERT_TRUE(again) << again.error().context;
  EXPECT_TRUE(again->trunks.at(0).register_);
  EXPECT_EQ(again->trunks.at(0).contact_user, "+15550001");

  auto bad = parse("[[trunk]]\nname = \"c\"\nuri = \"sip:127.0.0.1:5090\"\nusername = \"acme\"\npassword = \"pw\"\n"
                   "register = true\nregister_expires = 5\nregistrar = \"sip:x.example\"\ncontact_user = \"a b\"\n"
                   "pai = \"tel:+1555\"\n");
  ASSERT_FALSE(bad);
  const auto& m = bad.error().context;
  EXPECT_NE(m.find("sotto.toml:7:20: trunk.register_expires: expected seconds from 60 to 86400, got 5"), std::string::npos) << m;
  EXPECT_NE(m.find("sotto.toml:8:13: trunk.registrar: 'sip:x.example': expected a sips: URI"), std::string::npos) << m;
  EXPECT_NE(m.find("sotto.toml:9:16: trunk.contact_user: user 'a b'"), std::string::npos) << m;
  EXPECT_NE(m.find("sotto.toml:10:7: trunk.pai: 'tel:+1555': expected sips:USER@HOST"), std::string::npos) << m;

  auto plain = parse("[[trunk]]\nname = \"c\"\nuri = \"sip:127.0.0.1:5090\"\nusername = \"acme\"\npassword = \"pw\"\n"
                     "register = true\n");
  ASSERT_FALSE(plain);
  EXPECT_NE(plain.error().context.find("sotto.toml:1:1: trunk: 'register = true' registers over TLS: 'uri' must be sips:"),
            std::string::npos) << plain.error().context;

  auto without = parse("[[trunk]]\nname = \"c\"\nuri = \"sips:127.0.0.1:5090\"\ncontact_user = \"x\"\nregister_expires = 300\n");
  ASSERT_FALSE(without);
  EXPECT_NE(without.error().context.find("sotto.toml:4:16: trunk.contact_user: only with 'register = true'"), std::string::npos)
      << without.error().context;
  EXPECT_NE(without.error().context.find("sotto.toml:5:20: trunk.register_expires: only with 'register = true'"),
            std::string::npos) << without.error().context;
}

TEST(ServerConfig, TrunkSourcesAndRegister) {
  auto ok = parse("[[trunk]]\nname = \"c\"\nuri = \"sips:127.0.0.1:5090\"\nsources = [\"127.0.0.2\", \"::1\"]\n"
                  "register = false\n");
  ASSERT_TRUE(ok) << ok.error().context;
  EXPECT_EQ(ok->trunks.at(0).sources, (std::vector<std::string>{"127.0.0.2", "::1"}));
  auto bad = parse("[[trunk]]\nname = \"c\"\nuri = \"sips:c.example\"\nsources = [\"c.example\"]\nregister = true\n");
  ASSERT_FALSE(bad);
  const auto& m = bad.error().context;
  EXPECT_NE(m.find("sotto.toml:4:"), std::string::npos) << m;
  EXPECT_NE(m.find("trunk.sources: "), std::string::npos) << m;
  EXPECT_NE(m.find("sotto.toml:1:1: trunk: 'register = true' needs 'username' and 'password'"), std::string::npos) << m;
  auto suites = parse("[[trunk]]\nname = \"c\"\nuri = \"sips:c.example\"\nsuites = [\"AEAD_AES_128_GCM\", \"NULL\"]\n");
  ASSERT_FALSE(suites);
  EXPECT_NE(suites.error().context.find("sotto.toml:4:31: trunk.suites: 'NULL': expected an SRTP suite"), std::string::npos)
      << suites.error().context;
  auto good = parse("[[trunk]]\nname = \"c\"\nuri = \"sips:c.example\"\nsuites = \"AEAD_AES_128_GCM,AES_CM_128_HMAC_SHA1_80\"\n");
  ASSERT_TRUE(good) << good.error().context;
  EXPECT_EQ(good->trunks.at(0).suites, (std::vector<std::string>{"AEAD_AES_128_GCM", "AES_CM_128_HMAC_SHA1_80"}));
  auto not_bool = parse("[[trunk]]\nname = \"c\"\nuri = \"sips:c.example\"\nregister = \"no\"\n");
  ASSERT_FALSE(not_bool);
  EXPECT_NE(not_bool.error().context.find("trunk.register: expected a boolean, got a string"), std::string::npos);
}

TEST(ServerConfig, FlagsOverrideKeys) {
  auto file = parse("listen = \"tls://127.0.0.1:5061\"\nrealm = \"example\"\nlog_format = \"json\"\n"
                    "[[trunk]]\nname = \"c\"\nuri = \"sips:c.example\"\n");
  ASSERT_TRUE(file);
  ServerConfig flags;
  flags.listen = std::vector<std::string>{"udp://127.0.0.1:5070"};
  flags.log_format = LogFormat::text;
  flags.media_ip = "127.0.0.2";
  const auto m = merge(*file, flags);
  EXPECT_EQ(*m.listen, std::vector<std::string>{"udp://127.0.0.1:5070"});
  EXPECT_EQ(*m.log_format, LogFormat::text);
  EXPECT_EQ(*m.media_ip, "127.0.0.2");
  EXPECT_EQ(*m.realm, "example");  // not given as a flag: the file's
  EXPECT_EQ(m.trunks.size(), 1u);
  EXPECT_EQ(merge(*file, ServerConfig{}), *file);
}

TEST(ServerConfig, CertAndKeyGoTogether) {
  ServerConfig c;
  c.cert = "a.crt";
  auto r = resolve(c);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().context.find("cert is set without key"), std::string::npos);
}

TEST(ServerConfig, EffectiveSettingsRoundTrip) {
  auto file = parse(
      "listen = \"tls://127.0.0.1:5061, udp://127.0.0.1:5060\"\nhttp = \"[::1]:8061\"\n"
      "[[trunk]]\nname = \"c\"\nuri = \"sips:c.example\"\nnumbers = { \"+1555\" = \"bob\" }\n");
  ASSERT_TRUE(file) << file.error().context;
  auto eff = resolve(*file);
  ASSERT_TRUE(eff);
  const std::string text = to_toml(*eff);
  auto again = parse(text);
  ASSERT_TRUE(again) << again.error().context << "\n" << text;
  auto eff2 = resolve(*again);
  ASSERT_TRUE(eff2);
  EXPECT_EQ(to_toml(*eff2), text);
  EXPECT_EQ(eff2->listen, (std::vector<std::string>{"tls://127.0.0.1:5061", "udp://127.0.0.1:5060"}));
}

TEST(ServerConfig, Validators) {
  EXPECT_TRUE(parse_port_range("1024-65535"));
  EXPECT_FALSE(parse_port_range("1023-2000"));
  EXPECT_FALSE(parse_port_range("2000-2000"));
  EXPECT_FALSE(parse_port_range("2000-99999"));
  EXPECT_FALSE(parse_port_range("a-b"));
  EXPECT_FALSE(parse_port_range("2000"));
  EXPECT_TRUE(check_host_port("127.0.0.1:8061"));
  EXPECT_TRUE(check_host_port("[::1]:8061"));
  EXPECT_FALSE(check_host_port("localhost:8061"));
  EXPECT_FALSE(check_host_port("127.0.0.1:0"));
  EXPECT_FALSE(check_host_port("::1:8061"));
  EXPECT_TRUE(check_cert_name("sip.example.com"));
  EXPECT_FALSE(check_cert_name("*.example.com"));
}

}  // namespace
TEST(ServerConfig, DeadMediaTimeoutIsSecondsFromOneToADay) {
  auto ok = parse_config("dead_media_timeout = 2.5\n", "sotto.toml");
  ASSERT_TRUE(ok) << ok.error().context;
  EXPECT_EQ(*ok->dead_media_timeout, 2.5);
  auto e = resolve(ServerConfig{});
  ASSERT_TRUE(e);
  EXPECT_EQ(e->dead_media_timeout, 60.0);
  for (const char* bad : {"dead_media_timeout = 0\n", "dead_media_timeout = 86401\n", "dead_media_timeout = \"1\"\n"}) {
    auto r = parse_config(bad, "sotto.toml");
    ASSERT_FALSE(r) << bad;
    EXPECT_NE(r.error().context.find("sotto.toml:1:22: dead_media_timeout: expected seconds from 1 to 86400"),
              std::string::npos)
        << r.error().context;
  }
}

}  // namespace sotto::config
