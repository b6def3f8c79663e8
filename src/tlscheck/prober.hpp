#pragma once
// The network side of `sotto tls-check`: TCP connects with deadlines, one OpenSSL handshake per question
// (which versions, which suites), the chain as sent, X.509 verification and the RFC 5922 name check
// (io/tls_identity), and a SIP OPTIONS down the first connection. Judging is findings.hpp's job.
//
//   auto r = tlscheck::probe({.target = {"127.0.0.1", 5061}, .ca_file = "ca.pem"});
//   if (!r) fail(r.error().context);   // "cannot connect to 127.0.0.1:5061: Connection refused"

#include <string>

#include "base/result.hpp"
#include "tlscheck/probe_result.hpp"
#include "tlscheck/target.hpp"

namespace sotto::tlscheck {

struct ProbeOptions {
  Target target;
  std::string name;             // SNI and the name to check; default target.host (no SNI for IP literals)
  std::string ca_file;          // empty: the system store
  std::string cert_file;        // client certificate for servers that demand one (may hold the key)
  std::string key_file;
  bool allow_wildcards = false;
  double timeout_s = 5;         // per TCP connect + handshake
  double sip_timeout_s = 3;     // waiting for the OPTIONS answer
  bool sip = true;              // send OPTIONS
  bool scan_ciphers = true;     // one handshake per suite and version
};

// Errors only when nothing TLS could be established at all (the exit status 2 case).
Result<ProbeResult> probe(const ProbeOptions& options);

}  // namespace sotto::tlscheck
