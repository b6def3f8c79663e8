#include "core/transaction/non_invite_client_transaction.hpp"

#include <algorithm>

namespace sotto::sip::txn {

NonInviteClientTransaction::NonInviteClientTransaction(Timestamp now, SipMessage request, bool reliable,
                                                       TimerConfig cfg)
    : TransactionBase(reliable, cfg), request_(std::move(request)), e_interval_(cfg.t1) {
  transmit(request_, false);
  if (!reliable_) timers_.arm(TransactionTimer::E, now + e_interval_);
  timers_.arm(TransactionTimer::F, now + 64 * cfg_.t1);
}

void NonInviteClientTransaction::handle_response(Timestamp now, const SipMessage& r) {
  if (state_ != State::trying && state_ != State::proceeding) return;  // Completed absorbs retransmits
  if (r.status() < 200) {
    state_ = State::proceeding;
    emit(TxnEvent::Kind::response, r);
    return;
  }
  state_ = State::completed;
  timers_.cancel(TransactionTimer::E);
  timers_.cancel(TransactionTimer::F);
  timers_.arm(TransactionTimer::K, now + (reliable_ ? Duration::zero() : cfg_.t4));
  emit(TxnEvent::Kind::response, r);
}

void NonInviteClientTransaction::handle_timeout(Timestamp now) {
  while (auto t = timers_.pop_expired(now)) {
    switch (*t) {
      case TransactionTimer::E:
        if (state_ == State::trying || state_ == State::proceeding) {
          transmit(request_, true);
          // 17.1.2.2: doubling up to T2 while Trying; every T2 once Proceeding.
          e_interval_ = state_ == State::trying ? std::min<Duration>(2 * e_interval_, cfg_.t2) : cfg_.t2;
          timers_.arm(TransactionTimer::E, now + e_interval_);
        }
        break;
      case TransactionTimer::F:
        if (state_ == State::trying || state_ == State::proceeding) {
          emit(TxnEvent::Kind::timeout);
          set_terminated();
        }
        break;
      case TransactionTimer::K:
        set_terminated();
        break;
      default:
        break;
    }
  }
}

void NonInviteClientTransaction::handle_transport_error(Timestamp) {
  if (state_ == State::terminated) return;
  emit(TxnEvent::Kind::transport_error);
  set_terminated();
}

void NonInviteClientTransaction::set_terminated() {
  state_ = State::terminated;
  terminate();
}

}  // namespace sotto::sip::txn
