#include "core/transaction/invite_client_transaction.hpp"

#include "core/sip/header_fields.hpp"

namespace sotto::sip::txn {

InviteClientTransaction::InviteClientTransaction(Timestamp now, SipMessage invite, bool reliable, TimerConfig cfg)
    : TransactionBase(reliable, cfg), invite_(std::move(invite)), a_interval_(cfg.t1) {
  transmit(invite_, false);
  if (!reliable_) timers_.arm(TransactionTimer::A, now + a_interval_);
  timers_.arm(TransactionTimer::B, now + 64 * cfg_.t1);
}

void InviteClientTransaction::handle_response(Timestamp now, const SipMessage& r) {
  switch (state_) {
    case State::calling:
    case State::proceeding: on_calling_or_proceeding(now, r); break;
    case State::completed: on_completed(r); break;
    case State::accepted: on_accepted(r); break;
    case State::terminated: break;
  }
}

void InviteClientTransaction::on_calling_or_proceeding(Timestamp now, const SipMessage& r) {
  const int code = r.status();
  if (code < 200) {
    // 17.1.1.2: no more retransmissions once something came back.
    state_ = State::proceeding;
    timers_.cancel(TransactionTimer::A);
    timers_.cancel(TransactionTimer::B);
    emit(TxnEvent::Kind::response, r);
  } else if (code < 300) {
    // RFC 6026 section 7.2: Accepted absorbs retransmitted 2xx for 64*T1 and passes them up.
    state_ = State::accepted;
    timers_.cancel_all();
    timers_.arm(TransactionTimer::M, now + 64 * cfg_.t1);
    emit(TxnEvent::Kind::response, r);
  } else {
    state_ = State::completed;
    timers_.cancel_all();
    ack_ = make_ack_for_non_2xx(invite_, r);
    transmit(*ack_, false);
    timers_.arm(TransactionTimer::D, now + (reliable_ ? Duration::zero() : Duration(32s)));
    emit(TxnEvent::Kind::response, r);
  }
}

void InviteClientTransaction::on_completed(const SipMessage& r) {
  // A retransmitted final response: ACK again, the TU has already seen it.
  if (r.status() >= 300 && ack_) transmit(*ack_, true);
}

void InviteClientTransaction::on_accepted(const SipMessage& r) {
  if (r.status() >= 200 && r.status() < 300) emit(TxnEvent::Kind::response, r);
}

void InviteClientTransaction::handle_timeout(Timestamp now) {
  while (auto t = timers_.pop_expired(now)) {
    switch (*t) {
      case TransactionTimer::A:
        if (state_ == State::calling) {
          transmit(invite_, true);
          a_interval_ *= 2;
          timers_.arm(TransactionTimer::A, now + a_interval_);
        }
        break;
      case TransactionTimer::B:
        if (state_ == State::calling) {
          emit(TxnEvent::Kind::timeout);
          set_terminated();
        }
        break;
      case TransactionTimer::D:
      case TransactionTimer::M:
        set_terminated();
        break;
      default:
        break;
    }
  }
}

void InviteClientTransaction::handle_transport_error(Timestamp) {
  if (state_ == State::terminated) return;
  emit(TxnEvent::Kind::transport_error);
  set_terminated();
}

void InviteClientTransaction::set_terminated() {
  state_ = State::terminated;
  terminate();
}

SipMessage make_ack_for_non_2xx(const SipMessage& invite, const SipMessage& response) {
  SipMessage ack = SipMessage::request(MethodId::ack, invite.request_uri());
  // Via: only the top one, same branch. Then Route, Max-Forwards, From, To (with the response's tag),
  // Call-ID, CSeq with the INVITE's number.
  if (const Header* via = invite.find(HeaderId::via)) {
    auto first = hdr::ViaField::parse(via->value);
    if (first) ack.add(hdr::via, *first);
  }
  for (const Header& h : invite.headers()) {
    if (h.id == HeaderId::route) ack.headers().push_back(h);
  }
  ack.add(hdr::max_forwards, std::uint8_t{70});
  if (const Header* f = invite.find(HeaderId::from)) ack.headers().push_back(*f);
  if (const Header* t = response.find(HeaderId::to)) ack.headers().push_back(*t);
  if (const Header* c = invite.find(HeaderId::call_id)) ack.headers().push_back(*c);
  auto cseq = invite.header(hdr::cseq);
  ack.add(hdr::cseq, CSeq{cseq ? cseq->number : 0, MethodId::ack});
  ack.add(hdr::content_length, std::uint32_t{0});
  return ack;
}

}  // namespace sotto::sip::txn
