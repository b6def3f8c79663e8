#include "core/transaction/invite_server_transaction.hpp"

#include <algorithm>

namespace sotto::sip::txn {

InviteServerTransaction::InviteServerTransaction(Timestamp now, SipMessage invite, bool reliable,
                                                 std::optional<SipMessage> trying, TimerConfig cfg)
    : TransactionBase(reliable, cfg), invite_(std::move(invite)), trying_(std::move(trying)), g_interval_(cfg.t1) {
  emit(TxnEvent::Kind::request, invite_);
  if (trying_) timers_.arm(TransactionTimer::Trying100, now + cfg_.trying_delay);
}

bool InviteServerTransaction::send_response(Timestamp now, const SipMessage& r) {
  const int code = r.status();
  if (state_ == State::accepted && code >= 200 && code < 300) {
    transmit(r, true);  // the TU retransmits its 2xx until the ACK (13.3.1.4)
    return true;
  }
  if (state_ != State::proceeding) return false;
  timers_.cancel(TransactionTimer::Trying100);
  last_response_ = r;
  transmit(r, false);
  if (code < 200) return true;
  if (code < 300) {
    // RFC 6026 section 7.1: Accepted, Timer L; the 2xx is retransmitted by the TU, not here.
    state_ = State::accepted;
    timers_.arm(TransactionTimer::L, now + 64 * cfg_.t1);
  } else {
    state_ = State::completed;
    if (!reliable_) timers_.arm(TransactionTimer::G, now + g_interval_);
    timers_.arm(TransactionTimer::H, now + 64 * cfg_.t1);
  }
  return true;
}

void InviteServerTransaction::handle_request(Timestamp now, const SipMessage& req) {
  const bool is_ack = req.method() == MethodId::ack;
  switch (state_) {
    case State::proceeding:
      if (!is_ack && last_response_) transmit(*last_response_, true);
      break;
    case State::completed:
      if (is_ack) {
        state_ = State::confirmed;
        timers_.cancel(TransactionTimer::G);
        timers_.cancel(TransactionTimer::H);
        timers_.arm(TransactionTimer::I, now + (reliable_ ? Duration::zero() : cfg_.t4));
      } else if (last_response_) {
        transmit(*last_response_, true);
      }
      break;
    case State::accepted:
      // RFC 6026: retransmitted INVITEs are absorbed; the ACK for a 2xx goes to the TU.
      if (is_ack) emit(TxnEvent::Kind::request, req);
      break;
    case State::confirmed:
    case State::terminated:
      break;
  }
}

void InviteServerTransaction::handle_timeout(Timestamp now) {
  while (auto t = timers_.pop_expired(now)) {
    switch (*t) {
      case TransactionTimer::Trying100:
        if (state_ == State::proceeding && !last_response_ && trying_) {
          last_response_ = *trying_;
          transmit(*trying_, false);
        }
        break;
      case TransactionTimer::G:
        if (state_ == State::completed && last_response_) {
          transmit(*last_response_, true);
          g_interval_ = std::min<Duration>(2 * g_interval_, cfg_.t2);
          timers_.arm(TransactionTimer::G, now + g_interval_);
        }
        break;
      case TransactionTimer::H:
        if (state_ == State::completed) {
          emit(TxnEvent::Kind::timeout);  // no ACK came (17.2.1)
          set_terminated();
        }
        break;
      case TransactionTimer::I:
      case TransactionTimer::L:
        set_terminated();
        break;
      default:
        break;
    }
  }
}

void InviteServerTransaction::handle_transport_error(Timestamp) {
  if (state_ == State::terminated) return;
  emit(TxnEvent::Kind::transport_error);
  set_terminated();
}

void InviteServerTransaction::set_terminated() {
  state_ = State::terminated;
  terminate();
}

}  // namespace sotto::sip::txn
