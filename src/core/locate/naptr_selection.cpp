#include "core/locate/naptr_selection.hpp"

#include <algorithm>
#include <optional>

#include "core/locate/dns_name.hpp"

namespace sotto::locate {
namespace {

std::optional<Transport> usable(const NaptrRecord& r, std::span<const Transport> supported) {
  // RFC 3263 4.1: the "s" flag says the next lookup is SRV; its regexp field is empty.
  if (!iequals(r.flags, "s") || !r.regexp.empty()) return std::nullopt;
  if (r.replacement.empty() || r.replacement == ".") return std::nullopt;
  for (Transport t : supported) {
    if (iequals(r.services, naptr_service(t))) return t;
  }
  return std::nullopt;
}

}  // namespace

std::vector<SrvLookup> select_naptr(std::span<const NaptrRecord> records, std::span<const Transport> supported) {
  struct Usable {
    const NaptrRecord* record;
    Transport transport;
  };
  std::vector<Usable> found;
  for (const NaptrRecord& r : records) {
    if (auto t = usable(r, supported)) found.push_back({&r, *t});
  }
  if (found.empty()) return {};
  std::stable_sort(found.begin(), found.end(), [](const Usable& a, const Usable& b) {
    if (a.record->order != b.record->order) return a.record->order < b.record->order;
    return a.record->preference < b.record->preference;
  });
  const std::uint16_t order = found.front().record->order;
  std::vector<SrvLookup> out;
  for (const Usable& u : found) {
    if (u.record->order != order) break;
    SrvLookup lookup{u.transport, normalize_dns_name(u.record->replacement)};
    if (std::find(out.begin(), out.end(), lookup) == out.end()) out.push_back(std::move(lookup));
  }
  return out;
}

}  // namespace sotto::locate
