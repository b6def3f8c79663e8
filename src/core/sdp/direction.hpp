#pragma once
// Direction: the RFC 4566 section 6 / RFC 3264 section 5.1 media direction attributes.
//
//   Direction d = parse_direction("sendonly").value();         // Direction::sendonly
//   invert(d);                                                 // Direction::recvonly (RFC 3264 6.1)
//   intersect(Direction::sendrecv, Direction::recvonly);       // Direction::recvonly

#include <optional>
#include <string_view>

namespace sotto::sdp {

// "a=sendrecv" / "a=sendonly" / "a=recvonly" / "a=inactive" (RFC 4566 section 6). Absent at media and
// session level means sendrecv.
enum class Direction : unsigned char { sendrecv, sendonly, recvonly, inactive };

std::string_view to_string(Direction d) noexcept;
// nullopt when `name` is not one of the four attribute names (case-sensitive, as RFC 4566 tokens are).
std::optional<Direction> parse_direction(std::string_view name) noexcept;

bool sends(Direction d) noexcept;
bool receives(Direction d) noexcept;
Direction make_direction(bool send, bool receive) noexcept;
// The peer's view of the same stream: sendonly <-> recvonly; sendrecv and inactive are unchanged.
Direction invert(Direction d) noexcept;
// What both allow: sends only if both send, receives only if both receive.
Direction intersect(Direction a, Direction b) noexcept;

}  // namespace sotto::sdp
