#pragma once
// UserAgent: the sans-IO SIP user agent of one local account: REGISTER with digest auth and refresh,
// outgoing and incoming calls with SDES-SRTP offer/answer, CANCEL, BYE, hold/resume re-INVITEs, INFO,
// OPTIONS. Messages, time and transport failures go in; messages to send, events and deadlines come out.
//
//   UserAgent ua(cfg);  auto call = ua.call(now, *sip::parse_uri("sips:bob@127.0.0.1"), {"127.0.0.1", 40000});
//   ua.handle_message(now, flow, parsed, {.secure = true});   while (auto t = ua.poll_transmit()) io.send(*t);
//   while (auto ev = ua.poll_event()) phone.on(*ev);          if (auto t = ua.next_timeout()) io.arm(*t);
//
// RFC 3261 8 (UAC/UAS), 9 (CANCEL), 10 (REGISTER), 12-15 (dialogs, INVITE, re-INVITE, BYE), 22 (digest);
// RFC 3581 (rport), RFC 6026 (2xx/ACK), RFC 4568 via core/negotiation. See docs/UA.md.

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "base/random_source.hpp"
#include "base/result.hpp"
#include "core/sip/sip_message.hpp"
#include "core/transaction/transaction_layer.hpp"
#include "core/ua/call.hpp"
#include "core/ua/digest_client.hpp"
#include "core/ua/registration.hpp"
#include "core/ua/transmit.hpp"
#include "core/ua/ua_config.hpp"
#include "core/ua/ua_event.hpp"
#include "crypto/random.hpp"

namespace sotto::ua {

using sip::txn::Flow;
using sip::txn::Timestamp;

// What the io layer knows about the flow a message came on.
struct FlowInfo {
  bool secure = false;  // TLS (or WSS): SDES keys may ride on it
};

class UserAgent {
 public:
  // `rng` makes tags, Call-IDs, branches, cnonces and SDP session ids; it must outlive the UserAgent.
  // Tests pass a seeded one (base/testing/deterministic_random.hpp). SDES keys never come from it: they
  // are drawn from the DRBG by core/sdes.
  explicit UserAgent(UaConfig config, RandomSource& rng = crypto::system_random());

  // Inputs. `msg` must already be parsed and checked (sip::parse_message).
  void handle_message(Timestamp now, Flow flow, sip::SipMessage msg, FlowInfo info);
  void handle_timeout(Timestamp now);
  // The flow (a connection, or the pending flow of a Transmit with a target that could not be reached)
  // failed or closed: its transactions fail (503) and dialogs fall back to their remote target. A pending
  // flow is forgotten, and its messages not yet polled are dropped.
  void handle_transport_error(Timestamp now, Flow flow);
  // The io layer located `next_hop` (RFC 3263) and opened `flow` to it. Requests to that hop go down this
  // flow, and its transport (not the URI's) decides Via, Contact and whether SDES keys may ride on it: a
  // sip: URI that DNS resolved to TLS is secure signalling. A pending flow the UA made for that hop is
  // forgotten: its transactions (retransmissions, ACKs) and messages not yet polled move to `flow`.
  void use_flow(const sip::Uri& next_hop, Flow flow, FlowInfo info);
  // Sets (or adds) the local binding of `b.transport`: e.g. a phone without a TLS listener names the local
  // end of its connection in Via and Contact, and is reached back down that connection.
  void set_binding(LocalBinding b);

  // Commands. Errors are ours (Errc::invalid_argument / invalid_state / not_found) and change nothing.
  // An INVITE with the negotiator's offer to `target` (or via the outbound proxy).
  Result<CallHandle> call(Timestamp now, const sip::Uri& target, const CallOptions& options);
  // 200 OK for an incoming call; `options` re-answers the offer on another RTP address/port.
  Status answer(Timestamp now, CallHandle call, std::optional<CallOptions> options = std::nullopt);
  // A final response (>= 300) to an incoming call not answered yet.
  Status reject(Timestamp now, CallHandle call, int status = 486);
  // CANCEL when early (once a provisional came, RFC 3261 9.1), BYE when confirmed, 603 when ringing here.
  Status hangup(Timestamp now, CallHandle call);
  // re-INVITE with our stream sendonly (true) or back to sendrecv (false); keys unchanged.
  Status hold(Timestamp now, CallHandle call, bool on);
  Status send_info(Timestamp now, CallHandle call, std::string content_type, std::string body);
  // Blind transfer (RFC 3515, RFC 5589 4): REFER in the call's dialog with Refer-To: <target> and
  // Referred-By: our AOR; NOTIFYs of its subscription are answered and reported as transfer_* events.
  // One transfer at a time per call; the call is not ended here (the phone hangs up on success).
  Status transfer(Timestamp now, CallHandle call, const sip::Uri& target, TransferOptions options = {});
  Status register_account(Timestamp now);
  Status unregister(Timestamp now);

  // Outputs.
  std::optional<Transmit> poll_transmit();
  std::optional<UaEvent> poll_event();
  std::optional<Timestamp> next_timeout() const;

  const UaConfig& config() const noexcept { return config_; }
  bool has_call(CallHandle h) const { return calls_.count(h) != 0; }
  const Call* find_call(CallHandle h) const;
  const Registration& registration() const noexcept { return reg_; }
  // Pending flows (FlowKind::pending) waiting for use_flow or handle_transport_error.
  std::size_t pending_flows() const noexcept { return pending_.size(); }

 private:
  enum class Purpose : std::uint8_t { register_, invite, reinvite, cancel, bye, info, refer };
  struct ClientRequest {
    Purpose purpose = Purpose::register_;
    CallHandle call = 0;
    sip::SipMessage request;
    Flow flow;           // an io flow, or a pending flow until use_flow moves it
    sip::Uri next_hop;   // for connection reuse (hop_key)
    AuthAttempt auth;
    // Sent to a URI (a pending flow) rather than down a known flow: a dialog it makes then follows its
    // remote target instead of keeping the flow the io layer located for the request.
    bool to_uri = false;
  };
  struct Hop {
    Flow flow;
    std::optional<sip::Uri> target;
    std::string transport;
  };
  // A destination with no flow yet: the Transmits to it carry `target`, and the io layer answers with
  // use_flow (located) or handle_transport_error (unreachable), which ends the entry.
  struct PendingHop {
    std::string key;  // hop_key(target)
    sip::Uri target;
    bool reliable = false;
  };

  // user_agent.cpp: plumbing
  Hop hop_for(std::optional<Flow> preferred, const sip::Uri& next_hop);
  const LocalBinding* binding_for(std::string_view transport) const;
  Result<sip::txn::TxnId> start_request(Timestamp now, sip::SipMessage req, std::optional<Flow> preferred,
                                        const sip::Uri& next_hop, Purpose purpose, CallHandle call,
                                        AuthAttempt auth = {});
  void send_direct(sip::SipMessage msg, std::optional<Flow> preferred, const sip::Uri& next_hop);
  void respond(Timestamp now, sip::txn::TxnId id, const sip::SipMessage& req, int status, std::string_view reason,
               std::string_view to_tag = {}, std::string_view warning = {});
  Status send_response(Timestamp now, sip::txn::TxnId id, sip::SipMessage resp);
  void pump(Timestamp now);
  void flush_layer();
  void on_layer_response(Timestamp now, sip::txn::TxnId id, Flow flow, const sip::SipMessage& resp);
  void on_client_failure(Timestamp now, sip::txn::TxnId id, int status, std::string reason);
  bool retry_with_auth(Timestamp now, const ClientRequest& owner, Flow flow, const sip::SipMessage& resp,
                       std::string& error);
  void emit(UaEvent ev) { events_.push_back(std::move(ev)); }
  void emit_state(Call& c, CallState s, int status, std::string reason, std::string warning = {});
  void end_call(Timestamp now, Call& c);
  Call* call_ptr(CallHandle h);
  Call* call_by_dialog(const dialog::DialogId& id);
  sip::Uri dialog_next_hop(const Call& c) const;
  std::string flow_transport(Flow f, const sip::Uri& fallback) const;
  // Moves everything on pending flow `from` to `to` (or drops its unsent messages when `to` is empty).
  void end_pending(std::uint64_t from, std::optional<Flow> to);
  // The transport requests to `next_hop` will use: its known flow's, else what the URI says.
  std::string hop_transport(const sip::Uri& next_hop) const;

  // user_agent_uac.cpp: our INVITEs, CANCEL, BYE, re-INVITE, INFO
  void on_invite_response(Timestamp now, const ClientRequest& owner, Flow flow, const sip::SipMessage& resp);
  void on_invite_2xx(Timestamp now, Call& c, const ClientRequest& owner, Flow flow, const sip::SipMessage& resp);
  void on_stray_response(Timestamp now, Flow flow, const sip::SipMessage& resp);
  void send_ack(Call& c, std::uint32_t cseq);
  void send_cancel(Timestamp now, Call& c);
  void send_bye(Timestamp now, Call& c);
  Status send_reinvite(Timestamp now, Call& c);
  Result<sip::SipMessage> in_dialog_request(Call& c, sip::Method method);

  // user_agent_uas.cpp: requests we receive
  void on_request(Timestamp now, sip::txn::TxnId id, Flow flow, const sip::SipMessage& req);
  void on_new_invite(Timestamp now, sip::txn::TxnId id, Flow flow, const sip::SipMessage& req);
  void on_in_dialog(Timestamp now, sip::txn::TxnId id, Flow flow, Call& c, const sip::SipMessage& req);
  void on_reinvite(Timestamp now, sip::txn::TxnId id, Flow flow, Call& c, const sip::SipMessage& req);
  void on_ack(Timestamp now, const sip::SipMessage& ack);
  void on_cancel(Timestamp now, sip::txn::TxnId id, const sip::SipMessage& req);
  void send_ok_with_answer(Timestamp now, Call& c, bool reinvite);
  void add_allow_accept(sip::SipMessage& resp) const;

  // user_agent_transfer.cpp: REFER out, NOTIFY in
  void on_refer_response(Timestamp now, const ClientRequest& owner, const sip::SipMessage& resp);
  void on_refer_failure(CallHandle call, int status, std::string reason);
  void on_notify(Timestamp now, sip::txn::TxnId id, Call& c, const sip::SipMessage& req);
  void transfer_event(Call& c, UaEvent::Kind kind, int status, std::string reason);
  void check_transfer_deadlines(Timestamp now);

  // user_agent_register.cpp
  Status send_register(Timestamp now, std::uint32_t expires, AuthAttempt auth = {});
  void on_register_response(Timestamp now, const ClientRequest& owner, Flow flow, const sip::SipMessage& resp);
  void on_register_failure(int status, std::string reason);
  sip::Uri registrar_uri() const;

  UaConfig config_;
  sip::txn::TransactionLayer layer_;
  RandomSource* rng_;
  DigestClient digest_;
  Registration reg_;
  std::map<CallHandle, Call> calls_;
  CallHandle next_call_ = 1;
  std::map<sip::txn::TxnId, ClientRequest> client_;
  std::map<sip::txn::TxnId, Flow> server_flows_;       // server transaction -> flow it came on
  std::map<sip::txn::TxnId, CallHandle> server_calls_;  // INVITE server transaction -> call (CANCEL)
  std::unordered_map<std::uint64_t, FlowInfo> flows_;   // io flows we have heard from
  std::set<std::uint64_t> dead_flows_;
  std::unordered_map<std::string, Flow> hop_flows_;          // hop_key -> io flow learned from responses
  // The one record of pending flows in sotto (docs/UA.md): pending flow id -> its destination. The io
  // layer keeps none; it only holds messages while it locates one (runtime::SipRouter).
  std::map<std::uint64_t, PendingHop> pending_;
  std::uint64_t next_pending_ = 1;
  std::deque<Transmit> out_;
  std::deque<UaEvent> events_;
};

}  // namespace sotto::ua
