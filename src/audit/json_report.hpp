#pragma once
// The audit report as JSON (schema in docs/AUDIT.md; shared with the HTML report).
//
//   nlohmann::json j = to_json(report);
//   std::cout << j.dump(2);

#include <nlohmann/json.hpp>

#include "audit/report.hpp"

namespace sotto::audit {

nlohmann::json to_json(const Report& report);

}  // namespace sotto::audit
