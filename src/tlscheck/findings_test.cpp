// evaluate(): each finding code from probe results built by hand, and a clean result with none.
#include "tlscheck/findings.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "tlscheck/cipher_facts.hpp"

namespace sotto::tlscheck {
namespace {

constexpr std::int64_t kNow = 1'800'000'000;  // 2027-01-15
constexpr std::int64_t kDay = 86400;

CipherInfo suite(std::string name, std::string version, std::string kx, std::string auth = "ECDSA",
                 std::string enc = "AES-128-GCM", int bits = 128, std::string mac = "AEAD") {
  CipherInfo c;
  c.name = std::move(name);
  c.version = std::move(version);
  c.kx = std::move(kx);
  c.auth = std::move(auth);
  c.enc = std::move(enc);
  c.bits = bits;
  c.mac = std::move(mac);
  return c;
}

// A server as it should be: TLS 1.2 + 1.3, ECDSA P-256 leaf from a trusted CA, ECDHE AEAD suites, SIP answered.
ProbeResult good() {
  ProbeResult r;
  r.target = "127.0.0.1:5061";
  CertificateInfo leaf;
  leaf.subject = "CN=127.0.0.1";
  leaf.issuer = "CN=test CA";
  leaf.not_before = kNow - 10 * kDay;
  leaf.not_after = kNow + 300 * kDay;
  leaf.key_type = "EC";
  leaf.key_bits = 256;
  r.certificates.push_back(leaf);
  r.chain.trust_source = "--ca-file ca.pem";
  r.chain.certificates_sent = 1;
  r.chain.expected_name = "127.0.0.1";
  r.chain.name_matches = true;
  r.versions["TLSv1.0"] = {};
  r.versions["TLSv1.1"] = {};
  r.versions["TLSv1.2"] = {.accepted = true, .cipher = "ECDHE-ECDSA-AES128-GCM-SHA256", .refusal = ""};
  r.versions["TLSv1.3"] = {.accepted = true, .cipher = "TLS_AES_128_GCM_SHA256", .refusal = ""};
  r.ciphers["TLSv1.2"] = {suite("ECDHE-ECDSA-AES128-GCM-SHA256", "TLSv1.2", "ECDHE")};
  r.ciphers["TLSv1.3"] = {suite("TLS_AES_128_GCM_SHA256", "TLSv1.3", "any", "any")};
  r.sip.tried = true;
  r.sip.answered = true;
  r.sip.status = 200;
  return r;
}

std::vector<std::string> codes(const ProbeResult& r, Policy p = {.now_unix = kNow}) {
  std::vector<std::string> out;
  for (const auto& f : evaluate(r, p)) out.push_back(f.code);
  return out;
}

using Codes = std::vector<std::string>;

TEST(TlsCheckFindings, CleanServerHasNone) { EXPECT_EQ(codes(good()), Codes{}); }

TEST(TlsCheckFindings, OldVersionsAreMediumBesideModernHighAlone) {
  ProbeResult r = good();
  r.versions["TLSv1.0"].accepted = true;
  auto f = evaluate(r, {.now_unix = kNow});
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].code, "tls-version-old");
  EXPECT_EQ(f[0].severity, Severity::medium);
  EXPECT_NE(f[0].message.find("TLSv1.0"), std::string::npos);
  r.versions["TLSv1.2"].accepted = false;
  r.versions["TLSv1.3"].accepted = false;
  f = evaluate(r, {.now_unix = kNow});
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::high);
}

TEST(TlsCheckFindings, ExpiredByDateEvenIfOpenSslAlsoSaidSo) {
  ProbeResult r = good();
  r.certificates[0].not_after = kNow - 3 * kDay;
  r.chain.problems.push_back({VerifyIssue::expired, 0, "certificate has expired"});
  EXPECT_EQ(codes(r), Codes{"cert-expired"});
  const auto f = evaluate(r, {.now_unix = kNow});
  EXPECT_NE(f[0].message.find("3 days ago"), std::string::npos) << f[0].message;
}

TEST(TlsCheckFindings, NotYetValidIsReportedAsExpiredClass) {
  ProbeResult r = good();
  r.certificates[0].not_before = kNow + kDay;
  EXPECT_EQ(codes(r), Codes{"cert-expired"});
}

TEST(TlsCheckFindings, ExpiringSoonFollowsThePolicyThreshold) {
  ProbeResult r = good();
  r.certificates[0].not_after = kNow + 20 * kDay + 5;
  EXPECT_EQ(codes(r), Codes{"cert-expiring-soon"});
  EXPECT_EQ(codes(r, {.now_unix = kNow, .expiring_soon_days = 10}), Codes{});
  EXPECT_EQ(days_left(kNow + 20 * kDay + 5, kNow), 20);
  EXPECT_EQ(days_left(kNow - 1, kNow), -1);
}

TEST(TlsCheckFindings, SelfSignedLeafIsOneFindingNotAlsoUntrusted) {
  ProbeResult r = good();
  r.certificates[0].issuer = r.certificates[0].subject;
  r.certificates[0].self_signed = true;
  r.chain.problems.push_back({VerifyIssue::self_signed_leaf, 0, "self-signed certificate"});
  EXPECT_EQ(codes(r), Codes{"cert-self-signed"});
  EXPECT_EQ(evaluate(r, {.now_unix = kNow})[0].severity, Severity::high);
  // Pinned through --ca-file: still said, but low.
  r.chain.problems.clear();
  auto f = evaluate(r, {.now_unix = kNow});
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::low);
}

TEST(TlsCheckFindings, MissingIntermediateIsChainIncompleteOnly) {
  ProbeResult r = good();
  r.certificates[0].issuer = "CN=test intermediate";
  r.chain.problems.push_back({VerifyIssue::issuer_missing, 0, "unable to get local issuer certificate"});
  r.chain.problems.push_back({VerifyIssue::issuer_missing, 0, "unable to verify the first certificate"});
  EXPECT_EQ(codes(r), Codes{"chain-incomplete"});
}

TEST(TlsCheckFindings, IntermediateTakenFromTheStoreIsLowChainIncomplete) {
  ProbeResult r = good();
  r.chain.intermediates_from_store = 1;
  auto f = evaluate(r, {.now_unix = kNow});
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].code, "chain-incomplete");
  EXPECT_EQ(f[0].severity, Severity::low);
}

TEST(TlsCheckFindings, UnknownRootIsUntrusted) {
  ProbeResult r = good();
  CertificateInfo root;
  root.depth = 1;
  root.subject = root.issuer = "CN=other root";
  root.self_signed = true;
  root.not_before = kNow - kDay;
  root.not_after = kNow + 1000 * kDay;
  root.key_type = "EC";
  root.key_bits = 256;
  r.certificates.push_back(root);
  r.chain.problems.push_back({VerifyIssue::untrusted_root, 1, "self-signed certificate in certificate chain"});
  EXPECT_EQ(codes(r), Codes{"cert-untrusted"});
}

TEST(TlsCheckFindings, OtherVerifyErrorsAreUntrusted) {
  ProbeResult r = good();
  r.chain.problems.push_back({VerifyIssue::other, 0, "unsupported certificate purpose"});
  EXPECT_EQ(codes(r), Codes{"cert-untrusted"});
}

TEST(TlsCheckFindings, NameMismatchCarriesTheIdentityCheckMessage) {
  ProbeResult r = good();
  r.chain.name_matches = false;
  r.chain.name_error = "certificate name mismatch: expected 127.0.0.1, certificate has DNS:example.com";
  auto f = evaluate(r, {.now_unix = kNow});
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].code, "cert-name-mismatch");
  EXPECT_EQ(f[0].message, r.chain.name_error);
}

TEST(TlsCheckFindings, SmallKeysAreKeyWeak) {
  ProbeResult r = good();
  r.certificates[0].key_type = "RSA";
  r.certificates[0].key_bits = 1024;
  EXPECT_EQ(codes(r), Codes{"key-weak"});
  r.certificates[0].key_bits = 2048;
  EXPECT_EQ(codes(r), Codes{});
  r.certificates[0].key_type = "EC";
  r.certificates[0].key_bits = 192;
  EXPECT_EQ(codes(r), Codes{"key-weak"});
}

TEST(TlsCheckFindings, WeakSuites) {
  EXPECT_EQ(cipher_weakness(suite("AECDH-AES128-SHA", "TLSv1.2", "ECDHE", "none", "AES-128-CBC", 128, "SHA1")),
            "anonymous (no server authentication: open to a man in the middle)");
  EXPECT_EQ(cipher_weakness(suite("ECDHE-ECDSA-NULL-SHA", "TLSv1.2", "ECDHE", "ECDSA", "NULL", 0, "SHA1")),
            "no encryption (NULL cipher)");
  EXPECT_EQ(cipher_weakness(suite("DES-CBC3-SHA", "TLSv1.2", "RSA", "RSA", "DES-EDE3-CBC", 112, "SHA1")),
            "3DES (64-bit blocks, Sweet32)");
  EXPECT_EQ(cipher_weakness(suite("RC4-MD5", "TLSv1.0", "RSA", "RSA", "RC4", 128, "MD5")), "RC4 (RFC 7465 prohibits it)");
  EXPECT_EQ(cipher_weakness(suite("ECDHE-RSA-AES128-SHA", "TLSv1.2", "ECDHE", "RSA", "AES-128-CBC", 128, "SHA1")), "");
  ProbeResult r = good();
  r.ciphers["TLSv1.2"].push_back(suite("ECDHE-ECDSA-NULL-SHA", "TLSv1.2", "ECDHE", "ECDSA", "NULL", 0, "SHA1"));
  EXPECT_EQ(codes(r), Codes{"cipher-weak"});
}

TEST(TlsCheckFindings, StaticRsaKeyExchangeIsNoForwardSecrecy) {
  ProbeResult r = good();
  r.ciphers["TLSv1.2"].push_back(suite("AES128-GCM-SHA256", "TLSv1.2", "RSA", "RSA"));
  auto f = evaluate(r, {.now_unix = kNow});
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].code, "no-forward-secrecy");
  EXPECT_EQ(f[0].severity, Severity::medium);
  // Only static RSA: high.
  r.ciphers.erase("TLSv1.3");
  r.ciphers["TLSv1.2"].erase(r.ciphers["TLSv1.2"].begin());
  f = evaluate(r, {.now_unix = kNow});
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].severity, Severity::high);
}

TEST(TlsCheckFindings, SmallFiniteFieldGroupIsDhWeak) {
  ProbeResult r = good();
  CipherInfo dhe = suite("DHE-RSA-AES128-GCM-SHA256", "TLSv1.2", "DHE", "RSA");
  dhe.dh_bits = 1024;
  r.ciphers["TLSv1.2"].push_back(dhe);
  auto f = evaluate(r, {.now_unix = kNow});
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].code, "dh-weak");
  EXPECT_NE(f[0].message.find("1024 bits"), std::string::npos);
  r.ciphers["TLSv1.2"].back().dh_bits = 2048;
  EXPECT_EQ(codes(r), Codes{});
}

TEST(TlsCheckFindings, NoSipAnswerIsNotSipUnlessNotAsked) {
  ProbeResult r = good();
  r.sip = {};
  r.sip.tried = true;
  r.sip.detail = "answered with something else: 'HTTP/1.0 200 ok'";
  auto f = evaluate(r, {.now_unix = kNow});
  ASSERT_EQ(f.size(), 1u);
  EXPECT_EQ(f[0].code, "not-sip");
  EXPECT_NE(f[0].message.find("HTTP/1.0 200 ok"), std::string::npos);
  EXPECT_EQ(codes(r, {.now_unix = kNow, .check_sip = false}), Codes{});
  // A SIP error status is still SIP.
  r.sip.answered = true;
  r.sip.status = 405;
  EXPECT_EQ(codes(r), Codes{});
}

TEST(TlsCheckFindings, NoCertificateAtAllIsUntrusted) {
  ProbeResult r = good();
  r.certificates.clear();
  EXPECT_EQ(codes(r), Codes{"cert-untrusted"});
}

TEST(TlsCheckFindings, UtcDate) { EXPECT_EQ(utc_date(0), "1970-01-01"); }

}  // namespace
}  // namespace sotto::tlscheck
