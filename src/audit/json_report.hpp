#pragma once
// The audit report as JSON (schema in docs/AUDIT.md; shared with the HTML report).
//
//   nlohmann::json j = to_json(report);
//   std::cout << dump_json(report);     // what --json prints

#include <nlohmann/json.hpp>

#include "audit/report.hpp"

namespace sotto::audit {

nlohmann::json to_json(const Report& report);
// to_json(report).dump(2) with invalid UTF-8 (anything in a capture) replaced by U+FFFD instead of
// throwing.
std::string dump_json(const Report& report);

}  // namespace sotto::audit
