#include "core/transaction/transaction_layer.hpp"

#include <algorithm>
#include <variant>

#include "core/sip/header_fields.hpp"
#include "core/sip/response_builder.hpp"

namespace sotto::sip::txn {

struct TransactionLayer::Entry {
  std::variant<InviteClientTransaction, NonInviteClientTransaction, InviteServerTransaction,
               NonInviteServerTransaction>
      txn;
  Flow flow;
  std::string key;
  bool server;
  std::optional<Timestamp> indexed;  // its key in deadlines_

  TransactionBase& base() {
    return std::visit([](auto& t) -> TransactionBase& { return t; }, txn);
  }
};

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) { return std::tolower(c); });
  return out;
}

Result<Via> top_via(const SipMessage& m) {
  auto v = m.header(hdr::via);
  if (!v) return Unexpected(v.error());
  return v;
}

std::string method_of(const SipMessage& m, bool ack_is_invite) {
  if (m.is_request()) {
    if (ack_is_invite && m.method() == MethodId::ack) return "INVITE";
    return m.method().name();
  }
  auto c = m.header(hdr::cseq);
  return c ? c->method.name() : std::string();
}

}  // namespace

Result<std::string> client_key(const SipMessage& m) {
  auto v = top_via(m);
  if (!v) return Unexpected(v.error());
  auto b = v->branch();
  if (!b) return fail(Errc::malformed_input, "Via: missing branch");
  // 17.1.3: a CANCEL's response matches the CANCEL transaction, not the INVITE.
  std::string method = m.is_request() ? m.method().name() : method_of(m, false);
  return std::string(*b) + "|" + method;
}

Result<std::string> server_key(const SipMessage& m) {
  auto v = top_via(m);
  if (!v) return Unexpected(v.error());
  const std::string sent_by = lower(v->host) + ":" + std::to_string(v->port.value_or(0));
  if (v->has_rfc3261_branch()) {
    return std::string(*v->branch()) + "|" + sent_by + "|" + method_of(m, true);
  }
  // 17.2.3 for RFC 2543 peers: Request-URI, To tag, From tag, Call-ID, CSeq number, top Via.
  auto from = m.header(hdr::from);
  auto cid = m.header(hdr::call_id);
  auto cseq = m.header(hdr::cseq);
  if (!from || !cid || !cseq) return fail(Errc::malformed_input, "RFC 2543 transaction without From/Call-ID/CSeq");
  return "2543|" + *cid + "|" + std::string(from->tag().value_or("")) + "|" + std::to_string(cseq->number) + "|" +
         sent_by + "|" + method_of(m, true);
}

TransactionLayer::TransactionLayer(TimerConfig cfg) : cfg_(cfg) {}
TransactionLayer::~TransactionLayer() = default;
TransactionLayer::TransactionLayer(TransactionLayer&&) noexcept = default;
TransactionLayer& TransactionLayer::operator=(TransactionLayer&&) noexcept = default;

Result<TxnId> TransactionLayer::send_request(Timestamp now, SipMessage request, Flow flow) {
  auto v = top_via(request);
  if (!v) return Unexpected(v.error());
  if (!v->has_rfc3261_branch()) {
    return fail(Errc::invalid_argument, "outgoing request needs a Via branch starting with z9hG4bK");
  }
  auto key = client_key(request);
  if (!key) return Unexpected(key.error());
  if (client_keys_.count(*key)) return fail(Errc::invalid_state, "a client transaction with branch " + *key + " exists");
  const TxnId id = next_id_++;
  const bool invite = request.method() == MethodId::invite;
  auto entry = invite ? std::make_unique<Entry>(Entry{InviteClientTransaction(now, std::move(request), flow.reliable, cfg_),
                                                      flow, *key, false, std::nullopt})
                      : std::make_unique<Entry>(Entry{NonInviteClientTransaction(now, std::move(request), flow.reliable, cfg_),
                                                      flow, *key, false, std::nullopt});
  client_keys_[*key] = id;
  auto& ref = *entry;
  txns_.emplace(id, std::move(entry));
  drain(id, ref);
  return id;
}

Status TransactionLayer::send_response(Timestamp now, TxnId id, const SipMessage& response) {
  auto it = txns_.find(id);
  if (it == txns_.end() || !it->second->server) {
    return fail(Errc::not_found, "no server transaction " + std::to_string(id));
  }
  Entry& e = *it->second;
  bool ok = std::visit(
      [&](auto& t) -> bool {
        if constexpr (std::is_same_v<std::decay_t<decltype(t)>, InviteServerTransaction> ||
                      std::is_same_v<std::decay_t<decltype(t)>, NonInviteServerTransaction>) {
          return t.send_response(now, response);
        } else {
          return false;
        }
      },
      e.txn);
  drain(id, e);
  if (!ok) return fail(Errc::invalid_state, "transaction " + std::to_string(id) + " already has a final response");
  return {};
}

void TransactionLayer::handle_message(Timestamp now, Flow from, SipMessage message) {
  if (message.is_request()) on_request(now, from, std::move(message));
  else on_response(now, from, std::move(message));
}

void TransactionLayer::on_request(Timestamp now, Flow from, SipMessage msg) {
  auto key = server_key(msg);
  if (!key) return;  // the caller checked the message; a Via-less request cannot be answered anyway
  if (auto it = server_keys_.find(*key); it != server_keys_.end()) {
    auto t = txns_.find(it->second);
    if (t != txns_.end()) {
      Entry& e = *t->second;
      std::visit(
          [&](auto& x) {
            if constexpr (std::is_same_v<std::decay_t<decltype(x)>, InviteServerTransaction> ||
                          std::is_same_v<std::decay_t<decltype(x)>, NonInviteServerTransaction>) {
              x.handle_request(now, msg);
            }
          },
          e.txn);
      drain(t->first, e);
      return;
    }
  }
  if (msg.method() == MethodId::ack) {
    // An ACK matching no transaction: the ACK for a 2xx (13.2.2.4), which belongs to the dialog.
    events_.push_back(LayerEvent{LayerEvent::Kind::request, 0, from, std::move(msg)});
    return;
  }
  const TxnId id = next_id_++;
  std::unique_ptr<Entry> entry;
  if (msg.method() == MethodId::invite) {
    std::optional<SipMessage> trying;
    if (auto t = make_response(msg, 100, "Trying")) trying = std::move(*t);
    entry = std::make_unique<Entry>(
        Entry{InviteServerTransaction(now, std::move(msg), from.reliable, std::move(trying), cfg_), from, *key, true, std::nullopt});
  } else {
    entry = std::make_unique<Entry>(Entry{NonInviteServerTransaction(now, std::move(msg), from.reliable, cfg_), from, *key, true, std::nullopt});
  }
  server_keys_[*key] = id;
  auto& ref = *entry;
  txns_.emplace(id, std::move(entry));
  drain(id, ref);
}

void TransactionLayer::on_response(Timestamp now, Flow from, SipMessage msg) {
  auto key = client_key(msg);
  auto it = key ? client_keys_.find(*key) : client_keys_.end();
  if (it == client_keys_.end()) {
    events_.push_back(LayerEvent{LayerEvent::Kind::stray_response, 0, from, std::move(msg)});
    return;
  }
  auto t = txns_.find(it->second);
  if (t == txns_.end()) return;
  Entry& e = *t->second;
  std::visit(
      [&](auto& x) {
        if constexpr (std::is_same_v<std::decay_t<decltype(x)>, InviteClientTransaction> ||
                      std::is_same_v<std::decay_t<decltype(x)>, NonInviteClientTransaction>) {
          x.handle_response(now, msg);
        }
      },
      e.txn);
  drain(t->first, e);
}

void TransactionLayer::handle_transport_error(Timestamp now, TxnId id) {
  auto it = txns_.find(id);
  if (it == txns_.end()) return;
  std::visit([&](auto& t) { t.handle_transport_error(now); }, it->second->txn);
  drain(id, *it->second);
}

std::size_t TransactionLayer::rebind_flow(Flow from, Flow to) {
  std::size_t moved = 0;
  for (auto& [id, e] : txns_) {
    if (e->flow.id == from.id) {
      e->flow = to;
      ++moved;
    }
  }
  for (LayerTransmit& t : out_) {
    if (t.flow.id == from.id) t.flow = to;
  }
  return moved;
}

std::size_t TransactionLayer::count_on(Flow flow) const noexcept {
  return static_cast<std::size_t>(
      std::count_if(txns_.begin(), txns_.end(), [&](const auto& kv) { return kv.second->flow.id == flow.id; }));
}

void TransactionLayer::handle_timeout(Timestamp now) {
  std::vector<TxnId> due;
  for (auto it = deadlines_.begin(); it != deadlines_.end() && it->first <= now; ++it) due.push_back(it->second);
  std::sort(due.begin(), due.end());  // in id order, as before the index
  for (TxnId id : due) {
    auto it = txns_.find(id);
    if (it == txns_.end()) continue;
    std::visit([&](auto& t) { t.handle_timeout(now); }, it->second->txn);
    drain(id, *it->second);
  }
}

void TransactionLayer::drain(TxnId id, Entry& e) {
  TransactionBase& b = e.base();
  while (auto t = b.poll_transmit()) out_.push_back(LayerTransmit{e.flow, std::move(t->message), t->retransmission});
  bool done = false;
  while (auto ev = b.poll_event()) {
    LayerEvent::Kind k = LayerEvent::Kind::terminated;
    switch (ev->kind) {
      case TxnEvent::Kind::request: k = LayerEvent::Kind::request; break;
      case TxnEvent::Kind::response: k = LayerEvent::Kind::response; break;
      case TxnEvent::Kind::timeout: k = LayerEvent::Kind::timeout; break;
      case TxnEvent::Kind::transport_error: k = LayerEvent::Kind::transport_error; break;
      case TxnEvent::Kind::terminated: done = true; break;
    }
    // A 2xx ACK passed up by an Accepted INVITE server transaction belongs to the dialog (id 0).
    const bool ack = ev->message && ev->message->is_request() && ev->message->method() == MethodId::ack;
    events_.push_back(LayerEvent{k, ack ? 0 : id, e.flow, std::move(ev->message)});
  }
  if (e.indexed) deadlines_.erase({*e.indexed, id});
  e.indexed = done ? std::nullopt : b.next_timeout();
  if (e.indexed) deadlines_.insert({*e.indexed, id});
  if (done) {
    (e.server ? server_keys_ : client_keys_).erase(e.key);
    txns_.erase(id);
  }
}

std::optional<LayerTransmit> TransactionLayer::poll_transmit() {
  if (out_.empty()) return std::nullopt;
  LayerTransmit t = std::move(out_.front());
  out_.pop_front();
  return t;
}

std::optional<LayerEvent> TransactionLayer::poll_event() {
  if (events_.empty()) return std::nullopt;
  LayerEvent e = std::move(events_.front());
  events_.pop_front();
  return e;
}

std::optional<Timestamp> TransactionLayer::next_timeout() const {
  if (deadlines_.empty()) return std::nullopt;
  return deadlines_.begin()->first;
}

TxnId TransactionLayer::find_invite_for_cancel(const SipMessage& cancel) const {
  auto v = top_via(cancel);
  if (!v || !v->has_rfc3261_branch()) return 0;
  const std::string key = std::string(*v->branch()) + "|" + lower(v->host) + ":" +
                          std::to_string(v->port.value_or(0)) + "|INVITE";
  auto it = server_keys_.find(key);
  return it == server_keys_.end() ? 0 : it->second;
}

}  // namespace sotto::sip::txn
