#include "core/b2bua/call_record.hpp"

namespace sotto::b2bua {

std::string_view to_string(CallResult r) noexcept {
  switch (r) {
    case CallResult::answered: return "answered";
    case CallResult::busy: return "busy";
    case CallResult::no_answer: return "no-answer";
    case CallResult::rejected: return "rejected";
    case CallResult::cancelled: return "cancelled";
    case CallResult::failed: return "failed";
  }
  return "failed";
}

}  // namespace sotto::b2bua
