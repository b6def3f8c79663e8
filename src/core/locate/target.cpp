#include "core/locate/target.hpp"

namespace sotto::locate {

std::string to_string(const Target& t) {
  std::string out(to_string(t.transport));
  out += ' ';
  out += t.host;
  out += ' ';
  if (t.ipv6()) {
    out += '[';
    out += t.address;
    out += ']';
  } else {
    out += t.address;
  }
  out += ':';
  out += std::to_string(t.port);
  return out;
}

}  // namespace sotto::locate
