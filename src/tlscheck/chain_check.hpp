#pragma once
// The certificate chain a server sent: described (fingerprints, dates, keys) and checked the way `sotto phone`
// checks it (X.509 path to --ca-file or the system store, purpose TLS server; RFC 5922 name via io/tls_identity),
// except that every problem is collected instead of stopping at the first.
//
//   STACK_OF(X509)* sent = SSL_get_peer_cert_chain(ssl);          // leaf first
//   auto certs = tlscheck::describe_chain(sent);
//   ChainCheck c = tlscheck::check_chain(sent, "ca.pem", "127.0.0.1", /*allow_wildcards=*/false);

#include <openssl/x509.h>

#include <string>
#include <vector>

#include "tlscheck/probe_result.hpp"

namespace sotto::tlscheck {

std::vector<CertificateInfo> describe_chain(STACK_OF(X509) * sent);
// ca_file empty: the system store. `sent` must hold at least the leaf.
ChainCheck check_chain(STACK_OF(X509) * sent, const std::string& ca_file, const std::string& expected_name,
                       bool allow_wildcards);

}  // namespace sotto::tlscheck
