#pragma once
// SipEndpoint: the Asio edge of a SIP stack — turns transport events into parsed, checked SIP messages
// tagged with their Flow, answers malformed requests with 400 (naming the fault), keep-alive pings with
// pongs, and sends messages back on a Flow or to an address.
//
//   runtime::SipEndpoint ep(tm, [&](txn::Flow f, runtime::FlowInfo info, sip::SipMessage m) { ua.handle_message(...); });
//   transports' EventHandler: [&](io::TransportEvent&& ev) { ep.on_transport_event(std::move(ev)); }
//   ep.send(flow, msg);   ep.send_to(io::TransportKind::tls, remote, msg, {.server_name = "127.0.0.1"});

#include <functional>
#include <map>
#include <set>
#include <unordered_map>

#include "core/sip/sip_message.hpp"
#include "core/sip/stream_framer.hpp"
#include "core/transaction/transaction_layer.hpp"
#include "io/log_summary.hpp"
#include "io/transport_manager.hpp"

namespace sotto::runtime {

struct FlowInfo {
  io::TransportKind kind = io::TransportKind::udp;
  io::Endpoint local;
  io::Endpoint remote;
  bool secure = false;                       // TLS
  std::shared_ptr<const io::TlsSessionInfo> tls;  // version, cipher, peer certificate
  bool open = false;                         // usable: UDP, or connected (TLS: handshake verified)
};

class SipEndpoint {
 public:
  using MessageHandler = std::function<void(sip::txn::Flow, const FlowInfo&, sip::SipMessage)>;
  using LogHandler = std::function<void(std::string_view)>;

  using ClosedHandler = std::function<void(sip::txn::Flow, const std::string& why)>;
  using FlowHandler = std::function<void(sip::txn::Flow)>;

  SipEndpoint(io::TransportManager& transports, MessageHandler on_message, LogHandler log = {});
  // Called when a connection we know as a Flow closes on an error (connect refused, TLS verification).
  void on_flow_closed(ClosedHandler h) { on_closed_ = std::move(h); }
  // A connection became usable (TCP connected, TLS handshake and verification done).
  void on_flow_opened(FlowHandler h) { on_opened_ = std::move(h); }
  // A lone CRLF arrived on a connection: the pong to an RFC 5626 keep-alive ping.
  void on_pong(FlowHandler h) { on_pong_ = std::move(h); }

  void on_transport_event(io::TransportEvent&& ev);

  Status send(sip::txn::Flow flow, const sip::SipMessage& msg);
  // RFC 5626 4.4.1 keep-alive ping (CRLFCRLF) on a TCP/TLS connection.
  Status send_ping(sip::txn::Flow flow);
  // Closes a connection (e.g. its keep-alive went unanswered); no closed event follows for it.
  void close(sip::txn::Flow flow);
  // Sends to an address, reusing a live connection; returns the Flow used (for the dialog to keep).
  Result<sip::txn::Flow> send_to(io::TransportKind kind, const io::Endpoint& remote, const sip::SipMessage& msg,
                                 const io::ConnectOptions& options = {});
  // A Flow to `remote` before anything is sent on it: a live connection (reuse), a new connection
  // (queued until connected), or the UDP pair. For the transaction layer, which needs the Flow first.
  Result<sip::txn::Flow> open_flow(io::TransportKind kind, const io::Endpoint& remote,
                                   const io::ConnectOptions& options = {});
  const FlowInfo* info(sip::txn::Flow flow) const;
  // A live TCP/TLS connection to `remote` (TLS: whose certificate was checked against `server_name`).
  std::optional<sip::txn::Flow> find_open(io::TransportKind kind, const io::Endpoint& remote,
                                          const std::string& server_name);

  // A dialog or a registration uses this flow (true), or no longer does (false): its connection then
  // has no idle deadline, is not counted against the per-source limit and is never evicted. No-op for UDP.
  void set_in_use(sip::txn::Flow flow, bool in_use);

  std::uint64_t malformed_received() const noexcept { return malformed_; }

 private:
  sip::txn::Flow flow_for_udp(const io::Endpoint& local, const io::Endpoint& remote);
  void deliver(sip::txn::Flow flow, std::string_view bytes, sip::Framing framing);

  io::TransportManager& transports_;
  MessageHandler on_message_;
  LogHandler log_;
  ClosedHandler on_closed_;
  FlowHandler on_opened_;
  FlowHandler on_pong_;
  std::unordered_map<io::ConnectionId, sip::StreamFramer> framers_;
  std::set<io::ConnectionId> outbound_;                 // connections we opened: lone CRLFs are pongs
  std::map<std::uint64_t, FlowInfo> flows_;            // flow id -> info
  std::map<std::string, std::uint64_t> udp_flow_ids_;  // "local|remote" -> flow id
  std::uint64_t next_udp_flow_ = 0;                    // number of the next sip::txn::Flow::udp
  std::uint64_t malformed_ = 0;
  // Floods (junk datagrams, failed inbound connections) are summarised, one line per interval.
  io::LogSummary malformed_log_;
  io::LogSummary inbound_failure_log_;
};

}  // namespace sotto::runtime
