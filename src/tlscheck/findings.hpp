#pragma once
// evaluate(): the findings of `sotto tls-check`, a pure function of what the prober saw and the time.
//
//   auto findings = tlscheck::evaluate(result, {.now_unix = 1'800'000'000, .expiring_soon_days = 30});
//   for (const auto& f : findings) print("{} [{}] {}", f.code, to_string(f.severity), f.message);
//   // "cert-expired [high] certificate CN=127.0.0.1 (depth 0) expired on 2026-01-01, 12 days ago"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "tlscheck/probe_result.hpp"

namespace sotto::tlscheck {

enum class Severity : std::uint8_t { high, medium, low, info };
std::string_view to_string(Severity s) noexcept;

// Stable codes (docs/TLS-CHECK.md): tls-version-old, cert-expired, cert-expiring-soon, cert-untrusted,
// cert-name-mismatch, cert-self-signed, chain-incomplete, key-weak, cipher-weak, no-forward-secrecy, dh-weak,
// not-sip.
struct Finding {
  std::string code;
  Severity severity = Severity::info;
  std::string message;  // one line

  friend bool operator==(const Finding&, const Finding&) = default;
};

struct Policy {
  std::int64_t now_unix = 0;
  int expiring_soon_days = 30;
  int min_dh_bits = 2048;        // finite-field DHE groups below this: dh-weak
  int min_rsa_bits = 2048;       // RSA/DSA keys below this: key-weak
  int min_ec_bits = 224;         // EC keys below this: key-weak
  bool check_sip = true;         // false: no not-sip finding (the OPTIONS probe was not asked for)
};

// Findings in a fixed order (most severe class first within the order of the table in the docs).
std::vector<Finding> evaluate(const ProbeResult& r, const Policy& policy);

// Whole days from now until not_after (negative once expired), rounded toward minus infinity.
std::int64_t days_left(std::int64_t not_after, std::int64_t now_unix);
// "2026-12-06" (UTC)
std::string utc_date(std::int64_t unix_seconds);

}  // namespace sotto::tlscheck
