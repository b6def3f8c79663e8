#include "core/transaction/transaction_base.hpp"

namespace sotto::sip::txn {

std::optional<TxnTransmit> TransactionBase::poll_transmit() {
  if (out_.empty()) return std::nullopt;
  TxnTransmit t = std::move(out_.front());
  out_.pop_front();
  return t;
}

std::optional<TxnEvent> TransactionBase::poll_event() {
  if (events_.empty()) return std::nullopt;
  TxnEvent e = std::move(events_.front());
  events_.pop_front();
  return e;
}

std::optional<Timestamp> TransactionBase::next_timeout() const noexcept {
  auto n = timers_.next();
  if (!n) return std::nullopt;
  return n->when;
}

void TransactionBase::terminate() {
  if (terminated_) return;
  terminated_ = true;
  timers_.cancel_all();
  emit(TxnEvent::Kind::terminated);
}

std::string_view to_string(TxnEvent::Kind k) noexcept {
  switch (k) {
    case TxnEvent::Kind::request: return "request";
    case TxnEvent::Kind::response: return "response";
    case TxnEvent::Kind::timeout: return "timeout";
    case TxnEvent::Kind::transport_error: return "transport error";
    case TxnEvent::Kind::terminated: return "terminated";
  }
  return "?";
}

}  // namespace sotto::sip::txn
