#include "core/sdp/direction.hpp"

namespace sotto::sdp {

std::string_view to_string(Direction d) noexcept {
  switch (d) {
    case Direction::sendrecv: return "sendrecv";
    case Direction::sendonly: return "sendonly";
    case Direction::recvonly: return "recvonly";
    case Direction::inactive: return "inactive";
  }
  return "sendrecv";
}

std::optional<Direction> parse_direction(std::string_view name) noexcept {
  if (name == "sendrecv") return Direction::sendrecv;
  if (name == "sendonly") return Direction::sendonly;
  if (name == "recvonly") return Direction::recvonly;
  if (name == "inactive") return Direction::inactive;
  return std::nullopt;
}

bool sends(Direction d) noexcept { return d == Direction::sendrecv || d == Direction::sendonly; }
bool receives(Direction d) noexcept { return d == Direction::sendrecv || d == Direction::recvonly; }

Direction make_direction(bool send, bool receive) noexcept {
  if (send && receive) return Direction::sendrecv;
  if (send) return Direction::sendonly;
  if (receive) return Direction::recvonly;
  return Direction::inactive;
}

Direction invert(Direction d) noexcept { return make_direction(receives(d), sends(d)); }

Direction intersect(Direction a, Direction b) noexcept {
  return make_direction(sends(a) && sends(b), receives(a) && receives(b));
}

}  // namespace sotto::sdp
