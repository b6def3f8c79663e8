#include "core/transaction/non_invite_server_transaction.hpp"

namespace sotto::sip::txn {

NonInviteServerTransaction::NonInviteServerTransaction(Timestamp, SipMessage request, bool reliable, TimerConfig cfg)
    : TransactionBase(reliable, cfg), request_(std::move(request)) {
  emit(TxnEvent::Kind::request, request_);
}

bool NonInviteServerTransaction::send_response(Timestamp now, const SipMessage& r) {
  if (state_ != State::trying && state_ != State::proceeding) return false;
  last_response_ = r;
  transmit(r, false);
  if (r.status() < 200) {
    state_ = State::proceeding;
    return true;
  }
  state_ = State::completed;
  timers_.arm(TransactionTimer::J, now + (reliable_ ? Duration::zero() : 64 * cfg_.t1));
  return true;
}

void NonInviteServerTransaction::handle_request(Timestamp, const SipMessage&) {
  // Trying: absorbed (the TU has it). Proceeding/Completed: repeat the last response.
  if ((state_ == State::proceeding || state_ == State::completed) && last_response_) {
    transmit(*last_response_, true);
  }
}

void NonInviteServerTransaction::handle_timeout(Timestamp now) {
  while (auto t = timers_.pop_expired(now)) {
    if (*t == TransactionTimer::J) {
      state_ = State::terminated;
      terminate();
    }
  }
}

void NonInviteServerTransaction::handle_transport_error(Timestamp) {
  if (state_ == State::terminated) return;
  emit(TxnEvent::Kind::transport_error);
  state_ = State::terminated;
  terminate();
}

}  // namespace sotto::sip::txn
