#include "core/registrar/binding_table.hpp"

namespace sotto::registrar {

std::string_view to_string(BindingChangeKind k) noexcept {
  switch (k) {
    case BindingChangeKind::added: return "added";
    case BindingChangeKind::refreshed: return "refreshed";
    case BindingChangeKind::removed: return "removed";
  }
  return "added";
}

std::string temp_gruu_token(std::string_view temp_gruu) {
  auto colon = temp_gruu.find(':');
  auto at = temp_gruu.find('@');
  if (colon == std::string_view::npos || at == std::string_view::npos || at < colon) return {};
  std::string_view user = temp_gruu.substr(colon + 1, at - colon - 1);
  if (user.substr(0, 6) != "tgruu.") return {};
  return std::string(user);
}

const std::vector<Binding>& BindingTable::of(std::string_view user) const {
  static const std::vector<Binding> kNone;
  auto it = users_.find(std::string(user));
  return it == users_.end() ? kNone : it->second;
}

void BindingTable::unindex(const std::string& user) {
  auto it = users_.find(user);
  if (it == users_.end()) return;
  for (const Binding& b : it->second) {
    auto range = expiry_.equal_range({b.expires, user});
    if (range.first != range.second) expiry_.erase(range.first);
    auto f = flows_.find(b.flow.id);
    if (f != flows_.end()) {
      f->second.erase(user);
      if (f->second.empty()) flows_.erase(f);
    }
    if (!b.temp_gruu.empty()) temp_gruus_.erase(temp_gruu_token(b.temp_gruu));
    --count_;
  }
}

void BindingTable::index(const std::string& user) {
  auto it = users_.find(user);
  if (it == users_.end()) return;
  for (const Binding& b : it->second) {
    expiry_.emplace(b.expires, user);
    flows_[b.flow.id].insert(user);
    if (!b.temp_gruu.empty()) temp_gruus_[temp_gruu_token(b.temp_gruu)] = user;
    ++count_;
  }
}

void BindingTable::replace(const std::string& user, std::vector<Binding> bindings) {
  unindex(user);
  if (bindings.empty()) {
    users_.erase(user);
    return;
  }
  users_[user] = std::move(bindings);
  index(user);
}

std::vector<BindingChange> BindingTable::expire(Timestamp now) {
  std::vector<BindingChange> out;
  while (!expiry_.empty() && expiry_.begin()->first <= now) {
    const std::string user = expiry_.begin()->second;
    std::vector<Binding> keep;
    for (const Binding& b : of(user)) {
      if (b.expires <= now) out.push_back({BindingChangeKind::removed, b});
      else keep.push_back(b);
    }
    replace(user, std::move(keep));
  }
  return out;
}

std::optional<Timestamp> BindingTable::next_expiry() const {
  if (expiry_.empty()) return std::nullopt;
  return expiry_.begin()->first;
}

const Binding* BindingTable::by_temp_gruu(std::string_view token) const {
  auto it = temp_gruus_.find(std::string(token));
  if (it == temp_gruus_.end()) return nullptr;
  for (const Binding& b : of(it->second)) {
    if (temp_gruu_token(b.temp_gruu) == token) return &b;
  }
  return nullptr;
}

std::vector<Binding> BindingTable::mark_flow_closed(sip::txn::Flow flow) {
  std::vector<Binding> out;
  auto f = flows_.find(flow.id);
  if (f == flows_.end()) return out;
  for (const std::string& user : f->second) {
    for (Binding& b : users_[user]) {
      if (b.flow == flow && b.flow_alive) {
        b.flow_alive = false;
        out.push_back(b);
      }
    }
  }
  return out;
}

std::vector<Binding> BindingTable::all() const {
  std::vector<Binding> out;
  out.reserve(count_);
  for (const auto& [user, bs] : users_) out.insert(out.end(), bs.begin(), bs.end());
  return out;
}

}  // namespace sotto::registrar
