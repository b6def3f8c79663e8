// carry_roc: ROC continuity across a rekey.
#include "core/negotiation/roc_carry.hpp"

namespace sotto::negotiation {

std::size_t carry_roc(const srtp::Context& from, srtp::Context& to, std::span<const std::uint32_t> ssrcs) {
  std::size_t carried = 0;
  for (std::uint32_t ssrc : ssrcs) {
    if (auto roc = from.roc(ssrc)) {
      to.set_roc(ssrc, *roc);
      ++carried;
    }
  }
  return carried;
}

}  // namespace sotto::negotiation
