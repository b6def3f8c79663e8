#include "core/sdp/attribute_list.hpp"

#include <algorithm>

namespace sotto::sdp {

const Attribute* find_attribute(const std::vector<Attribute>& attrs, std::string_view name) noexcept {
  for (const auto& a : attrs) {
    if (a.name == name) return &a;
  }
  return nullptr;
}

bool has_attribute(const std::vector<Attribute>& attrs, std::string_view name) noexcept {
  return find_attribute(attrs, name) != nullptr;
}

std::vector<std::string_view> attribute_values(const std::vector<Attribute>& attrs, std::string_view name) {
  std::vector<std::string_view> out;
  for (const auto& a : attrs) {
    if (a.name == name) out.push_back(a.value ? std::string_view(*a.value) : std::string_view());
  }
  return out;
}

std::optional<Direction> direction_attribute(const std::vector<Attribute>& attrs) noexcept {
  for (const auto& a : attrs) {
    if (a.value) continue;  // "a=sendonly:x" is not a direction attribute
    if (auto d = parse_direction(a.name)) return d;
  }
  return std::nullopt;
}

void set_direction(std::vector<Attribute>& attrs, Direction d) {
  bool placed = false;
  for (auto it = attrs.begin(); it != attrs.end();) {
    if (!it->value && parse_direction(it->name)) {
      if (!placed) {
        it->name = std::string(to_string(d));
        placed = true;
        ++it;
      } else {
        it = attrs.erase(it);
      }
    } else {
      ++it;
    }
  }
  if (!placed) attrs.push_back(Attribute{std::string(to_string(d)), std::nullopt});
}

void remove_attributes(std::vector<Attribute>& attrs, std::string_view name) {
  std::erase_if(attrs, [&](const Attribute& a) { return a.name == name; });
}

}  // namespace sotto::sdp
