#pragma once
// Transmit: one SIP message the UserAgent wants sent, and where: down a flow the io layer already has
// (responses, in-dialog requests over the dialog's connection), or to a URI the io layer resolves.
//
//   while (auto t = ua.poll_transmit())
//     t->target ? io.send_to(*t->target, t->flow, serialize(t->message))   // RFC 3263, then connect/reuse
//               : io.send(t->flow, serialize(t->message));

#include <optional>

#include "core/sip/sip_message.hpp"
#include "core/sip/uri.hpp"
#include "core/transaction/transaction_layer.hpp"

namespace sotto::ua {

struct Transmit {
  // Without `target`: the io layer's flow to send on. With `target`: a FlowKind::pending flow naming
  // this destination (one per destination), to pass to UserAgent::handle_transport_error when it cannot be reached.
  sip::txn::Flow flow;
  // Set when the message must go to a URI the io layer resolves (RFC 3263): sips: or ;transport=tls
  // means TLS, ;transport=tcp TCP, otherwise UDP. The io layer may reuse a connection to the same place.
  std::optional<sip::Uri> target;
  sip::SipMessage message;
  bool retransmission = false;
};

}  // namespace sotto::ua
