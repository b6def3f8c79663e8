#pragma once
// TlsConfig: everything that shapes a TLS context for SIP over TLS (RFC 5630, RFC 5922). See docs/TLS.md.
//
//   io::TlsConfig server{.cert_chain_file = "srv.pem", .key_file = "srv.key"};
//   io::TlsConfig client{.ca_file = "ca.pem"};               // verify the server against our test CA
//   auto ctx = io::TlsContext::create(io::TlsRole::server, server);

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace sotto::io {

enum class TlsVersion : std::uint8_t { tls1_2, tls1_3 };  // nothing older can be configured
std::string_view to_string(TlsVersion v) noexcept;        // "TLS 1.2"

// TLS 1.2: forward-secret ECDHE with AEAD only (RFC 7525 4.2). TLS 1.3 suites are all AEAD.
inline constexpr std::string_view kDefaultTls12Ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
inline constexpr std::string_view kDefaultTls13Suites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";
inline constexpr std::string_view kDefaultGroups = "X25519:P-256:P-384";

struct TlsConfig {
  // Our certificate: PEM, leaf first then intermediates. The key may be in the same file (baresip
  // style) when key_file is empty. Required for servers; for clients only with mutual TLS.
  std::string cert_chain_file{};
  std::string key_file{};

  // Trust anchors for verifying the peer: a PEM bundle, or empty for the system store (/etc/ssl/certs).
  std::string ca_file{};
  // Client: verify the server chain and name (RFC 5922 7.3). Turning this off is for tests only.
  bool verify_peer = true;
  // Server: demand a client certificate, verified against ca_file / the system store (mutual TLS).
  bool require_client_cert = false;
  // Server: ask for a client certificate but accept clients without one, or with one that does not chain
  // to ca_file (or the system store): TlsSessionInfo::peer_subject and verify_result say what was presented.
  bool request_client_cert = false;
  // RFC 5922 7.2 forbids wildcard SIP domain certificates; some carriers still use them.
  bool allow_wildcards = false;

  TlsVersion min_version = TlsVersion::tls1_2;
  TlsVersion max_version = TlsVersion::tls1_3;
  // OpenSSL cipher strings. Some carriers demand RSA key exchange with CBC: e.g. "AES128-SHA".
  std::string cipher_list{kDefaultTls12Ciphers};
  std::string tls13_ciphersuites{kDefaultTls13Suites};
  std::string groups{kDefaultGroups};

  // Key logging (NSS key log format) decrypts every session recorded with it; only when asked for.
  // keylog_file: write here. keylog_from_env: use $SSLKEYLOGFILE when keylog_file is empty.
  std::string keylog_file{};
  bool keylog_from_env = false;

  // Where warnings go (keylog enabled, weak ciphers configured); default: spdlog::warn.
  std::function<void(std::string_view)> on_warning{};
};

}  // namespace sotto::io
