#pragma once
// The JSON documents of `sotto calls --json` and `sotto registrations --json` (docs/RECORDS.md), shared with
// the admin API of `sotto serve` (/api/calls, /api/registrations), which answers with the same JSON.
//
//   std::string doc = calls_document("./sotto-data", *store->list_calls(0), std::nullopt);
//   std::string regs = registrations_document("./sotto-data", *store->list_bindings(now), now);

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace sotto::app {

nlohmann::ordered_json call_json(const store::CallRecord& c);
std::string calls_document(const std::string& data_dir, const std::vector<store::CallRecord>& calls,
                           std::optional<std::int64_t> since_unix_ms);
std::string registrations_document(const std::string& data_dir, const std::vector<store::BindingRecord>& bindings,
                                   std::int64_t now);

}  // namespace sotto::app
