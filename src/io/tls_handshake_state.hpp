#pragma once
// TlsHandshakeState: per-connection notes taken during a TLS handshake, turned into one-line errors.
//
//   io::TlsHandshakeState st{.expected_name = "127.0.0.1", .check_name = true};
//   st.attach(ssl);                              // before SSL_connect / SSL_accept
//   Error e = st.describe_failure(ec);           // "certificate expired on 2025-01-01 (subject CN=...)"

#include <openssl/ssl.h>

#include <cstdint>
#include <string>
#include <system_error>

#include "base/error.hpp"
#include "io/tls_session_info.hpp"

namespace sotto::io {

struct TlsHandshakeState {
  // Client side: the name we dialled (host name or IP literal) and whether to check it (RFC 5922 7.3).
  std::string expected_name;
  bool check_name = false;
  bool allow_wildcards = false;
  bool server = false;
  std::string our_versions = "TLS 1.2 to TLS 1.3";  // for messages

  // Filled during the handshake.
  std::string verify_failure;          // first certificate problem, already phrased for humans
  std::uint16_t peer_max_version = 0;  // highest version the peer offered (ClientHello / ServerHello)

  // Hooks this state into `ssl` (ex_data), so the static callbacks below can find it.
  void attach(SSL* ssl);
  static TlsHandshakeState* from(const SSL* ssl);

  // X509 verify callback body: records the first failure and runs the RFC 5922 name check at depth 0.
  bool on_verify(bool preverified, X509_STORE_CTX* ctx);
  // SSL_CTX_set_client_hello_cb: notes the highest version a client offers, before version negotiation.
  static int client_hello_cb(SSL* ssl, int* alert, void* arg);
  // SSL_set_msg_callback: on a client, notes the version of the ServerHello.
  static void msg_cb(int write_p, int version, int content_type, const void* buf, std::size_t len, SSL* ssl,
                     void* arg);

  // One line for a failed handshake: prefers what verification recorded over OpenSSL's reason.
  Error describe_failure(const std::error_code& ec) const;
};

// "TLS 1.1" for 0x0302, etc.
std::string tls_version_name(std::uint16_t wire_version);
// Fills version, cipher, peer subject/issuer/SANs and verify result from a completed handshake.
TlsSessionInfo collect_session_info(SSL* ssl, bool peer_verified);

}  // namespace sotto::io
