#pragma once
// What a transaction tells its user (the TU: dialog layer, registrar, B2BUA) and what it sends.
//
//   while (auto ev = txn.poll_event()) {
//     if (ev->kind == TxnEvent::Kind::response) on_response(*ev->message);
//   }

#include <optional>
#include <string_view>

#include "core/sip/sip_message.hpp"

namespace sotto::sip::txn {

struct TxnEvent {
  enum class Kind : std::uint8_t {
    request,          // server transaction: the request (or ACK to a 2xx-less INVITE) for the TU
    response,         // client transaction: a response for the TU (provisional or final)
    timeout,          // Timer B / F / H fired: no final response / no ACK
    transport_error,  // the transport could not send (17.1.4, 17.2.4)
    terminated,       // the transaction reached Terminated and can be deleted
  };
  Kind kind;
  std::optional<SipMessage> message;
};

std::string_view to_string(TxnEvent::Kind k) noexcept;

// A message the transaction wants sent on its transport (first send or retransmission).
struct TxnTransmit {
  SipMessage message;
  bool retransmission = false;
};

}  // namespace sotto::sip::txn
