#include "core/ua/ua_event.hpp"

namespace sotto::ua {

std::string_view to_string(CallState s) noexcept {
  switch (s) {
    case CallState::progress: return "progress";
    case CallState::ringing: return "ringing";
    case CallState::established: return "established";
    case CallState::terminated: return "terminated";
    case CallState::failed: return "failed";
  }
  return "?";
}

}  // namespace sotto::ua
