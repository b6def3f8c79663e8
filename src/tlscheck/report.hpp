#pragma once
// The output of `sotto tls-check`: a text report for people, a JSON object for scripts (docs/TLS-CHECK.md).
//
//   auto findings = evaluate(result, policy);
//   std::cout << tlscheck::report_text(result, findings, policy.now_unix);
//   std::cout << tlscheck::report_json(result, findings, policy.now_unix) << "\n";

#include <cstdint>
#include <string>
#include <vector>

#include "tlscheck/findings.hpp"
#include "tlscheck/probe_result.hpp"

namespace sotto::tlscheck {

std::string report_text(const ProbeResult& r, const std::vector<Finding>& findings, std::int64_t now_unix);
std::string report_json(const ProbeResult& r, const std::vector<Finding>& findings, std::int64_t now_unix);
// The exit status: 0 without findings, 1 with any.
int exit_status(const std::vector<Finding>& findings) noexcept;

}  // namespace sotto::tlscheck
