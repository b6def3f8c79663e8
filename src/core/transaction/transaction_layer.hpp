#pragma once
// TransactionLayer: owns every client and server transaction of one SIP endpoint, matches incoming
// messages to them (RFC 3261 17.1.3, 17.2.3) and multiplexes their output. Sans-IO.
//
//   TransactionLayer layer;
//   layer.handle_message(now, flow, parsed);                 // from the transport
//   while (auto ev = layer.poll_event()) tu.on(*ev);          // new requests, responses, timeouts
//   while (auto tx = layer.poll_transmit()) io.send(tx->flow, serialize(tx->message));
//   if (auto t = layer.next_timeout()) io.arm(*t);            // then layer.handle_timeout(now)

#include <cstdint>
#include <deque>
#include <map>
#include <set>
#include <memory>
#include <string>
#include <unordered_map>

#include "base/result.hpp"
#include "core/transaction/invite_client_transaction.hpp"
#include "core/transaction/invite_server_transaction.hpp"
#include "core/transaction/non_invite_client_transaction.hpp"
#include "core/transaction/non_invite_server_transaction.hpp"

namespace sotto::sip::txn {

// What a Flow names. The one place that says how the kinds share the 64-bit `id` space.
enum class FlowKind : std::uint8_t {
  connection,  // an io connection (TCP/TLS/WS); its number is the io layer's connection id
  udp,         // a UDP local/remote pair the runtime's SipEndpoint numbered
  pending,     // a destination the UserAgent has no flow to yet (a Transmit with a `target`)
};

// A transport flow: a connection, a UDP local/remote pair, or a pending destination. The core only
// carries it along so responses and retransmissions go back the way the request came. Build one with
// connection()/udp()/pending(); `id` is the identity key (kind and number together, unique across kinds)
// for maps and logs. A plain Flow{n, reliable} with n below 2^62 is a connection.
struct Flow {
  std::uint64_t id = 0;
  bool reliable = false;

  static constexpr std::uint64_t kNumberMask = (std::uint64_t{1} << 62) - 1;

  static constexpr Flow connection(std::uint64_t number) { return Flow{number & kNumberMask, true}; }
  static constexpr Flow udp(std::uint64_t number) { return Flow{kUdpTag | (number & kNumberMask), false}; }
  static constexpr Flow pending(std::uint64_t number, bool reliable) {
    return Flow{kPendingTag | (number & kNumberMask), reliable};
  }

  constexpr FlowKind kind() const {
    if (id & kPendingTag) return FlowKind::pending;
    if (id & kUdpTag) return FlowKind::udp;
    return FlowKind::connection;
  }
  constexpr bool is_pending() const { return kind() == FlowKind::pending; }
  // The number within its kind (the connection id for a connection).
  constexpr std::uint64_t number() const { return id & kNumberMask; }

  friend bool operator==(const Flow&, const Flow&) = default;

 private:
  static constexpr std::uint64_t kPendingTag = std::uint64_t{1} << 63;
  static constexpr std::uint64_t kUdpTag = std::uint64_t{1} << 62;
};

using TxnId = std::uint64_t;

struct LayerTransmit {
  Flow flow;
  SipMessage message;
  bool retransmission = false;
};

struct LayerEvent {
  enum class Kind : std::uint8_t {
    request,          // a new request (server transaction `id` created), or ACK for a 2xx (id = 0)
    response,         // a response for client transaction `id`
    stray_response,   // a response matching no transaction (e.g. a 2xx retransmitted after Timer M)
    timeout,
    transport_error,
    terminated,
  };
  Kind kind;
  TxnId id = 0;
  Flow flow;
  std::optional<SipMessage> message;
};

class TransactionLayer {
 public:
  explicit TransactionLayer(TimerConfig cfg = {});
  ~TransactionLayer();
  TransactionLayer(TransactionLayer&&) noexcept;
  TransactionLayer& operator=(TransactionLayer&&) noexcept;

  // Starts a client transaction. The request's top Via must carry an RFC 3261 branch (z9hG4bK...).
  Result<TxnId> send_request(Timestamp now, SipMessage request, Flow flow);
  // Sends a response through server transaction `id` (Errc::not_found / invalid_state otherwise).
  Status send_response(Timestamp now, TxnId id, const SipMessage& response);
  // A message from the transport, already parsed and checked.
  void handle_message(Timestamp now, Flow from, SipMessage message);
  void handle_transport_error(Timestamp now, TxnId id);
  void handle_timeout(Timestamp now);
  // The io layer located a pending flow and connected it: every transaction on `from` (same `id`) moves to
  // `to`, and so do its messages not yet polled; retransmissions and later events name `to`. Nothing keeps
  // `from` afterwards. `to` should have the reliability `from` was created with (the transport the Via names),
  // since timers A/E/G were chosen by it. Returns how many transactions moved.
  std::size_t rebind_flow(Flow from, Flow to);

  std::optional<LayerTransmit> poll_transmit();
  std::optional<LayerEvent> poll_event();
  std::optional<Timestamp> next_timeout() const;

  std::size_t size() const noexcept { return txns_.size(); }
  // How many transactions send on `flow` (same `id`).
  std::size_t count_on(Flow flow) const noexcept;
  // The server transaction a CANCEL targets (same key as the INVITE, 9.2), or 0.
  TxnId find_invite_for_cancel(const SipMessage& cancel) const;

 private:
  struct Entry;
  void drain(TxnId id, Entry& e);
  void drain_all();
  void on_request(Timestamp now, Flow from, SipMessage msg);
  void on_response(Timestamp now, Flow from, SipMessage msg);

  TimerConfig cfg_;
  TxnId next_id_ = 1;
  std::map<TxnId, std::unique_ptr<Entry>> txns_;
  // Every transaction with a pending timer, by deadline (re-indexed in drain after each call into it).
  std::set<std::pair<Timestamp, TxnId>> deadlines_;
  std::unordered_map<std::string, TxnId> client_keys_;
  std::unordered_map<std::string, TxnId> server_keys_;
  std::deque<LayerTransmit> out_;
  std::deque<LayerEvent> events_;
};

// Matching keys (exposed for tests): client = branch + CSeq method; server = branch + sent-by +
// method (ACK counts as INVITE). Requests without an RFC 3261 branch use the RFC 2543 fields.
Result<std::string> client_key(const SipMessage& m);
Result<std::string> server_key(const SipMessage& m);

}  // namespace sotto::sip::txn

template <>
struct std::hash<sotto::sip::txn::Flow> {
  std::size_t operator()(const sotto::sip::txn::Flow& f) const noexcept { return std::hash<std::uint64_t>{}(f.id); }
};
