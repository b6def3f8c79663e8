#pragma once
// DialogIndex: the call a dialog id belongs to, so that in-dialog requests, ACKs and retransmitted 2xx
// find their call in one hash lookup instead of a walk over every call held (ended calls linger 64*T1).
// It maps an id to a call handle only: the B2BUA then checks which leg of that call holds the dialog,
// so a leg that moves inside its call needs no update. A leg that moves to another call is added again
// under the new call (the last add wins); remove(id, call) leaves an id that names another call alone,
// so the old call's purge cannot drop it.
//
//   index.add(dialog.id(), c.handle);
//   if (std::optional<CallHandle> h = index.find(dialog::dialog_id_of(req).value())) ...;
//   for (const auto& id : c.indexed_dialogs) index.remove(id, c.handle);   // when the call is purged

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <unordered_map>

#include "core/b2bua/b2bua_event.hpp"
#include "core/dialog/dialog.hpp"

namespace sotto::b2bua {

class DialogIndex {
 public:
  void add(const dialog::DialogId& id, CallHandle call) { map_.insert_or_assign(id, call); }
  std::optional<CallHandle> find(const dialog::DialogId& id) const {
    auto it = map_.find(id);
    if (it == map_.end()) return std::nullopt;
    return it->second;
  }
  // Forgets `id` if it still names `call`.
  void remove(const dialog::DialogId& id, CallHandle call) {
    auto it = map_.find(id);
    if (it != map_.end() && it->second == call) map_.erase(it);
  }
  std::size_t size() const noexcept { return map_.size(); }

 private:
  struct Hash {
    std::size_t operator()(const dialog::DialogId& id) const noexcept {
      const std::hash<std::string> h;
      std::size_t v = h(id.call_id);
      v ^= h(id.local_tag) + 0x9e3779b97f4a7c15ULL + (v << 6) + (v >> 2);
      v ^= h(id.remote_tag) + 0x9e3779b97f4a7c15ULL + (v << 6) + (v >> 2);
      return v;
    }
  };
  std::unordered_map<dialog::DialogId, CallHandle, Hash> map_;
};

}  // namespace sotto::b2bua
