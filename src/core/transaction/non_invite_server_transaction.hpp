#pragma once
// NonInviteServerTransaction: RFC 3261 section 17.2.2.
//
//   NonInviteServerTransaction t(now, register_req, /*reliable=*/true);   // request goes to the TU
//   t.send_response(now, ok);                                             // Completed, Timer J
//   t.handle_request(now, retransmission);                               // answered from the cache

#include "core/transaction/transaction_base.hpp"

namespace sotto::sip::txn {

class NonInviteServerTransaction : public TransactionBase {
 public:
  enum class State : std::uint8_t { trying, proceeding, completed, terminated };

  NonInviteServerTransaction(Timestamp now, SipMessage request, bool reliable, TimerConfig cfg = {});

  bool send_response(Timestamp now, const SipMessage& response);
  void handle_request(Timestamp now, const SipMessage& retransmission);
  void handle_timeout(Timestamp now);
  void handle_transport_error(Timestamp now);

  State state() const noexcept { return state_; }
  const SipMessage& request() const noexcept { return request_; }

 private:
  SipMessage request_;
  std::optional<SipMessage> last_response_;
  State state_ = State::trying;
};

}  // namespace sotto::sip::txn
