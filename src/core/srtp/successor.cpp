#include "core/srtp/successor.hpp"

namespace sotto::srtp {

Result<Context> successor(Direction dir, const Policy& policy, const Context* previous, KeyRegistry* outbound_keys) {
  auto next = Context::create(dir, policy, outbound_keys);
  if (!next) return Unexpected(next.error());
  if (previous != nullptr) next->continue_from(*previous);
  return next;
}

}  // namespace sotto::srtp
