// TlsStream against real TLS: an OpenSSL client and server talk over memory BIOs (test-only libssl),
// the key log comes from SSL_CTX_set_keylog_callback, every byte that crossed is recorded with a
// "frame" number, and TlsStream must recover exactly what each side sent, for TLS 1.2 with each AEAD
// cipher and TLS 1.3 with each suite. Then what goes wrong: no key log, a key log without this
// session, a flipped bit, the client's bytes fed first, one byte per call, garbage.

#include "core/tls/tls_stream.hpp"

#include <gtest/gtest.h>
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "crypto/cert_builder.hpp"

namespace sotto::tls {
namespace {

using Bytes = std::vector<std::uint8_t>;

struct Chunk {
  bool from_client;
  std::uint64_t frame;
  Bytes bytes;
};

struct Session {
  std::vector<Chunk> wire;       // everything that crossed, in order
  std::string keylog;            // SSLKEYLOGFILE text
  std::string client_sent, server_sent;
  std::string cipher_name;       // what OpenSSL negotiated (IANA name via SSL_CIPHER_standard_name)
  std::string version;           // SSL_get_version
  bool resumed = false;            // SSL_session_reused on the recorded connection
};

struct Options {
  int version = TLS1_3_VERSION;
  std::string tls12_cipher;        // OpenSSL name, e.g. ECDHE-ECDSA-AES128-GCM-SHA256
  std::string tls13_suite;         // e.g. TLS_AES_128_GCM_SHA256
  crypto::KeyType key = crypto::KeyType::ec_p256;
  bool key_update = false;
  std::size_t big = 40000;         // a server message spanning several records
  std::string client_groups, server_groups;  // e.g. client X25519:P-256, server P-256 forces a HelloRetryRequest
  bool resume = false;             // record a second connection that resumes the first one's session
};

void keylog_cb(const SSL* ssl, const char* line) {
  auto* out = static_cast<std::string*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), 0));
  out->append(line);
  out->push_back('\n');
}

template <class T, void (*F)(T*)>
struct Free {
  void operator()(T* p) const { F(p); }
};
using CtxPtr = std::unique_ptr<SSL_CTX, Free<SSL_CTX, SSL_CTX_free>>;
using SslPtr = std::unique_ptr<SSL, Free<SSL, SSL_free>>;

// Moves whatever `from` wrote to `to`, recording it as one frame.
void shuttle(SSL* from, SSL* to, bool from_client, Session& s, std::uint64_t& frame) {
  BIO* out = SSL_get_wbio(from);
  Bytes buf(65536);
  for (;;) {
    const int n = BIO_read(out, buf.data(), static_cast<int>(buf.size()));
    if (n <= 0) break;
    s.wire.push_back(Chunk{from_client, ++frame, Bytes(buf.begin(), buf.begin() + n)});
    BIO_write(SSL_get_rbio(to), buf.data(), n);
  }
}

void drain(SSL* ssl, std::string& into) {
  char buf[16384];
  for (;;) {
    const int n = SSL_read(ssl, buf, sizeof buf);
    if (n <= 0) break;
    into.append(buf, static_cast<std::size_t>(n));
  }
}

SSL_SESSION* connect(SSL_CTX* sctx, SSL_CTX* cctx, const Options& o, Session& s, SSL_SESSION* resume);

Session run(const Options& o) {
  Session s;
  auto cert = crypto::CertBuilder().key_type(o.key).common_name("sip.example").organization("sotto test").build().value();
  BIO* cb = BIO_new_mem_buf(cert.cert_pem().data(), static_cast<int>(cert.cert_pem().size()));
  X509* x = PEM_read_bio_X509(cb, nullptr, nullptr, nullptr);
  BIO_free(cb);
  BIO* kb = BIO_new_mem_buf(cert.key_pem().data(), static_cast<int>(cert.key_pem().size()));
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(kb, nullptr, nullptr, nullptr);
  BIO_free(kb);

  CtxPtr sctx(SSL_CTX_new(TLS_server_method()));
  CtxPtr cctx(SSL_CTX_new(TLS_client_method()));
  EXPECT_EQ(SSL_CTX_use_certificate(sctx.get(), x), 1);
  EXPECT_EQ(SSL_CTX_use_PrivateKey(sctx.get(), pkey), 1);
  X509_free(x);
  EVP_PKEY_free(pkey);
  for (SSL_CTX* c : {sctx.get(), cctx.get()}) {
    SSL_CTX_set_min_proto_version(c, o.version);
    SSL_CTX_set_max_proto_version(c, o.version);
    if (!o.tls12_cipher.empty()) {
      EXPECT_EQ(SSL_CTX_set_cipher_list(c, o.tls12_cipher.c_str()), 1);
    }
    if (!o.tls13_suite.empty()) {
      EXPECT_EQ(SSL_CTX_set_ciphersuites(c, o.tls13_suite.c_str()), 1);
    }
  }
  if (!o.client_groups.empty()) {
    EXPECT_EQ(SSL_CTX_set1_groups_list(cctx.get(), o.client_groups.c_str()), 1);
  }
  if (!o.server_groups.empty()) {
    EXPECT_EQ(SSL_CTX_set1_groups_list(sctx.get(), o.server_groups.c_str()), 1);
  }
  SSL_CTX_set_ex_data(cctx.get(), 0, &s.keylog);
  SSL_CTX_set_keylog_callback(cctx.get(), keylog_cb);
  SSL_SESSION* previous = nullptr;
  if (o.resume) {
    Options first = o;
    first.resume = false;
    Session ignored;
    previous = connect(sctx.get(), cctx.get(), first, ignored, nullptr);
    EXPECT_NE(previous, nullptr);
  }
  SSL_SESSION* last = connect(sctx.get(), cctx.get(), o, s, previous);
  SSL_SESSION_free(previous);
  SSL_SESSION_free(last);
  return s;
}

// One connection over memory BIOs, recorded into `s`; resumes `resume` when given. Returns the
// client's session (for a later resumption; the caller frees it).
SSL_SESSION* connect(SSL_CTX* sctx_, SSL_CTX* cctx_, const Options& o, Session& s, SSL_SESSION* resume) {
  SslPtr srv(SSL_new(sctx_));
  SslPtr cli(SSL_new(cctx_));
  if (resume != nullptr) SSL_set_session(cli.get(), resume);
  SSL_set_bio(srv.get(), BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
  SSL_set_bio(cli.get(), BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
  SSL_set_accept_state(srv.get());
  SSL_set_connect_state(cli.get());
  SSL_set_tlsext_host_name(cli.get(), "sip.example");

  std::uint64_t frame = 0;
  for (int i = 0; i < 20 && !(SSL_is_init_finished(cli.get()) && SSL_is_init_finished(srv.get())); ++i) {
    SSL_do_handshake(cli.get());
    shuttle(cli.get(), srv.get(), true, s, frame);
    SSL_do_handshake(srv.get());
    shuttle(srv.get(), cli.get(), false, s, frame);
  }
  EXPECT_TRUE(SSL_is_init_finished(cli.get()) && SSL_is_init_finished(srv.get()));
  s.cipher_name = SSL_CIPHER_standard_name(SSL_get_current_cipher(cli.get()));
  s.version = SSL_get_version(cli.get());
  s.resumed = SSL_session_reused(cli.get()) == 1;

  auto send = [&](SSL* ssl, const std::string& text, std::string& log) {
    EXPECT_EQ(SSL_write(ssl, text.data(), static_cast<int>(text.size())), static_cast<int>(text.size()));
    log += text;
  };
  std::string got_c, got_s;
  send(cli.get(), "INVITE sips:bob@sip.example SIP/2.0\r\nCall-ID: a84b4c76e66710\r\n\r\n", s.client_sent);
  shuttle(cli.get(), srv.get(), true, s, frame);
  drain(srv.get(), got_s);
  shuttle(srv.get(), cli.get(), false, s, frame);
  send(srv.get(), "SIP/2.0 100 Trying\r\n\r\n", s.server_sent);
  std::string big(o.big, 'x');
  for (std::size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>('a' + i % 26);
  send(srv.get(), big, s.server_sent);
  shuttle(srv.get(), cli.get(), false, s, frame);
  drain(cli.get(), got_c);
  shuttle(cli.get(), srv.get(), true, s, frame);
  if (o.key_update) {
    EXPECT_EQ(SSL_key_update(cli.get(), SSL_KEY_UPDATE_REQUESTED), 1);
    send(cli.get(), "ACK sips:bob@sip.example SIP/2.0\r\n\r\n", s.client_sent);
    shuttle(cli.get(), srv.get(), true, s, frame);
    drain(srv.get(), got_s);
    send(srv.get(), "SIP/2.0 200 OK\r\n\r\n", s.server_sent);  // under the server's updated keys
    shuttle(srv.get(), cli.get(), false, s, frame);
    drain(cli.get(), got_c);
  }
  send(cli.get(), "BYE sips:bob@sip.example SIP/2.0\r\n\r\n", s.client_sent);
  shuttle(cli.get(), srv.get(), true, s, frame);
  drain(srv.get(), got_s);
  EXPECT_EQ(got_s, s.client_sent);
  EXPECT_EQ(got_c, s.server_sent);
  // Without a clean shutdown OpenSSL drops the session from the server's cache (no resumption).
  SSL_set_shutdown(cli.get(), SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
  SSL_set_shutdown(srv.get(), SSL_SENT_SHUTDOWN | SSL_RECEIVED_SHUTDOWN);
  return SSL_get1_session(cli.get());
}

// Equality without printing 40 kB of plaintext on failure.
::testing::AssertionResult same(const std::string& got, const std::string& want) {
  if (got == want) return ::testing::AssertionSuccess();
  std::size_t i = 0;
  while (i < got.size() && i < want.size() && got[i] == want[i]) ++i;
  return ::testing::AssertionFailure() << "got " << got.size() << " bytes, want " << want.size()
                                       << "; first difference at byte " << i;
}

struct Decoded {
  std::string client, server;
  std::vector<std::uint64_t> frames;
  TlsSummary summary;
};

Decoded decode(const std::vector<Chunk>& wire, const KeyLog* keys, std::size_t split = 0) {
  TlsStream t(keys);
  Decoded d;
  auto collect = [&] {
    for (Plaintext& p : t.take_plaintext()) {
      (p.from_client ? d.client : d.server).append(p.bytes.begin(), p.bytes.end());
      d.frames.push_back(p.frame);
    }
  };
  for (const Chunk& c : wire) {
    if (split == 0) {
      t.feed(c.from_client, c.bytes, c.frame);
    } else {
      for (std::size_t i = 0; i < c.bytes.size(); i += split) {
        t.feed(c.from_client, std::span(c.bytes).subspan(i, std::min(split, c.bytes.size() - i)), c.frame);
      }
    }
    collect();
  }
  d.summary = t.summary();
  return d;
}

struct SuiteCase {
  int version;
  std::string openssl_name;
  std::string iana;
  crypto::KeyType key;
};

class RoundTrip : public ::testing::TestWithParam<SuiteCase> {};

TEST_P(RoundTrip, DecryptsWhatEachSideSent) {
  const SuiteCase& c = GetParam();
  Options o;
  o.version = c.version;
  o.key = c.key;
  (c.version == TLS1_3_VERSION ? o.tls13_suite : o.tls12_cipher) = c.openssl_name;
  o.key_update = c.version == TLS1_3_VERSION;
  const Session s = run(o);
  ASSERT_EQ(s.cipher_name, c.iana);
  auto keys = KeyLog::parse(s.keylog);
  ASSERT_TRUE(keys) << keys.error().message();
  EXPECT_EQ(keys->size(), 1u);

  const Decoded d = decode(s.wire, &*keys);
  EXPECT_EQ(d.summary.error, "");
  EXPECT_TRUE(same(d.client, s.client_sent));
  EXPECT_TRUE(same(d.server, s.server_sent));
  EXPECT_EQ(d.summary.version, c.version == TLS1_3_VERSION ? "TLSv1.3" : "TLSv1.2");
  EXPECT_EQ(d.summary.cipher_suite, c.iana);
  EXPECT_EQ(d.summary.sni, "sip.example");
  EXPECT_TRUE(d.summary.forward_secrecy);
  EXPECT_TRUE(d.summary.handshake_complete);
  EXPECT_TRUE(d.summary.decrypted);
  EXPECT_FALSE(d.summary.weak_cipher);
  EXPECT_EQ(d.summary.first_frame, 1u);
  ASSERT_EQ(d.summary.certificates.size(), 1u);  // TLS 1.3: only visible because it was decrypted
  const CertificateInfo& cert = d.summary.certificates[0];
  EXPECT_EQ(cert.subject, "CN=sip.example,O=sotto test");
  EXPECT_TRUE(cert.self_signed);
  EXPECT_EQ(cert.key_type, c.key == crypto::KeyType::ec_p256 ? "EC P-256" : "RSA");
  EXPECT_GT(cert.frame, 0u);
  // Each plaintext carries the frame of the record it came from: frames of the right direction only.
  for (std::uint64_t f : d.frames) {
    ASSERT_GE(f, 1u);
    ASSERT_LE(f, s.wire.size());
  }

  // The same bytes in 7-byte pieces: records and handshake messages split across calls.
  const Decoded pieces = decode(s.wire, &*keys, 7);
  EXPECT_TRUE(same(pieces.client, s.client_sent));
  EXPECT_TRUE(same(pieces.server, s.server_sent));
  EXPECT_EQ(pieces.summary.error, "");
}

INSTANTIATE_TEST_SUITE_P(
    Tls, RoundTrip,
    ::testing::Values(
        SuiteCase{TLS1_2_VERSION, "ECDHE-ECDSA-AES128-GCM-SHA256", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", crypto::KeyType::ec_p256},
        SuiteCase{TLS1_2_VERSION, "ECDHE-ECDSA-AES256-GCM-SHA384", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", crypto::KeyType::ec_p256},
        SuiteCase{TLS1_2_VERSION, "ECDHE-ECDSA-CHACHA20-POLY1305", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", crypto::KeyType::ec_p256},
        SuiteCase{TLS1_2_VERSION, "ECDHE-RSA-AES128-GCM-SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", crypto::KeyType::rsa2048},
        SuiteCase{TLS1_2_VERSION, "ECDHE-RSA-CHACHA20-POLY1305", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", crypto::KeyType::rsa2048},
        SuiteCase{TLS1_3_VERSION, "TLS_AES_128_GCM_SHA256", "TLS_AES_128_GCM_SHA256", crypto::KeyType::ec_p256},
        SuiteCase{TLS1_3_VERSION, "TLS_AES_256_GCM_SHA384", "TLS_AES_256_GCM_SHA384", crypto::KeyType::ec_p256},
        SuiteCase{TLS1_3_VERSION, "TLS_CHACHA20_POLY1305_SHA256", "TLS_CHACHA20_POLY1305_SHA256", crypto::KeyType::rsa2048}),
    [](const ::testing::TestParamInfo<SuiteCase>& p) {
      return (p.param.version == TLS1_3_VERSION ? "Tls13_" : "Tls12_") + p.param.iana;
    });

// RFC 8446 4.1.4: the server wants another key share; the client sends a second ClientHello in the clear.
TEST(TlsStream, HelloRetryRequestStillDecrypts) {
  Options o;
  o.client_groups = "X25519:P-256";  // OpenSSL sends a key share for the first group only
  o.server_groups = "P-256";
  const Session s = run(o);
  ASSERT_EQ(std::count_if(s.wire.begin(), s.wire.end(), [](const Chunk& c) { return c.from_client; }) >= 3, true);
  auto keys = KeyLog::parse(s.keylog).value();
  const Decoded d = decode(s.wire, &keys);
  EXPECT_EQ(d.summary.error, "");
  EXPECT_TRUE(same(d.client, s.client_sent));
  EXPECT_TRUE(same(d.server, s.server_sent));
  EXPECT_EQ(d.summary.certificates.size(), 1u);
  EXPECT_TRUE(d.summary.hello_retry_request);
}

// Abbreviated handshakes: TLS 1.2 session resumption (no Certificate, ChangeCipherSpec from the server
// first) and TLS 1.3 PSK resumption with a ticket; the key log holds both connections.
TEST(TlsStream, ResumedSessionsDecrypt) {
  for (int v : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    SCOPED_TRACE(v);
    Options o;
    o.version = v;
    o.resume = true;
    const Session s = run(o);
    ASSERT_TRUE(s.resumed);
    auto keys = KeyLog::parse(s.keylog).value();
    EXPECT_EQ(keys.size(), 2u);
    const Decoded d = decode(s.wire, &keys);
    EXPECT_EQ(d.summary.error, "");
    EXPECT_TRUE(d.summary.handshake_complete);
    EXPECT_TRUE(same(d.client, s.client_sent));
    EXPECT_TRUE(same(d.server, s.server_sent));
    EXPECT_TRUE(d.summary.certificates.empty());  // a resumed handshake sends none
  }
}

// What an audit flags as weak must be read right even when it cannot be decrypted: TLS 1.0 with a CBC
// suite (OpenSSL 3 speaks it only at security level 0).
TEST(TlsStream, OldVersionWithCbcIsNamedAndNotDecrypted) {
  Options o;
  o.version = TLS1_VERSION;
  o.tls12_cipher = "ECDHE-ECDSA-AES128-SHA:@SECLEVEL=0";
  const Session s = run(o);
  ASSERT_EQ(s.version, "TLSv1");
  auto keys = KeyLog::parse(s.keylog).value();
  const Decoded blind = decode(s.wire, nullptr);
  EXPECT_EQ(blind.summary.error, "");
  EXPECT_EQ(blind.summary.version, "TLSv1.0");
  EXPECT_EQ(blind.summary.cipher_suite, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA");
  EXPECT_TRUE(blind.summary.forward_secrecy);
  EXPECT_TRUE(blind.summary.handshake_complete);
  EXPECT_EQ(blind.summary.certificates.size(), 1u);
  const Decoded d = decode(s.wire, &keys);
  EXPECT_EQ(d.summary.error, "cannot decrypt TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA (AES-GCM and ChaCha20-Poly1305 only)");
  EXPECT_FALSE(d.summary.decrypted);
  EXPECT_TRUE(d.client.empty());
}

TEST(TlsStream, WithoutKeysReportsMetadataOnly) {
  Options o12;
  o12.version = TLS1_2_VERSION;
  o12.tls12_cipher = "ECDHE-ECDSA-AES128-GCM-SHA256";
  const Decoded d12 = decode(run(o12).wire, nullptr);
  EXPECT_FALSE(d12.summary.hello_retry_request);
  EXPECT_EQ(d12.summary.error, "");
  EXPECT_EQ(d12.summary.version, "TLSv1.2");
  EXPECT_EQ(d12.summary.cipher_suite, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256");
  EXPECT_EQ(d12.summary.certificates.size(), 1u);  // in the clear before TLS 1.3
  EXPECT_TRUE(d12.summary.handshake_complete);
  EXPECT_FALSE(d12.summary.decrypted);
  EXPECT_TRUE(d12.client.empty() && d12.server.empty());

  Options o13;
  const Decoded d13 = decode(run(o13).wire, nullptr);
  EXPECT_EQ(d13.summary.error, "");
  EXPECT_EQ(d13.summary.version, "TLSv1.3");
  EXPECT_TRUE(d13.summary.certificates.empty());
  EXPECT_TRUE(d13.summary.handshake_complete);
  EXPECT_FALSE(d13.summary.decrypted);
  ASSERT_FALSE(d13.summary.offered_versions.empty());
  EXPECT_EQ(d13.summary.offered_versions.front(), "TLSv1.3");
}

TEST(TlsStream, KeyLogWithoutThisSessionIsAnError) {
  for (int v : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    Options o;
    o.version = v;
    const Session other = run(o);
    const Session s = run(o);
    auto keys = KeyLog::parse(other.keylog).value();
    const Decoded d = decode(s.wire, &keys);
    EXPECT_EQ(d.summary.error.rfind("no key for client random ", 0), 0u) << d.summary.error;
    EXPECT_FALSE(d.summary.decrypted);
    EXPECT_EQ(d.summary.version, v == TLS1_3_VERSION ? "TLSv1.3" : "TLSv1.2");
  }
}

TEST(TlsStream, FlippedBitIsBadRecordMacAtItsFrame) {
  for (int v : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    Options o;
    o.version = v;
    Session s = run(o);
    auto keys = KeyLog::parse(s.keylog).value();
    // The last chunk is the client's BYE record: flip a byte of its ciphertext.
    Chunk& last = s.wire.back();
    ASSERT_TRUE(last.from_client);
    last.bytes[last.bytes.size() - 20] ^= 0x01;
    const Decoded d = decode(s.wire, &keys);
    EXPECT_EQ(d.summary.error.rfind("bad record MAC", 0), 0u) << d.summary.error;
    EXPECT_NE(d.summary.error.find("from client at frame " + std::to_string(last.frame)), std::string::npos)
        << d.summary.error;
    EXPECT_EQ(d.client.find("BYE"), std::string::npos);
    EXPECT_NE(d.client.find("INVITE"), std::string::npos);  // what came before still decrypted
  }
}

TEST(TlsStream, ServerBytesFedBeforeTheClientsStillDecrypt) {
  for (int v : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    Options o;
    o.version = v;
    o.big = 20000;  // the server's bytes stay under the 64 KiB it waits for a ClientHello
    const Session s = run(o);
    auto keys = KeyLog::parse(s.keylog).value();
    std::vector<Chunk> reordered;
    for (const Chunk& c : s.wire) if (!c.from_client) reordered.push_back(c);
    for (const Chunk& c : s.wire) if (c.from_client) reordered.push_back(c);
    const Decoded d = decode(reordered, &keys);
    EXPECT_EQ(d.summary.error, "");
    EXPECT_TRUE(same(d.client, s.client_sent));
    EXPECT_TRUE(same(d.server, s.server_sent));
  }
}

TEST(TlsStream, MissingClientHelloStillShowsTheServerSide) {
  Options o;
  o.version = TLS1_2_VERSION;
  o.big = 100000;
  const Session s = run(o);
  std::vector<Chunk> server_only;
  for (const Chunk& c : s.wire) if (!c.from_client) server_only.push_back(c);
  const Decoded d = decode(server_only, nullptr);
  EXPECT_EQ(d.summary.error.rfind("no ClientHello before the server's first 65536 bytes at frame ", 0), 0u)
      << d.summary.error;
  EXPECT_EQ(d.summary.version, "TLSv1.2");
  EXPECT_EQ(d.summary.certificates.size(), 1u);
}

TEST(TlsStream, ClientBytesFedBeforeTheServersStillDecrypt) {
  for (int v : {TLS1_2_VERSION, TLS1_3_VERSION}) {
    Options o;
    o.version = v;
    const Session s = run(o);
    auto keys = KeyLog::parse(s.keylog).value();
    std::vector<Chunk> reordered;
    for (const Chunk& c : s.wire) if (c.from_client) reordered.push_back(c);
    for (const Chunk& c : s.wire) if (!c.from_client) reordered.push_back(c);
    const Decoded d = decode(reordered, &keys);
    EXPECT_EQ(d.summary.error, "");
    EXPECT_TRUE(same(d.client, s.client_sent));
    EXPECT_TRUE(same(d.server, s.server_sent));
  }
}

TEST(TlsStream, OneByteAtATime) {
  Options o;
  o.big = 3000;
  const Session s = run(o);
  auto keys = KeyLog::parse(s.keylog).value();
  const Decoded d = decode(s.wire, &keys, 1);
  EXPECT_EQ(d.summary.error, "");
  EXPECT_TRUE(same(d.client, s.client_sent));
  EXPECT_TRUE(same(d.server, s.server_sent));
}

TEST(TlsStream, GarbageIsAnErrorNotACrash) {
  {
    TlsStream t(nullptr);
    const Bytes sip = {'O', 'P', 'T', 'I', 'O', 'N', 'S', ' ', 's', 'i', 'p'};
    t.feed(true, sip, 4);
    EXPECT_EQ(t.summary().error, "record type 0x4f version 0x5054 from client at frame 4 is not TLS");
    t.feed(true, sip, 5);  // the direction stays stopped
    EXPECT_EQ(t.summary().first_frame, 4u);
  }
  {
    TlsStream t(nullptr);
    const Bytes huge = {0x16, 0x03, 0x01, 0xff, 0xff};
    t.feed(true, huge, 9);
    EXPECT_EQ(t.summary().error, "record of 65535 bytes from client at frame 9 exceeds 2^14+2048");
  }
  {
    TlsStream t(nullptr);
    // A handshake record holding a ClientHello header whose body is 3 bytes of junk.
    const Bytes ch = {0x16, 0x03, 0x01, 0x00, 0x07, 0x01, 0x00, 0x00, 0x03, 0x03, 0x03, 0x00};
    t.feed(true, ch, 2);
    EXPECT_EQ(t.summary().error, "ClientHello truncated before the extensions at frame 2");
  }
  {
    TlsStream t(nullptr);
    const Bytes appdata = {0x17, 0x03, 0x03, 0x00, 0x02, 0xab, 0xcd};
    t.feed(true, appdata, 3);
    EXPECT_EQ(t.summary().error, "application data from client at frame 3 before the handshake protected it");
  }
}

// The fuzz seeds are sessions of Python's ssl module (made by testdata/make_fuzz_seeds.py): the ones
// with a key log must decrypt to the INVITE and the 200 OK, the ones without must not.
TEST(TlsStream, FuzzSeedSessionsDecrypt) {
  const std::filesystem::path dir = std::filesystem::path(SOTTO_SOURCE_DIR) / "fuzz/corpus/tls_stream";
  int seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream f(entry.path(), std::ios::binary);
    const Bytes in((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
    ASSERT_GE(in.size(), 2u);
    const std::size_t klen = static_cast<std::size_t>(in[0] << 8 | in[1]);
    auto keys = KeyLog::parse(std::string_view(reinterpret_cast<const char*>(in.data() + 2), klen));
    ASSERT_TRUE(keys) << entry.path();
    std::vector<Chunk> wire;
    for (std::size_t i = 2 + klen; i + 3 <= in.size();) {
      const std::size_t n = static_cast<std::size_t>(in[i + 1] << 8 | in[i + 2]);
      ASSERT_LE(i + 3 + n, in.size());
      wire.push_back(Chunk{(in[i] & 1) != 0, wire.size() + 1, Bytes(in.begin() + i + 3, in.begin() + i + 3 + n)});
      i += 3 + n;
    }
    const Decoded d = decode(wire, keys->size() > 0 ? &*keys : nullptr);
    SCOPED_TRACE(entry.path().filename().string());
    EXPECT_EQ(d.summary.error, "");
    EXPECT_TRUE(d.summary.handshake_complete);
    EXPECT_EQ(d.summary.sni, "sip.example");
    if (keys->size() > 0) {
      EXPECT_EQ(d.client, "INVITE sips:bob@sip.example SIP/2.0\r\nCall-ID: seed\r\n\r\n");
      EXPECT_EQ(d.server, "SIP/2.0 200 OK\r\nCall-ID: seed\r\n\r\n");
    } else {
      EXPECT_EQ(d.client, "");
    }
    ++seen;
  }
  EXPECT_EQ(seen, 6);
}

}  // namespace
}  // namespace sotto::tls
