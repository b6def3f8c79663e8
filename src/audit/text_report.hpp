#pragma once
// The audit report as text: one short block per call (worst first), then registrations, then the
// tally. What `sotto audit FILE` prints.
//
//   std::string s = to_text(report);

#include <string>

#include "audit/report.hpp"

namespace sotto::audit {

std::string to_text(const Report& report);

}  // namespace sotto::audit
