// TlsStream decryption throughput: a real OpenSSL session (memory BIOs, key log callback) in which
// the client sends 4 MiB as 1000-byte writes (SIP-sized records), then the bytes are fed back through
// TlsStream with the key log. Bytes/s counts the recorded TLS bytes.
//
//   build/default/src/core/tls/sotto_core_tls_bench

#include <benchmark/benchmark.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <string>
#include <vector>

#include "core/tls/tls_stream.hpp"
#include "crypto/cert_builder.hpp"

namespace sotto::tls {
namespace {

struct Recorded {
  std::vector<std::pair<bool, std::vector<std::uint8_t>>> wire;
  std::string keylog;
  std::size_t bytes = 0;
};

void keylog_cb(const SSL* ssl, const char* line) {
  auto* out = static_cast<std::string*>(SSL_CTX_get_ex_data(SSL_get_SSL_CTX(ssl), 0));
  out->append(line).push_back('\n');
}

void move(SSL* from, SSL* to, bool from_client, Recorded& r) {
  std::vector<std::uint8_t> buf(1 << 16);
  for (;;) {
    const int n = BIO_read(SSL_get_wbio(from), buf.data(), static_cast<int>(buf.size()));
    if (n <= 0) break;
    r.wire.emplace_back(from_client, std::vector<std::uint8_t>(buf.begin(), buf.begin() + n));
    r.bytes += static_cast<std::size_t>(n);
    BIO_write(SSL_get_rbio(to), buf.data(), n);
  }
}

Recorded record_session(int version, const char* suite) {
  Recorded r;
  auto cert = crypto::CertBuilder().common_name("sip.example").build().value();
  BIO* cb = BIO_new_mem_buf(cert.cert_pem().data(), static_cast<int>(cert.cert_pem().size()));
  X509* x = PEM_read_bio_X509(cb, nullptr, nullptr, nullptr);
  BIO_free(cb);
  BIO* kb = BIO_new_mem_buf(cert.key_pem().data(), static_cast<int>(cert.key_pem().size()));
  EVP_PKEY* key = PEM_read_bio_PrivateKey(kb, nullptr, nullptr, nullptr);
  BIO_free(kb);
  SSL_CTX* sctx = SSL_CTX_new(TLS_server_method());
  SSL_CTX* cctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_use_certificate(sctx, x);
  SSL_CTX_use_PrivateKey(sctx, key);
  X509_free(x);
  EVP_PKEY_free(key);
  for (SSL_CTX* c : {sctx, cctx}) {
    SSL_CTX_set_min_proto_version(c, version);
    SSL_CTX_set_max_proto_version(c, version);
    if (version == TLS1_3_VERSION) {
      SSL_CTX_set_ciphersuites(c, suite);
    } else {
      SSL_CTX_set_cipher_list(c, suite);
    }
  }
  SSL_CTX_set_ex_data(cctx, 0, &r.keylog);
  SSL_CTX_set_keylog_callback(cctx, keylog_cb);
  SSL* srv = SSL_new(sctx);
  SSL* cli = SSL_new(cctx);
  SSL_set_bio(srv, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
  SSL_set_bio(cli, BIO_new(BIO_s_mem()), BIO_new(BIO_s_mem()));
  SSL_set_accept_state(srv);
  SSL_set_connect_state(cli);
  for (int i = 0; i < 20 && !(SSL_is_init_finished(cli) && SSL_is_init_finished(srv)); ++i) {
    SSL_do_handshake(cli);
    move(cli, srv, true, r);
    SSL_do_handshake(srv);
    move(srv, cli, false, r);
  }
  const std::string msg(1000, 's');
  char sink[16384];
  for (int i = 0; i < 4 * 1024; ++i) {
    SSL_write(cli, msg.data(), static_cast<int>(msg.size()));
    move(cli, srv, true, r);
    while (SSL_read(srv, sink, sizeof sink) > 0) {
    }
  }
  SSL_free(cli);
  SSL_free(srv);
  SSL_CTX_free(cctx);
  SSL_CTX_free(sctx);
  return r;
}

void BM_Decrypt(benchmark::State& st, int version, const char* suite) {
  const Recorded r = record_session(version, suite);
  auto keys = KeyLog::parse(r.keylog).value();
  std::size_t plain = 0;
  for (auto _ : st) {
    TlsStream s(&keys);
    std::uint64_t frame = 0;
    plain = 0;
    for (const auto& [from_client, bytes] : r.wire) {
      s.feed(from_client, bytes, ++frame);
      for (const auto& p : s.take_plaintext()) plain += p.bytes.size();
    }
    if (!s.summary().error.empty() || plain != 4u * 1024 * 1000) st.SkipWithError("decryption failed");
  }
  st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations() * r.bytes));
}

BENCHMARK_CAPTURE(BM_Decrypt, Tls12_AES128GCM, TLS1_2_VERSION, "ECDHE-ECDSA-AES128-GCM-SHA256")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Decrypt, Tls12_CHACHA20, TLS1_2_VERSION, "ECDHE-ECDSA-CHACHA20-POLY1305")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Decrypt, Tls13_AES128GCM, TLS1_3_VERSION, "TLS_AES_128_GCM_SHA256")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Decrypt, Tls13_AES256GCM, TLS1_3_VERSION, "TLS_AES_256_GCM_SHA384")->Unit(benchmark::kMillisecond);
BENCHMARK_CAPTURE(BM_Decrypt, Tls13_CHACHA20, TLS1_3_VERSION, "TLS_CHACHA20_POLY1305_SHA256")->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace sotto::tls
