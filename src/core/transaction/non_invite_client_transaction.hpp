#pragma once
// NonInviteClientTransaction: RFC 3261 section 17.1.2 (REGISTER, BYE, OPTIONS, INFO, CANCEL, ...).
//
//   NonInviteClientTransaction t(now, bye, /*reliable=*/true);   // sends it, arms E (UDP) and F
//   t.handle_response(now, ok);   // final: Completed, Timer K
//   while (auto ev = t.poll_event()) ...;

#include "core/transaction/transaction_base.hpp"

namespace sotto::sip::txn {

class NonInviteClientTransaction : public TransactionBase {
 public:
  enum class State : std::uint8_t { trying, proceeding, completed, terminated };

  NonInviteClientTransaction(Timestamp now, SipMessage request, bool reliable, TimerConfig cfg = {});

  void handle_response(Timestamp now, const SipMessage& response);
  void handle_timeout(Timestamp now);
  void handle_transport_error(Timestamp now);

  State state() const noexcept { return state_; }
  const SipMessage& request() const noexcept { return request_; }

 private:
  void set_terminated();

  SipMessage request_;
  State state_ = State::trying;
  Duration e_interval_;
};

}  // namespace sotto::sip::txn
