#pragma once
// InviteServerTransaction: RFC 3261 section 17.2.1 with RFC 6026's Accepted state.
//
//   InviteServerTransaction t(now, invite, /*reliable=*/false);  // passes the INVITE up (poll_event)
//   t.send_response(now, ringing);  t.send_response(now, ok);     // from the TU
//   t.handle_request(now, retransmitted_invite_or_ack);           // from the transport
//
// If the TU has sent nothing within 200 ms, a 100 Trying goes out (17.2.1) — the TU supplies it via
// set_trying(): the transaction layer cannot invent a To tag or headers it does not own.

#include "core/transaction/transaction_base.hpp"

namespace sotto::sip::txn {

class InviteServerTransaction : public TransactionBase {
 public:
  enum class State : std::uint8_t { proceeding, completed, confirmed, accepted, terminated };

  // `trying` is the 100 Trying to send if the TU is silent for cfg.trying_delay (nullopt: never).
  InviteServerTransaction(Timestamp now, SipMessage invite, bool reliable, std::optional<SipMessage> trying,
                          TimerConfig cfg = {});

  // A response from the TU. Returns false (and sends nothing) if the state does not allow it.
  bool send_response(Timestamp now, const SipMessage& response);
  // A retransmitted INVITE or the ACK for a non-2xx final, as matched by the transaction layer.
  void handle_request(Timestamp now, const SipMessage& request);
  void handle_timeout(Timestamp now);
  void handle_transport_error(Timestamp now);

  State state() const noexcept { return state_; }
  const SipMessage& request() const noexcept { return invite_; }

 private:
  void set_terminated();

  SipMessage invite_;
  std::optional<SipMessage> trying_;
  std::optional<SipMessage> last_response_;
  State state_ = State::proceeding;
  Duration g_interval_;
};

}  // namespace sotto::sip::txn
