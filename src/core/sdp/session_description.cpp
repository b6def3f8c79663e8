#include "core/sdp/session_description.hpp"

#include "core/sdp/attribute_list.hpp"

namespace sotto::sdp {

std::optional<Direction> SessionDescription::direction() const noexcept {
  return direction_attribute(attributes);
}

Direction SessionDescription::media_direction(std::size_t index) const noexcept {
  if (index < media.size()) {
    if (auto d = media[index].direction()) return *d;
  }
  return direction().value_or(Direction::sendrecv);
}

const Connection* SessionDescription::media_connection(std::size_t index) const noexcept {
  if (index < media.size() && !media[index].connections.empty()) return &media[index].connections.front();
  return connection ? &*connection : nullptr;
}

}  // namespace sotto::sdp
