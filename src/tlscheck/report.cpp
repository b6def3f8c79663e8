#include "tlscheck/report.hpp"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "tlscheck/cipher_facts.hpp"

namespace sotto::tlscheck {
namespace {

bool intermediates_sent(const ProbeResult& r) {
  return r.chain.intermediates_from_store == 0 &&
         !std::any_of(r.chain.problems.begin(), r.chain.problems.end(), [&](const VerifyProblem& p) {
           return p.issue == VerifyIssue::issuer_missing && !r.certificates.empty() && !r.certificates.back().self_signed;
         });
}

std::string key_text(const CertificateInfo& c) {
  std::string s = fmt::format("{} {} bits", c.key_type, c.key_bits);
  if (!c.curve.empty()) s += " (" + c.curve + ")";
  return s;
}

std::string verify_issue_name(VerifyIssue i) {
  switch (i) {
    case VerifyIssue::expired: return "expired";
    case VerifyIssue::not_yet_valid: return "not-yet-valid";
    case VerifyIssue::self_signed_leaf: return "self-signed-leaf";
    case VerifyIssue::untrusted_root: return "untrusted-root";
    case VerifyIssue::issuer_missing: return "issuer-missing";
    case VerifyIssue::other: return "other";
  }
  return "other";
}

}  // namespace

int exit_status(const std::vector<Finding>& findings) noexcept { return findings.empty() ? 0 : 1; }

std::string report_text(const ProbeResult& r, const std::vector<Finding>& findings, std::int64_t now_unix) {
  std::string out;
  auto line = [&](std::string_view k, const std::string& v) { out += fmt::format("  {:<16} {}\n", k, v); };
  out += fmt::format("tls-check {} ({}{})\n", r.target, r.address, r.sni.empty() ? ", no SNI" : ", SNI " + r.sni);
  line("negotiated", fmt::format("{} {}{}", r.version, r.cipher, r.kx_group.empty() ? "" : ", key exchange " + r.kx_group));

  out += "certificates (as sent)\n";
  for (const CertificateInfo& c : r.certificates) {
    out += fmt::format("  [{}] {}\n", c.depth, c.subject);
    line("  issuer", c.issuer + (c.self_signed ? " (self-signed)" : ""));
    if (!c.sans.empty()) {
      std::string s;
      for (const auto& san : c.sans) s += (s.empty() ? "" : ", ") + san;
      line("  names", s);
    }
    line("  valid", fmt::format("{} to {} ({} days left)", utc_date(c.not_before), utc_date(c.not_after),
                                days_left(c.not_after, now_unix)));
    line("  key", key_text(c) + ", signed " + c.signature_algorithm);
    line("  sha256", c.sha256);
    line("  sha1", c.sha1);
  }
  const ChainCheck& ch = r.chain;
  line("chain", fmt::format("{} sent, intermediates {}; {} against {}", ch.certificates_sent,
                            intermediates_sent(r) ? "sent" : "MISSING",
                            ch.problems.empty() ? "verified" : "NOT verified", ch.trust_source));
  for (const VerifyProblem& p : ch.problems) line("", fmt::format("depth {}: {}", p.depth, p.detail));
  line("name", fmt::format("{} {}{}", ch.expected_name, ch.name_matches ? "matches" : "does NOT match",
                           ch.allow_wildcards ? " (wildcards allowed)" : " (RFC 5922: no wildcards)"));

  out += "versions\n";
  for (const char* v : kProbedVersions) {
    auto it = r.versions.find(v);
    if (it == r.versions.end()) continue;
    line(std::string("  ") + v, it->second.accepted ? "accepted" : "refused");
  }
  if (!r.unchecked.empty()) {
    std::string s;
    for (const auto& u : r.unchecked) s += (s.empty() ? "" : ", ") + u;
    line("  unchecked", s + " (this OpenSSL cannot offer them)");
  }
  out += "cipher suites accepted\n";
  for (const char* v : kProbedVersions) {
    auto it = r.ciphers.find(v);
    if (it == r.ciphers.end()) continue;
    for (const CipherInfo& c : it->second) {
      std::string notes;
      if (!forward_secret(c)) notes += ", no forward secrecy";
      if (auto w = cipher_weakness(c); !w.empty()) notes += ", WEAK: " + w;
      if (c.dh_bits) notes += fmt::format(", DH {} bits", *c.dh_bits);
      else if (!c.ecdh_group.empty()) notes += ", " + c.ecdh_group;
      line(std::string("  ") + v, c.name + notes);
    }
  }
  if (r.sip.tried) {
    line("sip OPTIONS", r.sip.answered ? fmt::format("{} {}{}", r.sip.status, r.sip.reason,
                                                      r.sip.server.empty() ? "" : " (Server: " + r.sip.server + ")")
                                       : "not answered: " + r.sip.detail);
  }
  line("probe", fmt::format("{} handshakes in {:.1f} s", r.handshakes, r.elapsed_s));
  if (findings.empty()) {
    out += "findings: none\n";
  } else {
    out += fmt::format("findings: {}\n", findings.size());
    for (const Finding& f : findings) out += fmt::format("  {} [{}] {}\n", f.code, to_string(f.severity), f.message);
  }
  return out;
}

std::string report_json(const ProbeResult& r, const std::vector<Finding>& findings, std::int64_t now_unix) {
  using nlohmann::json;
  json j;
  j["target"] = r.target;
  j["address"] = r.address;
  j["sni"] = r.sni.empty() ? json(nullptr) : json(r.sni);
  j["negotiated"] = {{"version", r.version}, {"cipher", r.cipher}, {"key_exchange", r.kx_group}};
  json certs = json::array();
  for (const CertificateInfo& c : r.certificates) {
    certs.push_back({{"depth", c.depth},
                     {"subject", c.subject},
                     {"issuer", c.issuer},
                     {"sans", c.sans},
                     {"sha256", c.sha256},
                     {"sha1", c.sha1},
                     {"not_before", utc_date(c.not_before)},
                     {"not_after", utc_date(c.not_after)},
                     {"not_before_unix", c.not_before},
                     {"not_after_unix", c.not_after},
                     {"days_left", days_left(c.not_after, now_unix)},
                     {"key_type", c.key_type},
                     {"key_bits", c.key_bits},
                     {"curve", c.curve.empty() ? json(nullptr) : json(c.curve)},
                     {"signature_algorithm", c.signature_algorithm},
                     {"self_signed", c.self_signed},
                     {"is_ca", c.is_ca}});
  }
  j["certificates"] = certs;
  json problems = json::array();
  for (const VerifyProblem& p : r.chain.problems) {
    problems.push_back({{"issue", verify_issue_name(p.issue)}, {"depth", p.depth}, {"detail", p.detail}});
  }
  j["chain"] = {{"sent", r.chain.certificates_sent},
                {"intermediates_sent", intermediates_sent(r)},
                {"intermediates_from_store", r.chain.intermediates_from_store},
                {"trust_source", r.chain.trust_source},
                {"verified", r.chain.problems.empty()},
                {"problems", problems},
                {"name", r.chain.expected_name},
                {"name_matches", r.chain.name_matches},
                {"name_error", r.chain.name_error},
                {"wildcards_allowed", r.chain.allow_wildcards}};
  json versions = json::object();
  for (const char* v : kProbedVersions) {
    auto it = r.versions.find(v);
    versions[v] = it != r.versions.end() && it->second.accepted;
  }
  j["tls_versions"] = versions;
  j["unchecked"] = r.unchecked;
  json ciphers = json::object();
  json details = json::array();
  bool fs_all = true, fs_any = false;
  std::optional<int> dh_min;
  for (const auto& [version, list] : r.ciphers) {
    json names = json::array();
    for (const CipherInfo& c : list) {
      names.push_back(c.name);
      const bool fs = forward_secret(c);
      fs_all = fs_all && fs;
      fs_any = fs_any || fs;
      if (c.dh_bits && (!dh_min || *c.dh_bits < *dh_min)) dh_min = c.dh_bits;
      details.push_back({{"name", c.name},
                         {"version", c.version},
                         {"kx", c.kx},
                         {"auth", c.auth},
                         {"enc", c.enc},
                         {"bits", c.bits},
                         {"mac", c.mac},
                         {"forward_secret", fs},
                         {"weak", cipher_weakness(c).empty() ? json(nullptr) : json(cipher_weakness(c))},
                         {"dh_bits", c.dh_bits ? json(*c.dh_bits) : json(nullptr)},
                         {"ecdh_group", c.ecdh_group.empty() ? json(nullptr) : json(c.ecdh_group)}});
    }
    ciphers[version] = names;
  }
  j["ciphers"] = ciphers;
  j["cipher_details"] = details;
  j["forward_secrecy"] = !fs_any ? "none" : fs_all ? "all" : "some";
  j["dh_bits"] = dh_min ? json(*dh_min) : json(nullptr);
  j["sip_options"] = {{"tried", r.sip.tried},
                      {"answered", r.sip.answered},
                      {"status", r.sip.answered ? json(r.sip.status) : json(nullptr)},
                      {"reason", r.sip.answered ? json(r.sip.reason) : json(nullptr)},
                      {"server", r.sip.server.empty() ? json(nullptr) : json(r.sip.server)},
                      {"detail", r.sip.detail}};
  json fs = json::array();
  for (const Finding& f : findings) {
    fs.push_back({{"code", f.code}, {"severity", std::string(to_string(f.severity))}, {"message", f.message}});
  }
  j["findings"] = fs;
  j["handshakes"] = r.handshakes;
  j["elapsed_s"] = r.elapsed_s;
  return j.dump(2);
}

}  // namespace sotto::tlscheck
