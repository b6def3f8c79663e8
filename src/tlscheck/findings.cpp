#include "tlscheck/findings.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <ctime>
#include <set>

#include "tlscheck/cipher_facts.hpp"

namespace sotto::tlscheck {
namespace {

constexpr std::int64_t kDay = 86400;

std::string join(const std::vector<std::string>& v, std::string_view sep, std::size_t max = 6) {
  std::string out;
  for (std::size_t i = 0; i < v.size() && i < max; ++i) {
    if (i) out += sep;
    out += v[i];
  }
  if (v.size() > max) out += fmt::format("{}and {} more", sep, v.size() - max);
  return out;
}

bool accepted(const ProbeResult& r, const std::string& v) {
  auto it = r.versions.find(v);
  return it != r.versions.end() && it->second.accepted;
}

bool has_issue(const ChainCheck& c, VerifyIssue i) {
  return std::any_of(c.problems.begin(), c.problems.end(), [i](const VerifyProblem& p) { return p.issue == i; });
}

std::string cert_label(const CertificateInfo& c) {
  return fmt::format("{} (depth {})", c.subject.empty() ? "(no subject)" : c.subject, c.depth);
}

void versions(const ProbeResult& r, std::vector<Finding>& out) {
  std::vector<std::string> old;
  for (const char* v : {"TLSv1.0", "TLSv1.1"}) {
    if (accepted(r, v)) old.emplace_back(v);
  }
  const bool modern = accepted(r, "TLSv1.2") || accepted(r, "TLSv1.3");
  if (!old.empty()) {
    out.push_back({"tls-version-old", modern ? Severity::medium : Severity::high,
                   fmt::format("accepts {} (RFC 8996 deprecates TLS 1.0 and 1.1){}", join(old, ", "),
                               modern ? "" : "; neither TLS 1.2 nor 1.3 is accepted")});
  } else if (!modern && !r.versions.empty()) {
    out.push_back({"tls-version-old", Severity::high, "accepts neither TLS 1.2 nor TLS 1.3"});
  }
}

void certificates(const ProbeResult& r, const Policy& p, std::vector<Finding>& out) {
  const ChainCheck& ch = r.chain;
  if (r.certificates.empty()) {
    out.push_back({"cert-untrusted", Severity::high, "the server sent no certificate"});
    return;
  }
  const CertificateInfo& leaf = r.certificates.front();

  // Validity of every certificate sent, judged against `now` (not OpenSSL's clock).
  for (const CertificateInfo& c : r.certificates) {
    const std::int64_t left = days_left(c.not_after, p.now_unix);
    if (c.not_after <= p.now_unix) {
      out.push_back({"cert-expired", Severity::high,
                     fmt::format("certificate {} expired on {}, {} days ago", cert_label(c), utc_date(c.not_after),
                                 -left)});
    } else if (c.not_before > p.now_unix) {
      out.push_back({"cert-expired", Severity::high,
                     fmt::format("certificate {} is not valid before {}", cert_label(c), utc_date(c.not_before))});
    } else if (left < p.expiring_soon_days) {
      out.push_back({"cert-expiring-soon", left < 7 ? Severity::high : Severity::medium,
                     fmt::format("certificate {} expires on {}, in {} days (threshold {})", cert_label(c),
                                 utc_date(c.not_after), left, p.expiring_soon_days)});
    }
  }

  const bool leaf_self_signed = leaf.self_signed || has_issue(ch, VerifyIssue::self_signed_leaf);
  if (leaf_self_signed) {
    const bool trusted = ch.problems.empty();
    out.push_back({"cert-self-signed", trusted ? Severity::low : Severity::high,
                   trusted ? fmt::format("certificate {} is self-signed; trusted only because {} holds it",
                                         leaf.subject, ch.trust_source)
                           : fmt::format("certificate {} is self-signed (its own issuer), not trusted by {}",
                                         leaf.subject, ch.trust_source)});
  }

  // An issuer neither sent nor in the store at the top of what was sent: the server left out its
  // intermediate(s). Indistinguishable on the wire from a leaf of an unknown CA; reported as the former.
  const bool issuer_missing = has_issue(ch, VerifyIssue::issuer_missing);
  const CertificateInfo& top = r.certificates.back();
  if (issuer_missing && !top.self_signed) {
    out.push_back({"chain-incomplete", Severity::medium,
                   fmt::format("the server sent {} certificate(s) ending at {}, whose issuer {} is neither sent nor in {}; "
                               "it must send its intermediate(s)",
                               r.certificates.size(), top.subject, top.issuer, ch.trust_source)});
  } else if (ch.problems.empty() && ch.intermediates_from_store > 0) {
    out.push_back({"chain-incomplete", Severity::low,
                   fmt::format("the server did not send {} intermediate certificate(s); verification found them in {}, "
                               "clients without them will fail",
                               ch.intermediates_from_store, ch.trust_source)});
  }

  // Everything else that stops the chain from verifying.
  std::vector<std::string> other;
  for (const VerifyProblem& pr : ch.problems) {
    switch (pr.issue) {
      case VerifyIssue::expired:
      case VerifyIssue::not_yet_valid:
        break;  // reported from the dates above
      case VerifyIssue::self_signed_leaf:
        break;
      case VerifyIssue::issuer_missing:
        if (top.self_signed) other.push_back(fmt::format("depth {}: {}", pr.depth, pr.detail));
        break;
      case VerifyIssue::untrusted_root:
        other.push_back(fmt::format("root {} is not in {}", top.subject, ch.trust_source));
        break;
      case VerifyIssue::other:
        other.push_back(fmt::format("depth {}: {}", pr.depth, pr.detail));
        break;
    }
  }
  std::sort(other.begin(), other.end());
  other.erase(std::unique(other.begin(), other.end()), other.end());
  if (!other.empty()) {
    out.push_back({"cert-untrusted", Severity::high, "chain does not verify: " + join(other, "; ")});
  }

  if (!ch.name_matches) {
    out.push_back({"cert-name-mismatch", Severity::high,
                   ch.name_error.empty() ? fmt::format("certificate does not name {}", ch.expected_name)
                                         : ch.name_error});
  }

  // Key sizes of every certificate sent.
  for (const CertificateInfo& c : r.certificates) {
    const bool rsa_like = c.key_type == "RSA" || c.key_type == "RSA-PSS" || c.key_type == "DSA";
    const bool ec = c.key_type == "EC";
    if ((rsa_like && c.key_bits < p.min_rsa_bits) || (ec && c.key_bits < p.min_ec_bits)) {
      const int floor = rsa_like ? p.min_rsa_bits : p.min_ec_bits;
      out.push_back({"key-weak", (rsa_like && c.key_bits < 1024) ? Severity::high : Severity::medium,
                     fmt::format("certificate {} has a {}-bit {} key (at least {} expected)", cert_label(c), c.key_bits,
                                 c.key_type, floor)});
    }
  }
}

void ciphers(const ProbeResult& r, const Policy& p, std::vector<Finding>& out) {
  std::vector<std::string> weak;
  std::vector<std::string> no_fs;
  std::size_t total = 0;
  std::optional<int> min_dh;
  std::vector<std::string> weak_dh;
  std::set<std::string> seen_weak, seen_nofs;
  for (const auto& [version, list] : r.ciphers) {
    for (const CipherInfo& c : list) {
      ++total;
      if (std::string why = cipher_weakness(c); !why.empty() && seen_weak.insert(c.name).second) {
        weak.push_back(fmt::format("{} ({})", c.name, why));
      }
      if (!forward_secret(c) && seen_nofs.insert(c.name).second) no_fs.push_back(c.name);
      if (c.dh_bits) {
        if (!min_dh || *c.dh_bits < *min_dh) min_dh = c.dh_bits;
        if (*c.dh_bits < p.min_dh_bits) weak_dh.push_back(c.name);
      }
    }
  }
  if (!weak.empty()) {
    out.push_back({"cipher-weak", Severity::high, fmt::format("accepts weak cipher suites: {}", join(weak, ", "))});
  }
  if (!no_fs.empty()) {
    const bool none = no_fs.size() == total;
    out.push_back({"no-forward-secrecy", none ? Severity::high : Severity::medium,
                   fmt::format("{} without forward secrecy (static RSA/PSK key exchange): {}",
                               none ? "every accepted suite is" : "accepts suites", join(no_fs, ", "))});
  }
  if (min_dh && *min_dh < p.min_dh_bits) {
    std::sort(weak_dh.begin(), weak_dh.end());
    weak_dh.erase(std::unique(weak_dh.begin(), weak_dh.end()), weak_dh.end());
    out.push_back({"dh-weak", *min_dh < 1024 ? Severity::high : Severity::medium,
                   fmt::format("finite-field DHE group of {} bits (at least {} expected) with {}", *min_dh,
                               p.min_dh_bits, join(weak_dh, ", "))});
  }
}

void sip(const ProbeResult& r, const Policy& p, std::vector<Finding>& out) {
  if (!p.check_sip || !r.sip.tried || r.sip.answered) return;
  out.push_back({"not-sip", Severity::low,
                 fmt::format("no SIP answer to OPTIONS over the TLS connection: {}",
                             r.sip.detail.empty() ? "nothing came back" : r.sip.detail)});
}

}  // namespace

std::string_view to_string(Severity s) noexcept {
  switch (s) {
    case Severity::high: return "high";
    case Severity::medium: return "medium";
    case Severity::low: return "low";
    case Severity::info: return "info";
  }
  return "info";
}

std::int64_t days_left(std::int64_t not_after, std::int64_t now_unix) {
  const std::int64_t d = not_after - now_unix;
  return d >= 0 ? d / kDay : -((-d + kDay - 1) / kDay);
}

std::string utc_date(std::int64_t unix_seconds) {
  const std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  if (gmtime_r(&t, &tm) == nullptr) return "?";
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

std::vector<Finding> evaluate(const ProbeResult& r, const Policy& policy) {
  std::vector<Finding> out;
  versions(r, out);
  certificates(r, policy, out);
  ciphers(r, policy, out);
  sip(r, policy, out);
  return out;
}

}  // namespace sotto::tlscheck
