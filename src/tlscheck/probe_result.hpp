#pragma once
// ProbeResult: everything `sotto tls-check` observed about one TLS server, as plain data. The prober
// (prober.hpp, the IO edge) fills it; evaluate() (findings.hpp) and the report (report.hpp) only read it.
//
//   tlscheck::ProbeResult r = tlscheck::probe(target, options);    // network
//   auto findings = tlscheck::evaluate(r, {.now_unix = time(nullptr)});  // pure

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace sotto::tlscheck {

// The protocol versions probed one by one; OpenSSL 3 cannot speak anything older.
inline constexpr const char* kProbedVersions[] = {"TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3"};

struct CertificateInfo {
  int depth = 0;                      // position in the chain the server sent, leaf = 0
  std::string subject;                // RFC 2253, "CN=127.0.0.1,O=sotto"
  std::string issuer;
  std::vector<std::string> sans;      // "DNS:localhost", "IP:127.0.0.1", "URI:sip:example.com"
  std::string sha256;                 // fingerprints of the DER, "AB:CD:..."
  std::string sha1;
  std::int64_t not_before = 0;        // Unix seconds
  std::int64_t not_after = 0;
  std::string key_type;               // "RSA", "EC", "Ed25519", "DSA", ...
  int key_bits = 0;
  std::string curve;                  // EC keys: "prime256v1"
  std::string signature_algorithm;    // "ecdsa-with-SHA256"
  bool self_signed = false;           // subject == issuer and the signature verifies with its own key
  bool is_ca = false;                 // basicConstraints CA:TRUE
};

// One category per X.509 verification problem, as OpenSSL reported it for the chain the server sent.
enum class VerifyIssue : std::uint8_t {
  expired,              // notAfter in the past
  not_yet_valid,
  self_signed_leaf,     // the leaf is its own issuer and not a trust anchor
  untrusted_root,       // the chain ends in a self-signed certificate that is not a trust anchor
  issuer_missing,       // an issuer is neither sent nor in the trust store
  other,                // anything else (bad signature, wrong purpose, ...)
};

struct VerifyProblem {
  VerifyIssue issue = VerifyIssue::other;
  int depth = 0;
  std::string detail;  // OpenSSL's text for the error, e.g. "certificate has expired"
};

struct ChainCheck {
  std::string trust_source;                // "--ca-file ca.pem" or "system store"
  std::vector<VerifyProblem> problems;     // empty: the chain verified
  int certificates_sent = 0;
  // Certificates the verified chain needed from the trust store that are not trust anchors themselves
  // (intermediates the server should have sent).
  int intermediates_from_store = 0;
  std::string expected_name;               // what the certificate must name (RFC 5922 7.3)
  bool name_matches = false;
  std::string name_error;                  // match_sip_identity's message when it did not match
  bool allow_wildcards = false;
};

// A cipher suite as OpenSSL describes it; whether it is weak is decided by cipher_facts.hpp.
struct CipherInfo {
  std::string name;          // OpenSSL name, "ECDHE-ECDSA-AES128-GCM-SHA256"
  std::string version;       // the protocol version probed, "TLSv1.2"
  std::string kx;            // "ECDHE", "DHE", "RSA", "PSK", "any" (TLS 1.3)
  std::string auth;          // "RSA", "ECDSA", "DSS", "none", "PSK", "any"
  std::string enc;           // OpenSSL's short name of the cipher, "AES-128-GCM", "NULL"
  int bits = 0;              // symmetric key bits
  std::string mac;           // "SHA256", "SHA1", "MD5", "AEAD"
  std::optional<int> dh_bits;  // finite-field DHE: size of the server's group, when this suite was accepted
  std::string ecdh_group;    // ECDHE: the group the server chose, "X25519"
};

struct VersionProbe {
  bool accepted = false;
  std::string cipher;        // what the server chose when we offered everything
  std::string refusal;       // why not, one line ("peer refused our TLS versions (TLS 1.0)")
};

struct SipOptionsResult {
  bool tried = false;
  bool answered = false;     // a SIP response came back
  int status = 0;            // 200, 405, ...
  std::string reason;        // "OK"
  std::string server;        // the Server header, or User-Agent when it sent no Server
  std::string detail;        // when not answered: "no answer within 3 s", "answered HTTP/1.0 200 ok"
};

struct ProbeResult {
  std::string target;        // as given: "127.0.0.1:5061"
  std::string host;
  std::uint16_t port = 0;
  std::string address;       // the address we connected to
  std::string sni;           // sent SNI, empty for IP literals (RFC 6066 3)

  // The first handshake, offering everything this OpenSSL can speak.
  std::string version;       // "TLSv1.3"
  std::string cipher;
  std::string kx_group;      // "X25519", "ffdhe2048", "DH 1024"

  std::vector<CertificateInfo> certificates;  // as sent, leaf first
  ChainCheck chain;

  std::map<std::string, VersionProbe> versions;            // key: kProbedVersions
  std::map<std::string, std::vector<CipherInfo>> ciphers;  // accepted suites per version, probe order
  std::vector<std::string> unchecked;                      // what OpenSSL here cannot offer at all
  SipOptionsResult sip;
  double elapsed_s = 0;
  int handshakes = 0;
};

}  // namespace sotto::tlscheck
