#pragma once
// BindingTable: the registrar's bindings by user, with indexes by expiry, by flow and by temporary GRUU.
// A user's bindings are replaced as a whole (RFC 3261 10.3: a REGISTER is applied completely or not at all).
//
//   BindingTable t;
//   t.replace("alice", {b1, b2});
//   for (const Binding& b : t.of("alice")) ...;   auto gone = t.expire(now);

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "base/time.hpp"
#include "core/registrar/locations.hpp"

namespace sotto::registrar {

enum class BindingChangeKind : std::uint8_t { added, refreshed, removed };
std::string_view to_string(BindingChangeKind k) noexcept;

struct BindingChange {
  BindingChangeKind kind = BindingChangeKind::added;
  Binding binding;  // the binding as it is now (removed: as it was)
};

class BindingTable {
 public:
  // The user's bindings (empty when none).
  const std::vector<Binding>& of(std::string_view user) const;
  void replace(const std::string& user, std::vector<Binding> bindings);
  // Removes every binding expired at `now`.
  std::vector<BindingChange> expire(Timestamp now);
  std::optional<Timestamp> next_expiry() const;
  // The binding whose temp_gruu has this user part ("tgruu.<hex>").
  const Binding* by_temp_gruu(std::string_view token) const;
  // Marks every binding on `flow` not alive; returns them.
  std::vector<Binding> mark_flow_closed(sip::txn::Flow flow);

  std::size_t size() const noexcept { return count_; }
  std::vector<Binding> all() const;

 private:
  void unindex(const std::string& user);
  void index(const std::string& user);

  std::unordered_map<std::string, std::vector<Binding>> users_;
  std::multiset<std::pair<Timestamp, std::string>> expiry_;
  std::unordered_map<std::uint64_t, std::unordered_set<std::string>> flows_;  // flow id -> users
  std::unordered_map<std::string, std::string> temp_gruus_;                  // token -> user
  std::size_t count_ = 0;
};

// "tgruu.<hex>" from "sip:tgruu.<hex>@domain;gr" (empty when `temp_gruu` is not one).
std::string temp_gruu_token(std::string_view temp_gruu);

}  // namespace sotto::registrar
