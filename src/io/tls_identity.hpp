#pragma once
// Peer identity checks for SIP over TLS (RFC 5922 section 7): does the certificate name the host we dialled?
//
//   io::CertificateNames names = io::certificate_names(peer_cert);   // SANs in order, CN
//   Status ok = io::match_sip_identity(names, "127.0.0.1", /*allow_wildcards=*/false);
//   // "certificate name mismatch: expected 127.0.0.1, certificate has DNS:localhost" on failure

#include <openssl/x509.h>

#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"

namespace sotto::io {

struct CertificateNames {
  enum class Type : unsigned char { dns, ip, uri };
  struct San {
    Type type;
    std::string value;  // IP addresses in their canonical text form
    std::string to_string() const;  // "DNS:localhost", "IP:127.0.0.1", "URI:sip:example.com"
  };
  std::vector<San> sans;      // subjectAltName entries of these three types, certificate order
  bool has_san_extension = false;
  std::string common_name;    // last CN of the subject, used only when there is no subjectAltName

  std::vector<std::string> san_strings() const;
};

CertificateNames certificate_names(X509* cert);
// RFC 2253 one-line form, e.g. "CN=sotto test CA,O=sotto".
std::string x509_name_string(const X509_NAME* name);

// RFC 5922 7.1-7.2, extended with IP SANs for peers addressed by IP literal:
//   - a host name matches a DNS SAN or the host part of a sip:/sips: URI SAN (case-insensitive);
//   - an IP literal matches an IP SAN or a sip:/sips: URI SAN with that address, never a DNS SAN;
//   - the subject CN is consulted only when the certificate has no subjectAltName at all;
//   - "*.example.com" matches one extra leftmost label, only with allow_wildcards (7.2 forbids them).
Status match_sip_identity(const CertificateNames& names, std::string_view expected, bool allow_wildcards);

// True for IPv4/IPv6 literals (IPv6 with or without brackets): no SNI is sent for those (RFC 6066 3).
bool is_ip_literal(std::string_view host) noexcept;

}  // namespace sotto::io
