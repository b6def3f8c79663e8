#pragma once
// TransactionBase: what the four RFC 3261 transaction machines share — their queues of outgoing
// messages and TU events, the timer table and the transport's reliability.
//
//   class NonInviteServerTransaction : public TransactionBase { ... };
//   while (auto t = txn.poll_transmit()) send(t->message);
//   if (auto d = txn.next_timeout()) arm(*d);

#include <deque>
#include <optional>

#include "core/transaction/timers.hpp"
#include "core/transaction/transaction_event.hpp"

namespace sotto::sip::txn {

class TransactionBase {
 public:
  std::optional<TxnTransmit> poll_transmit();
  std::optional<TxnEvent> poll_event();
  std::optional<Timestamp> next_timeout() const noexcept;
  bool terminated() const noexcept { return terminated_; }
  bool reliable() const noexcept { return reliable_; }

 protected:
  TransactionBase(bool reliable, TimerConfig cfg) : reliable_(reliable), cfg_(cfg) {}
  void transmit(const SipMessage& m, bool retransmission) { out_.push_back(TxnTransmit{m, retransmission}); }
  void emit(TxnEvent::Kind k, std::optional<SipMessage> m = std::nullopt) { events_.push_back(TxnEvent{k, std::move(m)}); }
  void terminate();

  bool reliable_;
  TimerConfig cfg_;
  TimerTable timers_;

 private:
  bool terminated_ = false;
  std::deque<TxnTransmit> out_;
  std::deque<TxnEvent> events_;
};

}  // namespace sotto::sip::txn
