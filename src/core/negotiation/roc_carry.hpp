#pragma once
// carry_roc: move the rollover counters of known SSRCs from an old SRTP context to its replacement
// after a rekey, so the new key starts at the right packet index (RFC 4568 section 7.1.4).
//
//   if (m.tx_key_changed) { auto next = srtp::Context::create(srtp::Direction::outbound, m.tx).value();
//                           carry_roc(tx, next, {our_ssrc}); tx = std::move(next); }
//   // the peer's SSRCs likewise for rx when m.rx_key_changed

#include <cstdint>
#include <initializer_list>
#include <span>

#include "core/srtp/context.hpp"

namespace sotto::negotiation {

// For each SSRC `from` has seen, sets the same ROC on `to`; unknown SSRCs are skipped. Returns how many
// were carried.
std::size_t carry_roc(const srtp::Context& from, srtp::Context& to, std::span<const std::uint32_t> ssrcs);
inline std::size_t carry_roc(const srtp::Context& from, srtp::Context& to, std::initializer_list<std::uint32_t> ssrcs) {
  return carry_roc(from, to, std::span<const std::uint32_t>(ssrcs.begin(), ssrcs.size()));
}

}  // namespace sotto::negotiation
