#include "io/tls_handshake_state.hpp"

#include <openssl/err.h>
#include <openssl/tls1.h>
#include <openssl/x509v3.h>

#include <asio/error.hpp>
#include <asio/ssl/error.hpp>
#include <algorithm>
#include <cstdio>
#include <ctime>

#include "io/tls_identity.hpp"

namespace sotto::io {
namespace {

int ex_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

std::string date_of(const ASN1_TIME* t) {
  std::tm tm{};
  if (t == nullptr || ASN1_TIME_to_tm(t, &tm) != 1) return "an unknown date";
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::string describe_verify_error(int err, X509* cert, int depth) {
  const std::string subject = cert ? x509_name_string(X509_get_subject_name(cert)) : "?";
  const std::string issuer = cert ? x509_name_string(X509_get_issuer_name(cert)) : "?";
  switch (err) {
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
      return "certificate verify failed: unknown CA (issuer " + issuer + ", self-signed certificate)";
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
      return "certificate verify failed: unknown CA (issuer " + issuer + ")";
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return "certificate expired on " + date_of(cert ? X509_get0_notAfter(cert) : nullptr) + " (subject " +
             subject + ")";
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return "certificate not valid before " + date_of(cert ? X509_get0_notBefore(cert) : nullptr) +
             " (subject " + subject + ")";
    case X509_V_ERR_INVALID_PURPOSE:
      return "certificate verify failed: not issued for this purpose (extendedKeyUsage; subject " + subject + ")";
    default:
      return std::string("certificate verify failed: ") + X509_verify_cert_error_string(err) + " (depth " +
             std::to_string(depth) + ", subject " + subject + ")";
  }
}

}  // namespace

std::string tls_version_name(std::uint16_t v) {
  switch (v) {
    case SSL3_VERSION: return "SSL 3.0";
    case TLS1_VERSION: return "TLS 1.0";
    case TLS1_1_VERSION: return "TLS 1.1";
    case TLS1_2_VERSION: return "TLS 1.2";
    case TLS1_3_VERSION: return "TLS 1.3";
    default: {
      char buf[16];
      std::snprintf(buf, sizeof buf, "0x%04x", v);
      return std::string("version ") + buf;
    }
  }
}

void TlsHandshakeState::attach(SSL* ssl) {
  SSL_set_ex_data(ssl, ex_index(), this);
  if (!server) {
    SSL_set_msg_callback(ssl, &TlsHandshakeState::msg_cb);
  }
}

TlsHandshakeState* TlsHandshakeState::from(const SSL* ssl) {
  return ssl ? static_cast<TlsHandshakeState*>(SSL_get_ex_data(ssl, ex_index())) : nullptr;
}

bool TlsHandshakeState::on_verify(bool preverified, X509_STORE_CTX* ctx) {
  const int depth = X509_STORE_CTX_get_error_depth(ctx);
  X509* cert = X509_STORE_CTX_get_current_cert(ctx);
  if (!preverified) {
    if (verify_failure.empty()) verify_failure = describe_verify_error(X509_STORE_CTX_get_error(ctx), cert, depth);
    return false;
  }
  if (depth == 0 && check_name) {
    Status ok = match_sip_identity(certificate_names(cert), expected_name, allow_wildcards);
    if (!ok) {
      if (verify_failure.empty()) verify_failure = ok.error().context;
      X509_STORE_CTX_set_error(ctx, X509_V_ERR_HOSTNAME_MISMATCH);
      return false;
    }
  }
  return true;
}

int TlsHandshakeState::client_hello_cb(SSL* ssl, int* /*alert*/, void* /*arg*/) {
  TlsHandshakeState* st = from(ssl);
  if (st == nullptr) return SSL_CLIENT_HELLO_SUCCESS;
  std::uint16_t best = static_cast<std::uint16_t>(SSL_client_hello_get0_legacy_version(ssl));
  const unsigned char* ext = nullptr;
  std::size_t len = 0;
  // RFC 8446 4.2.1: supported_versions, a 1-byte length then 2-byte versions (ignore GREASE 0x?a?a).
  if (SSL_client_hello_get0_ext(ssl, TLSEXT_TYPE_supported_versions, &ext, &len) == 1 && len >= 1) {
    const std::size_t n = std::min<std::size_t>(ext[0], len - 1);
    for (std::size_t i = 0; i + 1 < n; i += 2) {
      const auto v = static_cast<std::uint16_t>((ext[1 + i] << 8) | ext[2 + i]);
      if ((v & 0x0f0f) == 0x0a0a) continue;
      if (v > best && v <= TLS1_3_VERSION) best = v;
    }
  }
  st->peer_max_version = best;
  return SSL_CLIENT_HELLO_SUCCESS;
}

void TlsHandshakeState::msg_cb(int write_p, int /*version*/, int content_type, const void* buf, std::size_t len,
                               SSL* ssl, void* /*arg*/) {
  if (write_p != 0 || content_type != SSL3_RT_HANDSHAKE || len < 6) return;
  const auto* p = static_cast<const unsigned char*>(buf);
  if (p[0] != SSL3_MT_SERVER_HELLO) return;
  if (TlsHandshakeState* st = from(ssl)) {
    const auto legacy = static_cast<std::uint16_t>((p[4] << 8) | p[5]);
    // A TLS 1.3 ServerHello says 1.2 here and puts 1.3 in an extension; only the old versions matter.
    if (legacy < TLS1_2_VERSION) st->peer_max_version = legacy;
  }
}

Error TlsHandshakeState::describe_failure(const std::error_code& ec) const {
  if (!verify_failure.empty()) return Error{Errc::crypto_error, verify_failure};
  const std::string peer_old =
      peer_max_version != 0 && peer_max_version < TLS1_2_VERSION ? tls_version_name(peer_max_version) : "";
  if (ec == asio::ssl::error::stream_truncated || ec == asio::error::eof ||
      ec == asio::error::connection_reset) {
    return Error{Errc::io_error, "handshake failed: peer closed the connection during the TLS handshake"};
  }
  if (ec.category() != asio::error::get_ssl_category()) {
    return Error{Errc::io_error, "handshake failed: " + ec.message()};
  }
  const int reason = ERR_GET_REASON(static_cast<unsigned long>(ec.value()));
  auto fail_with = [](std::string s) { return Error{Errc::crypto_error, "handshake failed: " + std::move(s)}; };
  switch (reason) {
    case SSL_R_UNSUPPORTED_PROTOCOL:
    case SSL_R_TLSV1_ALERT_PROTOCOL_VERSION:
    case SSL_R_WRONG_SSL_VERSION:
      if (!peer_old.empty()) return fail_with("peer offered only " + peer_old);
      if (reason == SSL_R_TLSV1_ALERT_PROTOCOL_VERSION) {
        return fail_with("peer refused our TLS versions (" + our_versions + ")");
      }
      return fail_with("no TLS version in common (we allow " + our_versions + ")");
    case SSL_R_NO_SHARED_CIPHER:
    case SSL_R_NO_CIPHERS_AVAILABLE:
    case SSL_R_SSLV3_ALERT_HANDSHAKE_FAILURE:
      return fail_with("no cipher suite in common (or the peer refused the handshake)");
    case SSL_R_PEER_DID_NOT_RETURN_A_CERTIFICATE:
      return fail_with("client sent no certificate (require_client_cert)");
    case SSL_R_TLSV13_ALERT_CERTIFICATE_REQUIRED:
      return fail_with("peer requires a client certificate");
    case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
      return fail_with("peer rejected our certificate: unknown CA");
    case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
    case SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED:
    case SSL_R_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE:
    case SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN:
      return fail_with(std::string("peer rejected our certificate (") + ERR_reason_error_string(
                           static_cast<unsigned long>(ec.value())) + ")");
    case SSL_R_WRONG_VERSION_NUMBER:
    case SSL_R_HTTP_REQUEST:
    case SSL_R_PACKET_LENGTH_TOO_LONG:
    case SSL_R_RECORD_LENGTH_MISMATCH:
      return fail_with("peer does not speak TLS here (" + ec.message() + ")");
    default:
      return fail_with(ec.message());
  }
}

TlsSessionInfo collect_session_info(SSL* ssl, bool peer_verified) {
  TlsSessionInfo info;
  info.version = SSL_get_version(ssl);
  if (const char* c = SSL_get_cipher_name(ssl)) info.cipher = c;
  if (const char* sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name)) info.sni = sni;
  if (X509* peer = SSL_get0_peer_certificate(ssl)) {
    info.peer_subject = x509_name_string(X509_get_subject_name(peer));
    info.peer_issuer = x509_name_string(X509_get_issuer_name(peer));
    info.peer_sans = certificate_names(peer).san_strings();
  }
  info.verify_result = SSL_get_verify_result(ssl);
  info.verify_result_text = info.verify_result == X509_V_OK
                                ? "ok"
                                : X509_verify_cert_error_string(info.verify_result);
  info.peer_verified = peer_verified && info.verify_result == X509_V_OK;
  return info;
}

}  // namespace sotto::io
