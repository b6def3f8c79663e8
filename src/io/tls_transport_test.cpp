#include "io/tls_transport.hpp"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <openssl/ssl.h>

#include <asio/ssl.hpp>
#include <asio/write.hpp>
#include <fstream>
#include <sstream>

#include "io/testing/io_test_support.hpp"

namespace sotto::io {
namespace {

using testing::bytes;
using testing::EventLog;
using testing::run_until;
using testing::TestPki;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

TlsConfig server_cfg() {
  const auto& pki = TestPki::get();
  TlsConfig c;
  c.cert_chain_file = pki.server;
  c.key_file = pki.server_key;
  return c;
}

TlsConfig client_cfg() {
  TlsConfig c;
  c.ca_file = TestPki::get().ca;
  return c;
}

struct TlsPair {
  asio::io_context io;
  EventLog slog, clog;
  std::unique_ptr<TlsTransport> server, client;
  Endpoint ep;

  TlsPair(TlsConfig s, TlsConfig c, const char* listen = "127.0.0.1:0") {
    auto sctx = TlsContext::create(TlsRole::server, std::move(s));
    auto cctx = TlsContext::create(TlsRole::client, std::move(c));
    if (!sctx) throw std::runtime_error(sctx.error().message());
    if (!cctx) throw std::runtime_error(cctx.error().message());
    server = std::make_unique<TlsTransport>(io, slog.handler(), *sctx, nullptr);
    client = std::make_unique<TlsTransport>(io, clog.handler(), nullptr, *cctx);
    ep = *server->listen(*Endpoint::parse(listen));
  }

  // Connects and runs until the client connection opened or closed; returns its id.
  ConnectionId dial(const ConnectOptions& o = {}) {
    auto id = client->connect(ep, o);
    if (!id) throw std::runtime_error(id.error().message());
    const ConnectionId cid = *id;
    EXPECT_TRUE(run_until(io, [&] { return clog.opened(cid) || clog.closed(cid); }));
    return cid;
  }
  // The server's view of a failed inbound handshake.
  const ConnectionClosed* server_close() {
    EXPECT_TRUE(run_until(io, [&] { return slog.first_closed(true) != nullptr; }));
    return slog.first_closed(true);
  }
};

std::string error_of(const ConnectionClosed* c) { return c && c->error ? c->error->context : "<no error>"; }

TEST(TlsTransport, HandshakeVerifiesAndEchoes) {
  TlsPair p(server_cfg(), client_cfg());
  p.slog.on_event = [&](const TransportEvent& ev) {
    if (auto* r = std::get_if<Received>(&ev)) {
      ASSERT_TRUE(p.server->send(r->connection, r->bytes));
    }
  };
  const ConnectionId id = p.dial();
  const ConnectionOpened* o = p.clog.opened(id);
  ASSERT_NE(o, nullptr) << error_of(p.clog.closed(id));
  ASSERT_TRUE(o->tls);
  EXPECT_EQ(o->tls->version, "TLSv1.3");
  EXPECT_EQ(o->tls->cipher, "TLS_AES_128_GCM_SHA256");
  EXPECT_EQ(o->tls->peer_subject, "CN=127.0.0.1");
  EXPECT_EQ(o->tls->peer_issuer, "CN=sotto test CA,O=sotto");
  EXPECT_THAT(o->tls->peer_sans, ElementsAre("DNS:127.0.0.1", "DNS:localhost", "IP:127.0.0.1"));
  EXPECT_TRUE(o->tls->peer_verified);
  EXPECT_EQ(o->tls->verify_result_text, "ok");
  EXPECT_EQ(o->tls->sni, "");  // dialled by IP: no SNI (RFC 6066 3)

  const std::string msg = "OPTIONS sip:127.0.0.1 SIP/2.0\r\nContent-Length: 0\r\n\r\n";
  ASSERT_TRUE(p.client->send(id, bytes(msg)));
  ASSERT_TRUE(run_until(p.io, [&] { return p.clog.stream(id).size() == msg.size(); }));
  EXPECT_EQ(p.clog.stream(id), msg);

  const ConnectionOpened* in = p.slog.first_inbound();
  ASSERT_NE(in, nullptr);
  ASSERT_TRUE(in->tls);
  EXPECT_EQ(in->tls->peer_subject, "");  // no client certificate requested
  EXPECT_EQ(p.server->find_by_remote(o->local)->id(), in->connection);

  ASSERT_TRUE(p.client->close(id));  // close_notify both ways
  ASSERT_TRUE(run_until(p.io, [&] { return p.clog.closed(id) && p.slog.closed(in->connection); }));
  EXPECT_EQ(p.clog.closed(id)->reason, CloseReason::local_close);
  EXPECT_EQ(p.slog.closed(in->connection)->reason, CloseReason::peer_closed);
  EXPECT_FALSE(p.slog.closed(in->connection)->error);
}

// Messages much larger than a TLS record and than the socket buffers: partial writes (WANT_WRITE), many
// records per message, reads across record boundaries, in both directions at once.
TEST(TlsTransport, LargeMessagesEchoIntactUnderBackpressure) {
  TlsPair p(server_cfg(), client_cfg());
  p.slog.on_event = [&](const TransportEvent& ev) {
    if (auto* r = std::get_if<Received>(&ev)) {
      ASSERT_TRUE(p.server->send(r->connection, r->bytes));
    }
  };
  const ConnectionId id = p.dial();
  ASSERT_NE(p.clog.opened(id), nullptr) << error_of(p.clog.closed(id));
  std::string all;
  for (int round = 0; round < 3; ++round) {  // 8 x 100 KiB per round: within the 1 MiB send queue
    for (int m = 0; m < 8; ++m) {
      std::string msg(100 * 1024 + m * 7, '\0');
      for (std::size_t i = 0; i < msg.size(); ++i) msg[i] = static_cast<char>('a' + (i * 31 + m + round) % 26);
      ASSERT_TRUE(p.client->send(id, bytes(msg)));
      all += msg;
    }
    ASSERT_TRUE(run_until(p.io, [&] { return p.clog.stream(id).size() >= all.size(); }, std::chrono::seconds(20)));
  }
  EXPECT_TRUE(p.clog.stream(id) == all) << "echoed bytes differ";
  EXPECT_EQ(p.clog.closed(id), nullptr);
}

TEST(TlsTransport, Tls12ClientGetsAnEcdheAeadCipher) {
  TlsConfig c = client_cfg();
  c.max_version = TlsVersion::tls1_2;
  TlsPair p(server_cfg(), c);
  const ConnectionId id = p.dial();
  ASSERT_NE(p.clog.opened(id), nullptr) << error_of(p.clog.closed(id));
  EXPECT_EQ(p.clog.opened(id)->tls->version, "TLSv1.2");
  EXPECT_EQ(p.clog.opened(id)->tls->cipher, "ECDHE-ECDSA-AES128-GCM-SHA256");
}

TEST(TlsTransport, HostNameIsSentAsSniAndChecked) {
  TlsPair p(server_cfg(), client_cfg());
  const ConnectionId id = p.dial({.server_name = "localhost"});
  ASSERT_NE(p.clog.opened(id), nullptr) << error_of(p.clog.closed(id));
  EXPECT_EQ(p.clog.opened(id)->tls->sni, "localhost");
  ASSERT_TRUE(run_until(p.io, [&] { return p.slog.first_inbound() != nullptr; }));
  EXPECT_EQ(p.slog.first_inbound()->tls->sni, "localhost");
  EXPECT_EQ(p.client->find(id)->server_name(), "localhost");
}

TEST(TlsTransport, UnknownCaIsRefusedWithTheIssuerNamed) {
  TlsConfig c;
  c.ca_file = TestPki::get().other_ca;
  TlsPair p(server_cfg(), c);
  const ConnectionId id = p.dial();
  const ConnectionClosed* closed = p.clog.closed(id);
  ASSERT_NE(closed, nullptr);
  EXPECT_EQ(closed->reason, CloseReason::handshake_failed);
  EXPECT_EQ(error_of(closed), "certificate verify failed: unknown CA (issuer CN=sotto test CA,O=sotto)");
  EXPECT_EQ(closed->error->message(), "crypto error: certificate verify failed: unknown CA (issuer CN=sotto test CA,O=sotto)");
  EXPECT_EQ(error_of(p.server_close()), "handshake failed: peer rejected our certificate: unknown CA");
}

TEST(TlsTransport, SystemStoreDoesNotTrustOurTestCa) {
  TlsPair p(server_cfg(), TlsConfig{});  // no ca_file: /etc/ssl/certs
  const ConnectionId id = p.dial();
  EXPECT_THAT(error_of(p.clog.closed(id)), HasSubstr("certificate verify failed: unknown CA (issuer CN=sotto test CA"));
}

TEST(TlsTransport, NameMismatchListsWhatTheCertificateHas) {
  TlsPair p(server_cfg(), client_cfg(), "127.0.0.2:0");  // cert is for 127.0.0.1, we dial 127.0.0.2
  const ConnectionId id = p.dial();
  EXPECT_EQ(error_of(p.clog.closed(id)),
            "certificate name mismatch: expected 127.0.0.2, certificate has DNS:127.0.0.1, DNS:localhost, IP:127.0.0.1");
  const ConnectionId id2 = p.dial({.server_name = "sip.example.com"});
  EXPECT_THAT(error_of(p.clog.closed(id2)), StartsWith("certificate name mismatch: expected sip.example.com"));
}

TEST(TlsTransport, ExpiredCertificateNamesTheDate) {
  TlsConfig s;
  s.cert_chain_file = TestPki::get().expired;
  s.key_file = TestPki::get().expired_key;
  TlsPair p(s, client_cfg());
  const ConnectionId id = p.dial();
  const std::time_t yesterday = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now() - std::chrono::hours(24));
  std::tm tm{};
  gmtime_r(&yesterday, &tm);
  char date[16];
  std::strftime(date, sizeof date, "%Y-%m-%d", &tm);
  EXPECT_EQ(error_of(p.clog.closed(id)), std::string("certificate expired on ") + date + " (subject CN=127.0.0.1)");
}

TEST(TlsTransport, WildcardRefusedUnlessAllowed) {
  TlsConfig s;
  s.cert_chain_file = TestPki::get().wildcard;
  s.key_file = TestPki::get().wildcard_key;
  {
    TlsPair p(s, client_cfg());
    const ConnectionId id = p.dial({.server_name = "proxy.sotto.test"});
    EXPECT_EQ(error_of(p.clog.closed(id)),
              "certificate name mismatch: expected proxy.sotto.test, certificate has DNS:*.sotto.test (wildcard "
              "certificates are refused, RFC 5922 7.2; --tls-allow-wildcards accepts them)");
  }
  TlsConfig c = client_cfg();
  c.allow_wildcards = true;
  TlsPair p(s, c);
  const ConnectionId id = p.dial({.server_name = "proxy.sotto.test"});
  EXPECT_NE(p.clog.opened(id), nullptr) << error_of(p.clog.closed(id));
}

// A client that can only do TLS 1.1, built on a raw SSL_CTX (OpenSSL 3 needs security level 0 for it).
TEST(TlsTransport, Tls11ClientIsRefused) {
  TlsPair p(server_cfg(), client_cfg());
  asio::ssl::context old(asio::ssl::context::tls_client);
  SSL_CTX_set_min_proto_version(old.native_handle(), TLS1_VERSION);
  SSL_CTX_set_max_proto_version(old.native_handle(), TLS1_1_VERSION);
  SSL_CTX_set_cipher_list(old.native_handle(), "DEFAULT:@SECLEVEL=0");
  asio::ssl::stream<asio::ip::tcp::socket> s(p.io, old);
  s.next_layer().connect(p.ep.tcp());
  std::optional<std::error_code> result;
  s.async_handshake(asio::ssl::stream_base::client, [&](const std::error_code& ec) { result = ec; });
  ASSERT_TRUE(run_until(p.io, [&] { return result.has_value() && p.slog.first_closed(true); }));
  EXPECT_TRUE(*result);  // the old client failed too
  const ConnectionClosed* c = p.slog.first_closed(true);
  EXPECT_EQ(c->reason, CloseReason::handshake_failed);
  EXPECT_EQ(error_of(c), "handshake failed: peer offered only TLS 1.1");
  EXPECT_EQ(p.slog.count<ConnectionOpened>(), 0u);
}

// Our client against a server that can only do TLS 1.0.
TEST(TlsTransport, Tls10ServerIsRefused) {
  asio::io_context io;
  EventLog log;
  auto cctx = TlsContext::create(TlsRole::client, client_cfg());
  ASSERT_TRUE(cctx);
  TlsTransport client(io, log.handler(), nullptr, *cctx);
  asio::ssl::context old(asio::ssl::context::tls_server);
  SSL_CTX_set_min_proto_version(old.native_handle(), TLS1_VERSION);
  SSL_CTX_set_max_proto_version(old.native_handle(), TLS1_VERSION);
  SSL_CTX_set_cipher_list(old.native_handle(), "DEFAULT:@SECLEVEL=0");
  old.use_certificate_chain_file(TestPki::get().server);
  old.use_private_key_file(TestPki::get().server_key, asio::ssl::context::pem);
  asio::ip::tcp::acceptor acc(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  asio::ssl::stream<asio::ip::tcp::socket> s(io, old);
  acc.async_accept(s.next_layer(), [&](const std::error_code& ec) {
    if (!ec) s.async_handshake(asio::ssl::stream_base::server, [](const std::error_code&) {});
  });
  auto id = client.connect(Endpoint::from(acc.local_endpoint()));
  ASSERT_TRUE(id);
  ASSERT_TRUE(run_until(io, [&] { return log.closed(*id) != nullptr; }));
  // It answers our ClientHello with a protocol_version alert, so we cannot know its exact version.
  EXPECT_EQ(error_of(log.closed(*id)), "handshake failed: peer refused our TLS versions (TLS 1.2 to TLS 1.3)");
}

TEST(TlsTransport, MutualTlsRequiredMissingAndPresent) {
  const auto& pki = TestPki::get();
  TlsConfig s = server_cfg();
  s.require_client_cert = true;
  s.ca_file = pki.ca;
  {
    TlsPair p(s, client_cfg());  // client has no certificate
    ASSERT_TRUE(p.client->connect(p.ep));
    EXPECT_EQ(error_of(p.server_close()), "handshake failed: client sent no certificate (require_client_cert)");
    EXPECT_EQ(p.slog.count<ConnectionOpened>(), 0u);
    // TLS 1.3 client handshakes finish before the server judges them: the client learns on its first read.
    ASSERT_TRUE(run_until(p.io, [&] { return p.clog.count<ConnectionClosed>() == 1; }));
    EXPECT_THAT(error_of(p.clog.first_closed(false)), HasSubstr("peer requires a client certificate"));
  }
  {
    TlsConfig c = client_cfg();
    c.cert_chain_file = pki.client;
    c.key_file = pki.client_key;
    TlsPair p(s, c);
    const ConnectionId id = p.dial();
    ASSERT_NE(p.clog.opened(id), nullptr) << error_of(p.clog.closed(id));
    ASSERT_TRUE(run_until(p.io, [&] { return p.slog.first_inbound() != nullptr; }));
    const auto& info = *p.slog.first_inbound()->tls;
    EXPECT_EQ(info.peer_subject, "CN=alice");
    EXPECT_THAT(info.peer_sans, ElementsAre("URI:sip:alice@127.0.0.1"));
    EXPECT_TRUE(info.peer_verified);
  }
  {
    TlsConfig c = client_cfg();
    c.cert_chain_file = pki.other_server;  // from the other CA
    c.key_file = pki.other_server_key;
    TlsPair p(s, c);
    ASSERT_TRUE(p.client->connect(p.ep));
    EXPECT_EQ(error_of(p.server_close()), "certificate verify failed: unknown CA (issuer CN=other CA)");
  }
}

TEST(TlsTransport, ClientCertificateRequestedNotRequired) {
  const auto& pki = TestPki::get();
  TlsConfig s = server_cfg();
  s.request_client_cert = true;
  s.ca_file = pki.ca;
  const auto inbound_of = [](const TlsConfig& server, const TlsConfig& client) {
    TlsPair p(server, client);
    const ConnectionId id = p.dial();
    EXPECT_NE(p.clog.opened(id), nullptr) << error_of(p.clog.closed(id));
    EXPECT_TRUE(run_until(p.io, [&] { return p.slog.first_inbound() != nullptr; }));
    return p.slog.first_inbound() ? *p.slog.first_inbound()->tls : TlsSessionInfo{};
  };
  // Without a certificate: accepted, nothing recorded.
  TlsSessionInfo none = inbound_of(s, client_cfg());
  EXPECT_EQ(none.peer_subject, "");
  // One from our CA: its subject, verified.
  TlsConfig alice = client_cfg();
  alice.cert_chain_file = pki.client;
  alice.key_file = pki.client_key;
  TlsSessionInfo a = inbound_of(s, alice);
  EXPECT_EQ(a.peer_subject, "CN=alice");
  EXPECT_EQ(a.verify_result, 0);
  // One from another CA: still accepted (requested, not required), and said not to verify.
  TlsConfig other = client_cfg();
  other.cert_chain_file = pki.other_server;
  other.key_file = pki.other_server_key;
  TlsSessionInfo o = inbound_of(s, other);
  EXPECT_FALSE(o.peer_subject.empty());
  EXPECT_NE(o.verify_result, 0);
  EXPECT_NE(o.verify_result_text, "ok");
}

TEST(TlsTransport, CombinedPemAndConfiguredCbcCipher) {
  std::vector<std::string> warnings;
  TlsConfig s;
  s.cert_chain_file = TestPki::get().server_combined;  // cert + key in one file, as baresip does
  s.cipher_list = "AES128-SHA";                         // a carrier that insists on RSA-AES-CBC
  // AES128-SHA needs an RSA certificate; ours is ECDSA, so pair it with an ECDSA CBC suite as well.
  s.cipher_list = "ECDHE-ECDSA-AES128-SHA:AES128-SHA";
  s.on_warning = [&](std::string_view w) { warnings.emplace_back(w); };
  TlsConfig c = client_cfg();
  c.max_version = TlsVersion::tls1_2;
  c.cipher_list = "ECDHE-ECDSA-AES128-SHA";
  c.on_warning = s.on_warning;
  TlsPair p(s, c);
  const ConnectionId id = p.dial();
  ASSERT_NE(p.clog.opened(id), nullptr) << error_of(p.clog.closed(id));
  EXPECT_EQ(p.clog.opened(id)->tls->cipher, "ECDHE-ECDSA-AES128-SHA");
  ASSERT_EQ(warnings.size(), 2u);
  EXPECT_THAT(warnings[0], HasSubstr("non-default TLS 1.2 cipher list"));
}

TEST(TlsTransport, KeylogOnlyWhenConfiguredAndWarned) {
  const auto dir = testing::make_temp_dir("keylog");
  const auto env_file = dir / "from-env.log";
  ::setenv("SSLKEYLOGFILE", env_file.c_str(), 1);
  std::vector<std::string> warnings;
  TlsConfig c = client_cfg();
  c.on_warning = [&](std::string_view w) { warnings.emplace_back(w); };
  {
    TlsPair p(server_cfg(), c);  // SSLKEYLOGFILE set but not enabled: ignored
    ASSERT_NE(p.clog.opened(p.dial()), nullptr);
  }
  EXPECT_FALSE(std::filesystem::exists(env_file));
  EXPECT_TRUE(warnings.empty());

  c.keylog_file = (dir / "keys.log").string();
  {
    TlsPair p(server_cfg(), c);
    ASSERT_NE(p.clog.opened(p.dial()), nullptr);
  }
  ASSERT_EQ(warnings.size(), 1u);
  EXPECT_THAT(warnings[0], HasSubstr("TLS key logging is ON"));
  EXPECT_THAT(warnings[0], HasSubstr("keys.log"));
  std::stringstream keys;
  keys << std::ifstream(dir / "keys.log").rdbuf();
  EXPECT_THAT(keys.str(), HasSubstr("CLIENT_TRAFFIC_SECRET_0 "));

  c.keylog_file.clear();
  c.keylog_from_env = true;
  {
    TlsPair p(server_cfg(), c);
    ASSERT_NE(p.clog.opened(p.dial()), nullptr);
  }
  EXPECT_TRUE(std::filesystem::exists(env_file));
  ::unsetenv("SSLKEYLOGFILE");
  std::filesystem::remove_all(dir);
}

TEST(TlsTransport, PlainTextOnTheTlsPortIsNamed) {
  TlsPair p(server_cfg(), client_cfg());
  asio::ip::tcp::socket raw(p.io);
  raw.connect(p.ep.tcp());
  asio::write(raw, asio::buffer(std::string("OPTIONS sip:x SIP/2.0\r\n\r\n")));
  EXPECT_THAT(error_of(p.server_close()), HasSubstr("handshake failed: peer does not speak TLS here"));
}

TEST(TlsContext, ConfigurationErrorsNameTheOption) {
  const auto& pki = TestPki::get();
  auto missing = TlsContext::create(TlsRole::server, {.cert_chain_file = "/nonexistent/srv.pem"});
  ASSERT_FALSE(missing);
  EXPECT_THAT(missing.error().context, HasSubstr("TLS server: cannot read cert_chain_file /nonexistent/srv.pem"));
  auto no_cert = TlsContext::create(TlsRole::server, {});
  ASSERT_FALSE(no_cert);
  EXPECT_EQ(no_cert.error().context, "TLS server: cert_chain_file is required");
  auto wrong_key = TlsContext::create(TlsRole::server, {.cert_chain_file = pki.server, .key_file = pki.client_key});
  ASSERT_FALSE(wrong_key);
  EXPECT_THAT(wrong_key.error().context, HasSubstr("does not match certificate"));
  TlsConfig bad_ciphers = server_cfg();
  bad_ciphers.cipher_list = "NOT-A-CIPHER";
  auto bc = TlsContext::create(TlsRole::server, bad_ciphers);
  ASSERT_FALSE(bc);
  EXPECT_THAT(bc.error().context, HasSubstr("cipher_list 'NOT-A-CIPHER' selects no usable TLS 1.2 cipher"));
  TlsConfig versions = client_cfg();
  versions.min_version = TlsVersion::tls1_3;
  versions.max_version = TlsVersion::tls1_2;
  auto v = TlsContext::create(TlsRole::client, versions);
  ASSERT_FALSE(v);
  EXPECT_THAT(v.error().context, HasSubstr("min_version TLS 1.3 is above max_version TLS 1.2"));
  auto bad_ca = TlsContext::create(TlsRole::client, {.ca_file = "/nonexistent/ca.pem"});
  ASSERT_FALSE(bad_ca);
  EXPECT_THAT(bad_ca.error().context, HasSubstr("ca_file /nonexistent/ca.pem"));

  asio::io_context io;
  EventLog log;
  TlsTransport no_ctx(io, log.handler(), nullptr, nullptr);
  auto l = no_ctx.listen(*Endpoint::parse("127.0.0.1:0"));
  ASSERT_FALSE(l);
  EXPECT_THAT(l.error().context, HasSubstr("no TLS server context"));
  ASSERT_FALSE(no_ctx.connect(*Endpoint::parse("127.0.0.1:5061")));
}

}  // namespace
}  // namespace sotto::io
