#pragma once
// Handshake message bodies an audit reads (RFC 5246 7.4, RFC 8446 4): ClientHello, ServerHello and
// the certificate list of a Certificate message. Each parser takes the body after the 4-byte header.
//
//   auto ch = tls::parse_client_hello(body);   // ch->random, ch->sni, ch->offered_versions
//   auto sh = tls::parse_server_hello(body);   // sh->version (supported_versions applied), sh->cipher_suite
//   auto certs = tls::parse_certificate_list(body, /*tls13=*/true);   // DER blobs, leaf first

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/result.hpp"

namespace sotto::tls {

enum class HandshakeType : std::uint8_t {
  client_hello = 1, server_hello = 2, new_session_ticket = 4, end_of_early_data = 5,
  encrypted_extensions = 8, certificate = 11, server_key_exchange = 12, certificate_request = 13,
  server_hello_done = 14, certificate_verify = 15, client_key_exchange = 16, finished = 20, key_update = 24,
};

struct ClientHello {
  std::uint16_t legacy_version = 0;
  std::array<std::uint8_t, 32> random{};
  std::vector<std::uint16_t> cipher_suites;
  std::vector<std::uint16_t> offered_versions;  // supported_versions (GREASE removed), else legacy_version
  std::string sni;                              // server_name host_name (RFC 6066 3), "" if absent
};

struct ServerHello {
  std::uint16_t version = 0;  // supported_versions selected_version if present (TLS 1.3), else legacy
  std::array<std::uint8_t, 32> random{};
  std::uint16_t cipher_suite = 0;
  bool hello_retry_request = false;  // random == SHA-256("HelloRetryRequest") (RFC 8446 4.1.3)
};

Result<ClientHello> parse_client_hello(std::span<const std::uint8_t> body);
Result<ServerHello> parse_server_hello(std::span<const std::uint8_t> body);
// TLS <= 1.2: certificate_list<0..2^24-1> of ASN.1Cert<1..2^24-1>. TLS 1.3 adds a request context
// before the list and extensions after each certificate.
Result<std::vector<std::vector<std::uint8_t>>> parse_certificate_list(std::span<const std::uint8_t> body, bool tls13);

}  // namespace sotto::tls
