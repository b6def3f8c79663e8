#pragma once
// successor: the context that takes over one direction when its key changes (re-INVITE, transfer).
//
//   auto rx = successor(Direction::inbound, peer_new_policy, old_rx.get());   // ROC carried
//   auto tx = successor(Direction::outbound, our_new_policy, old_tx.get(), &registry);  // indexes go on
//   if (!tx) return Unexpected(tx.error());   // e.g. the new key was used before: nothing changed
//
// Created from `policy` (outbound: its master keys are claimed in `outbound_keys`), then, when `previous`
// is given, continue_from(previous): RFC 3711 section 3.3.1, the ROC and the indexes are never reset under
// a re-key. Pass previous = nullptr for a context that starts afresh (a new peer at a new address starts
// at ROC 0, RFC 4568 section 7.1.4).

#include "base/result.hpp"
#include "core/srtp/context.hpp"

namespace sotto::srtp {

Result<Context> successor(Direction dir, const Policy& policy, const Context* previous,
                          KeyRegistry* outbound_keys = &KeyRegistry::process());

}  // namespace sotto::srtp
