#pragma once
// InviteClientTransaction: RFC 3261 section 17.1.1 with RFC 6026's Accepted state.
//
//   InviteClientTransaction t(now, invite, /*reliable=*/false);   // sends the INVITE, arms A and B
//   t.handle_response(now, response);                               // 1xx/2xx/3xx-6xx from the transport
//   t.handle_timeout(now);   while (auto ev = t.poll_event()) ...;  while (auto tx = t.poll_transmit()) ...;
//
// Non-2xx finals are ACKed here (17.1.1.3); 2xx are passed up and ACKed by the TU (the dialog).

#include "core/transaction/transaction_base.hpp"

namespace sotto::sip::txn {

class InviteClientTransaction : public TransactionBase {
 public:
  enum class State : std::uint8_t { calling, proceeding, completed, accepted, terminated };

  InviteClientTransaction(Timestamp now, SipMessage invite, bool reliable, TimerConfig cfg = {});

  void handle_response(Timestamp now, const SipMessage& response);
  void handle_timeout(Timestamp now);
  void handle_transport_error(Timestamp now);

  State state() const noexcept { return state_; }
  const SipMessage& request() const noexcept { return invite_; }

 private:
  void on_calling_or_proceeding(Timestamp now, const SipMessage& r);
  void on_completed(const SipMessage& r);
  void on_accepted(const SipMessage& r);
  void set_terminated();

  SipMessage invite_;
  std::optional<SipMessage> ack_;
  State state_ = State::calling;
  Duration a_interval_;
};

// 17.1.1.3: the ACK for a non-2xx final response to `invite`.
SipMessage make_ack_for_non_2xx(const SipMessage& invite, const SipMessage& response);

}  // namespace sotto::sip::txn
