#pragma once
// The store seen through the interfaces of the sans-IO cores: registrar::Accounts (digests and allowed
// transports of an account) and the mapping of registrar bindings to and from store::BindingRecord.
//
//   server::StoreAccounts accounts(store);                 // registrar::Registrar reg(cfg, accounts, rng);
//   store->put_bindings({server::to_record(binding, unix_now)});
//   registrar.restore(now, unix_now, server::from_records(*store->list_bindings(unix_now)));

#include <vector>

#include "core/b2bua/call_record.hpp"
#include "core/b2bua/policies.hpp"
#include "core/registrar/accounts.hpp"
#include "core/registrar/locations.hpp"
#include "store/store.hpp"

namespace sotto::server {

class StoreAccounts final : public registrar::Accounts {
 public:
  explicit StoreAccounts(store::Store& store) : store_(store) {}
  // A database error counts as "no such account" (the digest then fails; the error is logged by `log`).
  std::optional<registrar::AccountCredentials> find(std::string_view user) const override;

 private:
  store::Store& store_;
};

// b2bua::Policies from the accounts: SRTP mode and suites, allowed transports.
class StorePolicies final : public b2bua::Policies {
 public:
  explicit StorePolicies(store::Store& store) : store_(store) {}
  std::optional<b2bua::UserPolicy> lookup(std::string_view user) const override;

 private:
  store::Store& store_;
};

store::Transport to_store(sip::Transport t) noexcept;
sip::Transport from_store(store::Transport t) noexcept;

store::BindingRecord to_record(const registrar::Binding& b, std::int64_t unix_now);
// Restored bindings have no live flow (flow_alive = false) until the phone registers again.
std::vector<registrar::Binding> from_records(const std::vector<store::BindingRecord>& records);

}  // namespace sotto::server
