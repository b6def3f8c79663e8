#pragma once
// Lookups over an ordered list of a= lines; shared by the session and media levels.
//
//   const Attribute* a = find_attribute(media.attributes, "mid");    // first a=mid, or nullptr
//   auto cryptos = attribute_values(media.attributes, "crypto");     // every a=crypto value, in order
//   set_direction(media.attributes, Direction::sendonly);            // replaces any existing direction

#include <optional>
#include <string_view>
#include <vector>

#include "core/sdp/attribute.hpp"
#include "core/sdp/direction.hpp"

namespace sotto::sdp {

const Attribute* find_attribute(const std::vector<Attribute>& attrs, std::string_view name) noexcept;
bool has_attribute(const std::vector<Attribute>& attrs, std::string_view name) noexcept;
// Values of every attribute called `name`, in order (property attributes give "").
std::vector<std::string_view> attribute_values(const std::vector<Attribute>& attrs, std::string_view name);
// The first of a=sendrecv/sendonly/recvonly/inactive, if any.
std::optional<Direction> direction_attribute(const std::vector<Attribute>& attrs) noexcept;
// Replaces the first direction attribute in place (removing any others) or appends one.
void set_direction(std::vector<Attribute>& attrs, Direction d);
void remove_attributes(std::vector<Attribute>& attrs, std::string_view name);

}  // namespace sotto::sdp
