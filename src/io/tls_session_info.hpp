#pragma once
// TlsSessionInfo: what a finished TLS handshake negotiated, and who the peer proved to be.
//
//   if (const io::TlsSessionInfo* tls = conn->tls_info())
//     log("{} {} peer {} [{}]", tls->version, tls->cipher, tls->peer_subject, fmt::join(tls->peer_sans, ", "));
//   // "TLSv1.3 TLS_AES_128_GCM_SHA256 peer CN=127.0.0.1 [DNS:localhost, DNS:127.0.0.1, IP:127.0.0.1]"

#include <string>
#include <vector>

namespace sotto::io {

struct TlsSessionInfo {
  std::string version;                 // "TLSv1.2", "TLSv1.3"
  std::string cipher;                  // OpenSSL name, e.g. "ECDHE-ECDSA-AES128-GCM-SHA256"
  std::string sni;                     // server: the name the client asked for; client: what we sent
  std::string peer_subject;            // RFC 2253, e.g. "CN=127.0.0.1,O=sotto"; empty without a peer cert
  std::string peer_issuer;
  std::vector<std::string> peer_sans;  // "DNS:localhost", "IP:127.0.0.1", "URI:sip:example.com"
  long verify_result = 0;              // X509_V_OK (0) or an X509_V_ERR_* code
  std::string verify_result_text;      // "ok" or OpenSSL's description
  bool peer_verified = false;          // chain checked (and, on the client, the name matched)

  friend bool operator==(const TlsSessionInfo&, const TlsSessionInfo&) = default;
};

}  // namespace sotto::io
