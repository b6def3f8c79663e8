// The audit of SIP over TLS: a real OpenSSL client/server pair (memory BIOs) carries a call's SIP
// (SDES keys inside), captured as TCP segments. With the key log the SIP is audited as TLS
// signalling and the SRTP decrypted with the keys it carried; tls-weak is raised for TLS 1.2
// without forward secrecy and a self-signed certificate, and not for ECDHE with a CA-signed one.
#include <gtest/gtest.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <algorithm>

#include "audit/testing_calls.hpp"
#include "core/tls/key_log.hpp"
#include "crypto/cert_builder.hpp"

namespace sotto::audit {
namespace {

using namespace testing;

struct TlsCapture {
  Capture cap;
  std::string keylog;
};

void keylog_cb(const SSL* ssl, const char* line) {
  auto* out = static_cast<std::string*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), 0));
  out->append(line);
  out->push_back('\n');
}

// One TLS connection 10.0.0.1:50000 -> 10.0.0.2:5061 carrying `c`'s INVITE/200/ACK, then its media.
TlsCapture tls_call(const CallSpec& c, int version, const std::string& cipher, bool self_signed) {
  TlsCapture out;
  crypto::KeyType kt = cipher.rfind("AES", 0) == 0 ? crypto::KeyType::rsa2048 : crypto::KeyType::ec_p256;
  auto ca = crypto::CertBuilder().ca().common_name("Test CA").build().value();
  auto builder = crypto::CertBuilder().key_type(kt).common_name("sip.example");
  if (!self_signed) builder.sign_with(ca);
  auto cert = builder.build().value();
  BIO* cb = BIO_new_mem_buf(cert.cert_pem().data(), static_cast<int>(cert.cert_pem().size()));
  X509* x = PEM_read_bio_X509(cb, nullptr, nullptr, nullptr);
  BIO_free(cb);
  BIO* kb = BIO_new_mem_buf(cert.key_pem().data(), static_cast<int>(cert.key_pem().size()));
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(kb, nullptr, nullptr, nullptr);
  BIO_free(kb);
  SSL_CTX* sctx = SSL_CTX_new(TLS_server_method());
  SSL_CTX* cctx = SSL_CTX_new(TLS_client_method());
  EXPECT_EQ(SSL_CTX_use_certificate(sctx, x), 1);
  EXPECT_EQ(SSL_CTX_use_PrivateKey(sctx, pkey), 1);
  X509_free(x);
  EVP_PKEY_free(pkey);
  for (SSL_CTX* ctx : {sctx, cctx}) {
    SSL_CTX_set_min_proto_version(ctx, version);
    SSL_CTX_set_max_proto_version(ctx, version);
    if (!cipher.empty()) {
      EXPECT_EQ(SSL_CTX_set_cipher_list(ctx, cipher.c_str()), 1);
    }
  }
  SSL_CTX_set_ex_data(cctx, 0, &out.keylog);
  SSL_CTX_set_keylog_callback(cctx, keylog_cb);
  SSL* srv = SSL_new(sctx);
  SSL* cli = SSL_new(cctx);
  SSL_set_bio(srv, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
  SSL_set_bio(cli, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
  SSL_set_accept_state(srv);
  SSL_set_connect_state(cli);
  SSL_set_tlsext_host_name(cli, "sip.example");

  IpEndpoint client = ep("10.0.0.1", 50000), server = ep("10.0.0.2", 5061);
  std::uint32_t seq[2] = {1001, 5001};
  std::int64_t t = c.t0 - 100'000'000;
  out.cap.ip(t++, ip_tcp(client, server, 1000, {}, {.syn = true, .ack = false}));
  out.cap.ip(t++, ip_tcp(server, client, 5000, {}, {.syn = true, .ack = true}));
  auto shuttle = [&](SSL* from, SSL* to, bool from_client) {
    Bytes buf(65536);
    for (;;) {
      int n = BIO_read(SSL_get_wbio(from), buf.data(), static_cast<int>(buf.size()));
      if (n <= 0) break;
      BIO_write(SSL_get_rbio(to), buf.data(), n);
      // Segments of at most 1400 bytes, as on a real link.
      for (int off = 0; off < n; off += 1400) {
        int len = std::min(1400, n - off);
        Bytes seg(buf.begin() + off, buf.begin() + off + len);
        auto& s = seq[from_client ? 0 : 1];
        out.cap.ip(t++, from_client ? ip_tcp(client, server, s, seg) : ip_tcp(server, client, s, seg));
        s += static_cast<std::uint32_t>(len);
      }
    }
  };
  for (int i = 0; i < 20 && !(SSL_is_init_finished(cli) && SSL_is_init_finished(srv)); ++i) {
    SSL_do_handshake(cli);
    shuttle(cli, srv, true);
    SSL_do_handshake(srv);
    shuttle(srv, cli, false);
  }
  EXPECT_TRUE(SSL_is_init_finished(cli) && SSL_is_init_finished(srv));
  char sink[65536];
  auto send = [&](SSL* from, SSL* to, bool from_client, const std::string& text) {
    EXPECT_EQ(SSL_write(from, text.data(), static_cast<int>(text.size())), static_cast<int>(text.size()));
    shuttle(from, to, from_client);
    while (SSL_read(to, sink, sizeof sink) > 0) {
    }
    shuttle(to, from, !from_client);  // TLS 1.3 tickets and the like
  };
  send(cli, srv, true, sip_request("INVITE", c, 1, sdp_body(c.alice_rtp, c.offer_proto, c.offer_crypto)));
  send(srv, cli, false, sip_response(200, "OK", "INVITE", c, 1, sdp_body(c.bob_rtp, c.answer_proto, c.answer_crypto)));
  send(cli, srv, true, sip_request("ACK", c, 1, ""));
  SSL_free(cli);
  SSL_free(srv);
  SSL_CTX_free(cctx);
  SSL_CTX_free(sctx);
  auto a = rtp_packets(*c.alice_stream), b = rtp_packets(*c.bob_stream);
  for (std::size_t i = 0; i < a.size(); ++i) {
    out.cap.udp(c.t0 + static_cast<std::int64_t>(i) * 20'000'000, c.alice_rtp, c.bob_rtp, a[i]);
    out.cap.udp(c.t0 + static_cast<std::int64_t>(i) * 20'000'000 + 1, c.bob_rtp, c.alice_rtp, b[i]);
  }
  return out;
}

CallSpec sdes_over_tls() {
  CallSpec c;
  SrtpKey ka = make_key(srtp::SuiteId::AES_CM_128_HMAC_SHA1_80, 9), kb = make_key(srtp::SuiteId::AES_CM_128_HMAC_SHA1_80, 77);
  c.offer_proto = c.answer_proto = "RTP/SAVP";
  c.offer_crypto = {crypto_line(1, ka)};
  c.answer_crypto = {crypto_line(1, kb)};
  c.alice_stream = StreamSpec{.ssrc = 0xA1A1A1A1, .key = ka};
  c.bob_stream = StreamSpec{.ssrc = 0xB0B0B0B0, .key = kb};
  return c;
}

bool has(const std::vector<Finding>& v, const std::string& code) {
  return std::any_of(v.begin(), v.end(), [&](const Finding& f) { return f.code == code; });
}

TEST(AuditTls, KeyLogDecryptsTheSignallingAndThenTheMedia) {
  TlsCapture t = tls_call(sdes_over_tls(), TLS1_2_VERSION, "ECDHE-ECDSA-AES128-GCM-SHA256", false);
  auto keys = tls::KeyLog::parse(t.keylog);
  ASSERT_TRUE(keys) << keys.error().message();
  Report r = t.cap.analyse(AuditOptions{.tls_keys = &*keys});
  ASSERT_EQ(r.calls.size(), 1u);
  const CallReport& c = r.calls[0];
  EXPECT_EQ(c.call_id, "call-1@test");
  EXPECT_EQ(c.transport, "TLS");
  ASSERT_TRUE(c.tls);
  EXPECT_EQ(c.tls->version, "TLSv1.2");
  EXPECT_TRUE(c.tls->decrypted);
  EXPECT_EQ(c.messages.size(), 3u);
  EXPECT_EQ(c.messages[0].transport, "TLS");
  EXPECT_FALSE(has(c.findings, "sdes-keys-exposed"));
  EXPECT_FALSE(has(c.findings, "sip-cleartext"));
  EXPECT_FALSE(has(c.findings, "tls-weak")) << (c.findings.empty() ? "" : c.findings[0].message);
  ASSERT_EQ(c.streams.size(), 2u);
  for (const auto& s : c.streams) {
    EXPECT_TRUE(s.encrypted);
    EXPECT_TRUE(s.decrypted);  // with the keys the decrypted SDP carried
  }
  EXPECT_EQ(c.verdict, Verdict::secure);
}

TEST(AuditTls, WithoutTheKeyLogTheMediaStandsAlone) {
  TlsCapture t = tls_call(sdes_over_tls(), TLS1_3_VERSION, "", false);
  Report r = t.cap.analyse();
  ASSERT_EQ(r.calls.size(), 1u);
  EXPECT_FALSE(r.calls[0].call_id);
  EXPECT_EQ(r.calls[0].transport, "TLS");
  EXPECT_EQ(r.calls[0].tls->version, "TLSv1.3");
  EXPECT_FALSE(r.calls[0].streams[0].decrypted);
  EXPECT_TRUE(r.calls[0].streams[0].encrypted);
  EXPECT_EQ(r.calls[0].verdict, Verdict::secure);
  EXPECT_FALSE(has(r.calls[0].findings, "tls-weak"));
  ASSERT_EQ(r.tls_connections.size(), 1u);
  EXPECT_FALSE(r.tls_connections[0].decrypted);
}

TEST(AuditTls, NoForwardSecrecyAndSelfSignedAreTlsWeak) {
  TlsCapture t = tls_call(sdes_over_tls(), TLS1_2_VERSION, "AES128-GCM-SHA256", true);
  auto keys = tls::KeyLog::parse(t.keylog);
  ASSERT_TRUE(keys);
  Report r = t.cap.analyse(AuditOptions{.tls_keys = &*keys});
  ASSERT_EQ(r.calls.size(), 1u);
  const CallReport& c = r.calls[0];
  auto it = std::find_if(c.findings.begin(), c.findings.end(), [](const Finding& f) { return f.code == "tls-weak"; });
  ASSERT_NE(it, c.findings.end());
  EXPECT_NE(it->message.find("no forward secrecy"), std::string::npos) << it->message;
  EXPECT_NE(it->message.find("self-signed"), std::string::npos) << it->message;
  EXPECT_EQ(c.verdict, Verdict::partial);
  EXPECT_TRUE(c.streams[0].decrypted);
}

}  // namespace
}  // namespace sotto::audit
