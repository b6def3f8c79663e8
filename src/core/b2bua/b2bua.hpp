#pragma once
// B2bua: the server's sans-IO back-to-back user agent. A caller's INVITE (leg A, we are its UAS) is
// authenticated, the callee's bindings are called in parallel (forks, we are their UAC), the first 2xx
// wins; each leg is negotiated under its own user's policy with its own SDES keys and media runs
// through one relay of the MediaAnchor. Messages, time and transport failures go in; messages to send,
// events (with the call's record) and deadlines come out. REGISTER is not handled here (the server
// routes it to the registrar).
//
//   B2bua b2bua(cfg, locations, authenticator, anchor, policies);
//   b2bua.handle_message(now, flow, ctx, parsed);   while (auto ev = b2bua.poll_event()) server.on(*ev);
//   while (auto t = b2bua.poll_transmit()) io.send(*t);   if (auto t = b2bua.next_timeout()) io.arm(*t);
//
// RFC 3261 (8.2, 9, 12-17), RFC 3264, RFC 4568 via core/negotiation. See docs/B2BUA.md.

#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>

#include "base/random_source.hpp"
#include "core/b2bua/b2b_call.hpp"
#include "core/b2bua/b2bua_config.hpp"
#include "core/b2bua/b2bua_event.hpp"
#include "core/b2bua/dialog_index.hpp"
#include "core/b2bua/policies.hpp"
#include "core/registrar/locations.hpp"
#include "core/relay/anchor.hpp"
#include "core/transaction/transaction_layer.hpp"
#include "core/ua/transmit.hpp"
#include "crypto/random.hpp"

namespace sotto::b2bua {

// Methods we handle (Allow, RFC 3261 20.5). REGISTER is the registrar's; the server routes it there.
// REFER: transfers (docs/B2BUA.md "Transfers"); the NOTIFYs of its implicit subscription go out only.
inline constexpr std::string_view kAllowed = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, REFER";
// Supported: RFC 3327 Path, RFC 3891 Replaces.
inline constexpr std::string_view kSupported = "path, replaces";

class B2bua {
 public:
  // The interfaces must outlive the B2bua. `rng` makes tags, Call-IDs, branches and SDP session ids
  // (tests pass a seeded one); SDES keys never come from it (core/sdes draws them from the DRBG).
  B2bua(B2buaConfig config, registrar::Locations& locations, registrar::Authenticator& authenticator,
        relay::MediaAnchor& anchor, Policies& policies, RandomSource& rng = crypto::system_random());

  // Inputs. `msg` must already be parsed and checked (sip::parse_message). `ctx.flow` is `flow`.
  void handle_message(Timestamp now, Flow flow, const registrar::RequestContext& ctx, sip::SipMessage msg);
  void handle_timeout(Timestamp now);
  // The flow (a connection, or the placeholder of a Transmit with a target) failed or closed.
  void handle_transport_error(Timestamp now, Flow flow);
  // Ends a call from our side (a draining server, dead media): the record first (result `answered` for an
  // answered call, else `failed` with 503 to the caller), then BYE on each established leg and CANCEL to
  // ringing forks. Unknown or already ended calls: nothing.
  void hang_up(Timestamp now, CallHandle call, const std::string& reason);

  // Outputs. Poll events before transmits: a transmit produced after a call_ended event (the final
  // response, the 200 to a BYE) is held back until that event has been polled, so the record is
  // written before the caller learns the outcome.
  std::optional<ua::Transmit> poll_transmit();
  std::optional<B2buaEvent> poll_event();
  std::optional<Timestamp> next_timeout() const;

  // The connection a registered trunk (index into config().trunks) registered over, or none once it is
  // lost: INVITEs down it are that trunk's, and calls to the trunk go down it (b2bua_trunk.cpp).
  void set_trunk_flow(std::size_t trunk, std::optional<Flow> flow);

  std::size_t call_count() const noexcept { return calls_.size(); }
  // Dialog ids in the index (leg A's and every fork's of the calls held), and flows known to be dead
  // that a held call may still name: both shrink as ended calls are purged.
  std::size_t dialog_count() const noexcept { return dialogs_.size(); }
  std::size_t dead_flow_count() const noexcept { return dead_flows_.size(); }
  const B2buaConfig& config() const noexcept { return config_; }

 private:
  struct ClientRequest {
    enum class Purpose : std::uint8_t { invite, reinvite, cancel, bye, info, xfer_invite, xfer_reinvite, notify };
    Purpose purpose = Purpose::invite;
    CallHandle call = 0;
    relay::Side side = relay::Side::b;
    std::size_t fork = 0;  // for the initial INVITE and its CANCEL; a transfer's fork
    std::size_t xfer = 0;  // xfer_*, notify: index into B2bCall::transfers
  };
  // How a set of forks is sent: the callee's (start_forks) or a blind transfer's target.
  struct ForkPlan {
    relay::Side side = relay::Side::b;
    sip::NameAddr from;  // without tag
    sip::NameAddr to;
    std::uint8_t max_forwards = 70;
    bool sips = false;   // TLS up to the phone (RFC 5630)
    std::optional<std::size_t> trunk;
    std::string trunk_caller;  // whose number the carrier is shown
    ClientRequest owner;       // purpose, call, xfer; fork filled per binding
    std::vector<std::pair<std::string, std::string>> extra;  // Referred-By
    std::function<sdp::LocalCapabilities(const std::string& session_id)> caps;
  };
  struct Hop {
    Flow flow;
    std::optional<sip::Uri> target;
    sip::Transport transport = sip::Transport::tls;
  };

  // b2bua.cpp: plumbing
  Hop hop_for(std::optional<Flow> preferred, const sip::Uri& next_hop, std::optional<sip::Transport> transport);
  const ua::LocalBinding* binding_for(sip::Transport t) const;
  sip::NameAddr local_contact(sip::Transport t, bool sips) const;
  Result<TxnId> start_request(Timestamp now, sip::SipMessage& req, const Hop& hop, ClientRequest owner);
  void send_direct(sip::SipMessage msg, const Hop& hop);
  void respond(Timestamp now, TxnId id, const sip::SipMessage& req, int status, std::string_view reason,
               std::string_view to_tag = {}, std::vector<std::pair<std::string, std::string>> extra = {});
  Status send_response(Timestamp now, TxnId id, sip::SipMessage resp);
  void flush_layer();
  void pump(Timestamp now);
  B2bCall* call_ptr(CallHandle h);
  // The call and side whose dialog `id` (as seen from us) names: leg A's, or the winning fork's (leg B).
  B2bCall* call_by_dialog(const dialog::DialogId& id, relay::Side& side);
  // The call holding a dialog with this id on any leg or fork (dialogs_), or null.
  B2bCall* call_with_dialog(const dialog::DialogId& id);
  // Every dialog a call gets (leg A, a fork's 2xx, a leg joining it) is indexed here, once it is set.
  void index_dialog(B2bCall& c, const dialog::Dialog& d);
  // Removes a purged call's dialog ids from dialogs_; forgets dead flows once no call refers to them.
  void forget_purged(const B2bCall& c);
  void sweep_dead_flows();
  sip::Uri dialog_next_hop(const Leg& leg) const;
  void emit(B2buaEvent ev);
  // Records the end (result, status, relay stats), emits call_ended, closes the relay. Once per call.
  void finish(Timestamp now, B2bCall& c, CallResult result, int status, std::string reason);
  LegRecord leg_record(const B2bCall& c, relay::Side side) const;

  // b2bua_caller.cpp: leg A (requests from the caller, responses to it)
  void on_request(Timestamp now, TxnId id, Flow flow, const sip::SipMessage& req);
  void on_new_invite(Timestamp now, TxnId id, Flow flow, const sip::SipMessage& req);
  void on_cancel(Timestamp now, TxnId id, const sip::SipMessage& req);
  void on_ack(Timestamp now, const sip::SipMessage& ack);
  void on_in_dialog(Timestamp now, TxnId id, Flow flow, B2bCall& c, relay::Side side, const sip::SipMessage& req);
  void on_bye(Timestamp now, TxnId id, B2bCall& c, relay::Side side, const sip::SipMessage& req);
  // INFO (e.g. application/dtmf-relay from phones that send DTMF that way): 200, then the same body
  // as a new INFO on the other leg.
  void on_info(Timestamp now, TxnId id, B2bCall& c, relay::Side side, const sip::SipMessage& req);
  void on_reinvite(Timestamp now, TxnId id, Flow flow, B2bCall& c, relay::Side side, const sip::SipMessage& req);
  // A final failure to the caller (>= 300) before any 2xx; records first. `extra`: Warning, Reason.
  void fail_call(Timestamp now, B2bCall& c, int status, std::string reason, CallResult result,
                 std::vector<std::pair<std::string, std::string>> extra = {});
  void incompatible_destination(Timestamp now, B2bCall& c, std::string why);
  void answer_caller(Timestamp now, B2bCall& c, int status, const Fork& f);
  void send_ok(Timestamp now, Leg& leg, sip::SipMessage ok);
  void end_call(Timestamp now, B2bCall& c);

  // b2bua_callee.cpp: forks and leg B
  void start_forks(Timestamp now, B2bCall& c, std::vector<registrar::Binding> bindings, const UserPolicy& callee);
  // One INVITE per usable binding into `forks`; returns why each unusable one was skipped.
  std::vector<std::string> launch_forks(Timestamp now, std::vector<Fork>& forks,
                                        std::vector<registrar::Binding> bindings, const UserPolicy& policy,
                                        const ForkPlan& plan);
  void on_fork_response(Timestamp now, const ClientRequest& owner, Flow flow, const sip::SipMessage& resp);
  void on_fork_2xx(Timestamp now, B2bCall& c, Fork& f, Flow flow, const sip::SipMessage& resp);
  void on_fork_failure(Timestamp now, B2bCall& c, Fork& f, int status, std::string reason, std::string warning = {});
  void on_reinvite_response(Timestamp now, const ClientRequest& owner, const sip::SipMessage& resp);
  void on_stray_response(Timestamp now, const sip::SipMessage& resp);
  void cancel_fork(Timestamp now, B2bCall& c, Fork& f);
  void cancel_forks(Timestamp now, B2bCall& c, std::optional<std::size_t> except);
  void send_ack(Leg& leg, std::uint32_t cseq);
  void send_bye(Timestamp now, B2bCall& c, Leg& leg);
  bool forks_done(const B2bCall& c) const;
  void all_forks_failed(Timestamp now, B2bCall& c);
  // Leg B answered (or sent early media): set the relay for leg B, build our answer to the caller.
  bool apply_callee_answer(Timestamp now, B2bCall& c, Fork& f, const sip::SipMessage& resp, std::string& error);
  Status set_leg(Timestamp now, B2bCall& c, relay::Side side, const negotiation::SecureMedia& m,
                 const negotiation::NegotiatedSession& s);

  // b2bua_trunk.cpp: upstream providers
  std::optional<std::size_t> inbound_trunk(const registrar::RequestContext& ctx, const sip::SipMessage& req) const;
  std::optional<std::size_t> outbound_trunk(std::string_view dialled) const;
  // The local account an inbound trunk INVITE rings (numbers[Request-URI user], or numbers[To user] when
  // the Request-URI names the registered contact user); empty when none.
  std::string trunk_callee(std::size_t trunk, const sip::SipMessage& req) const;
  // P-Asserted-Identity (RFC 3325) from Trunk::pai, with the caller's number from From when it is one of ours.
  static void add_trunk_pai(const Trunk& t, sip::SipMessage& inv);
  registrar::Binding trunk_binding(std::size_t trunk, std::string_view dialled) const;
  void trunk_invite(std::size_t trunk, const std::string& caller, sip::SipMessage& inv) const;
  // A 401/407 from the trunk: the INVITE again with credentials and the next CSeq. False: not answered.
  bool trunk_auth_retry(Timestamp now, std::optional<std::size_t> trunk, Fork& f, const sip::SipMessage& resp,
                        ClientRequest owner);

  // b2bua_transfer.cpp: REFER (RFC 3515), Refer-Sub (RFC 4488), Replaces (RFC 3891); docs/B2BUA.md
  void on_refer(Timestamp now, TxnId id, B2bCall& c, relay::Side side, const sip::SipMessage& req);
  void refer_attended(Timestamp now, TxnId id, B2bCall& c, relay::Side side, const sip::SipMessage& req,
                      std::string_view replaces, bool subscription);
  void on_transfer_response(Timestamp now, const ClientRequest& owner, Flow flow, const sip::SipMessage& resp);
  void on_transfer_fork_failure(Timestamp now, B2bCall& c, Transfer& x, Fork& f, int status, std::string reason);
  void on_attended_response(Timestamp now, const ClientRequest& owner, const sip::SipMessage& resp);
  void on_notify_response(const ClientRequest& owner, int status);
  void on_invite_replaces(Timestamp now, TxnId id, Flow flow, const sip::SipMessage& req, const std::string& user,
                          const UserPolicy& policy, const registrar::RequestContext& ctx, std::string_view replaces);
  // T's leg leaves side x.transferor, `leg` (answered, its media already on the relay) takes it over.
  void complete_transfer(Timestamp now, B2bCall& c, Transfer& x, Leg leg, LegRecord transferor_record,
                         LegRecord identity, sip::NameAddr address, sip::Transport transport);
  void transfer_failed(Timestamp now, B2bCall& c, Transfer& x, int status, std::string reason);
  void notify_transferor(Timestamp now, B2bCall& c, Transfer& x, int status, std::string_view reason, bool final);
  // R was held (by T, before transferring): a re-INVITE back to sendrecv, keys kept.
  void resume_if_held(Timestamp now, B2bCall& c, relay::Side side);
  // A dialog of ours by Call-ID and both tags, in either orientation (Replaces, RFC 3891 section 3).
  B2bCall* find_dialog(std::string_view call_id, std::string_view tag1, std::string_view tag2, relay::Side& side);
  bool on_departed_request(Timestamp now, TxnId id, const sip::SipMessage& req);
  std::string party_user(const B2bCall& c, relay::Side side) const;
  sip::NameAddr party_address(const B2bCall& c, relay::Side side) const;

  B2buaConfig config_;
  registrar::Locations* locations_;
  registrar::Authenticator* auth_;
  relay::MediaAnchor* anchor_;
  Policies* policies_;
  RandomSource* rng_;
  sip::txn::TransactionLayer layer_;
  std::map<CallHandle, B2bCall> calls_;
  // Calls whose timers handle_timeout/next_timeout look at: every call until it ends (end_call), and an
  // ended call again if a 2xx retransmission starts on it. Ended calls otherwise wait in purge_q_ by purge_at.
  std::set<CallHandle> scan_;
  std::set<std::pair<Timestamp, CallHandle>> purge_q_;
  CallHandle next_call_ = 1;
  std::map<TxnId, ClientRequest> client_;
  std::map<TxnId, Flow> server_flows_;
  std::map<TxnId, CallHandle> server_calls_;  // caller's INVITE server transaction -> call (CANCEL)
  std::unordered_map<std::uint64_t, registrar::RequestContext> flows_;  // io flows heard from
  std::set<std::uint64_t> dead_flows_;
  std::size_t purged_since_sweep_ = 0;  // sweep_dead_flows runs once this reaches calls_.size()
  DialogIndex dialogs_;
  std::unordered_map<std::string, std::uint64_t> placeholders_;  // hop key -> placeholder id
  std::unordered_map<std::uint64_t, sip::Uri> placeholder_targets_;
  // Output queues; a call_ended event holds back transmits queued after it (see poll_transmit).
  std::deque<std::pair<std::uint64_t, ua::Transmit>> out_;
  std::deque<std::pair<std::uint64_t, B2buaEvent>> events_;
  std::uint64_t out_seq_ = 0;
  std::map<std::size_t, ua::DigestClient> trunk_digest_;  // per trunk (nonce counts)
  std::map<std::size_t, Flow> trunk_flows_;               // registered trunk -> its connection
};

}  // namespace sotto::b2bua
