#pragma once
// B2bCall: the state the B2BUA keeps per call: leg A (the caller; we are its UAS), the forks towards
// the callee's bindings (we are their UAC), leg B once one fork answered, the relay and the record.
// Plain data; the transitions live in B2bua (b2bua_*.cpp).
//
//   B2bCall& c = calls_[h];  Leg& b = c.b;           // after the winning 2xx
//   c.forks[i].state == Fork::State::early;           // still ringing

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/b2bua/b2bua_event.hpp"
#include "core/b2bua/policies.hpp"
#include "core/dialog/dialog.hpp"
#include "core/negotiation/answerer.hpp"
#include "core/negotiation/pending_offer.hpp"
#include "core/negotiation/signalling_context.hpp"
#include "core/registrar/locations.hpp"
#include "core/relay/anchor.hpp"
#include "core/sdp/capabilities.hpp"
#include "core/sip/sip_message.hpp"
#include "core/transaction/transaction_layer.hpp"
#include "core/ua/digest_client.hpp"

namespace sotto::b2bua {

using sip::txn::Flow;
using sip::txn::TxnId;

// One side of an established (or answering) call, as a dialog endpoint of ours.
struct Leg {
  relay::Side side = relay::Side::a;
  std::optional<dialog::Dialog> dialog;
  sip::NameAddr local_contact;
  sip::Transport transport = sip::Transport::tls;  // of the flow this leg's signalling uses
  std::optional<Flow> flow;         // the connection the dialog uses; reset when it fails
  sip::Uri next_hop;                // where in-dialog requests go without `flow`
  negotiation::SignallingContext signalling;
  UserPolicy policy;
  std::string session_id;           // o= sess-id of our SDP on this leg
  std::optional<negotiation::NegotiatedSession> session;
  std::optional<negotiation::SecureMedia> media;  // last negotiated (first accepted m-line)

  // An INVITE (re-INVITE) we answer on this leg, and our 2xx retransmitted until the ACK (13.3.1.4).
  TxnId server_txn = 0;
  sip::SipMessage remote_invite;
  std::optional<sip::SipMessage> ok;
  Timestamp ok_next{};
  Duration ok_interval{};
  Timestamp ack_deadline{};
  // A re-INVITE we forwarded from this leg and answer once the other leg answered.
  std::optional<sdp::SessionDescription> reinvite_offer;
  // A re-INVITE without offer on this leg: our offer went in the 200, the answer comes in the ACK.
  std::optional<negotiation::PendingOffer> ok_offer;

  // An INVITE (re-INVITE) we sent on this leg.
  sip::SipMessage invite;
  TxnId invite_txn = 0;
  std::optional<negotiation::PendingOffer> pending;
  bool reinvite_out = false;
  std::optional<sip::SipMessage> ack;  // our ACK for the last 2xx, sent again for retransmissions
  std::uint32_t acked_cseq = 0;
};

// One INVITE towards one binding of the callee (RFC 3261 16.7-style parallel forking, as a UAC).
struct Fork {
  enum class State : std::uint8_t { calling, early, answered, done };
  std::size_t index = 0;
  registrar::Binding binding;
  State state = State::calling;
  Leg leg;                               // side b; dialog set by a 2xx
  sip::Transport transport = sip::Transport::tls;
  Flow sent_flow;                        // what the INVITE went down (io flow or placeholder)
  std::optional<Flow> provisional_flow;  // CANCEL goes where the provisional came from
  bool provisional_seen = false;
  bool cancel_wanted = false;            // cancel once a provisional arrives (9.1)
  bool cancel_sent = false;
  bool early_media = false;              // its 18x answer is what leg A hears
  int status = 0;                        // final status received
  std::string reason;
  std::string warning;
  ua::AuthAttempt auth;                  // towards a trunk: challenges answered so far
};

// A transfer of one of the call's parties (docs/B2BUA.md "Transfers"): the transferor T (side
// `transferor`) leaves, a new party takes its side of the relay, the other party R stays.
struct Transfer {
  enum class Kind : std::uint8_t {
    blind,     // REFER to a user or number: we call the target (forks) from R's identity
    attended,  // REFER with Replaces naming T's dialog in another call: that call's other party joins
    replaces,  // INVITE with Replaces (RFC 3891): its sender joins
  };
  Kind kind = Kind::blind;
  relay::Side transferor = relay::Side::b;
  bool subscription = true;         // the implicit subscription (RFC 3515); false: Refer-Sub: false (RFC 4488)
  bool subscription_dead = false;   // a NOTIFY was refused or timed out: no more NOTIFYs
  bool transferor_gone = false;     // T sent BYE before the target answered
  bool answered = false;            // a target answered (later 2xx from other forks get BYE)
  bool done = false;                // finished, successfully or not
  std::optional<std::size_t> departed;  // T's leg in B2bCall::departed once it left
  std::uint32_t refer_cseq = 0;         // Event: refer;id=<CSeq of the REFER> after the call's first transfer
  // blind: the target
  std::vector<Fork> forks;
  std::string target_user;           // account name, or trunk:<name>
  sip::NameAddr target;              // To of the new leg
  std::optional<std::size_t> trunk;  // the target is a number on this trunk
  std::optional<Timestamp> no_answer_at;
  // attended: the other call and the side of its party that joins this call
  std::uint64_t other_call = 0;
  relay::Side other_side = relay::Side::a;
};

struct B2bCall {
  enum class Phase : std::uint8_t {
    calling,    // forks out, no final answer to the caller yet
    answering,  // our 2xx to the caller sent, waiting for its ACK
    confirmed,  // both dialogs confirmed
    ended,      // kept a while to absorb retransmissions, then purged
  };
  CallHandle handle = 0;
  Phase phase = Phase::calling;
  std::string caller;  // account names
  std::string callee;
  registrar::RequestContext caller_ctx;

  Leg a;                                     // side a: we are the caller's UAS
  std::string a_tag;                         // our To tag towards the caller
  sip::SipMessage a_invite;                  // the caller's initial INVITE
  TxnId a_txn = 0;
  std::optional<sdp::SessionDescription> a_offer;  // nullopt: late offer (INVITE without SDP)
  std::optional<negotiation::Answer> a_answer;     // our answer to the caller (18x and 200)
  std::optional<negotiation::PendingOffer> a_late_offer;  // late offer: our offer in the 200
  bool a_final_sent = false;
  bool a_180_sent = false;

  std::vector<Fork> forks;
  std::optional<std::size_t> winner;     // index into forks; its leg is the call's leg B
  std::optional<Timestamp> no_answer_at;

  std::optional<relay::RelayId> relay;
  CallRecord record;
  bool ended_reported = false;
  std::optional<Timestamp> purge_at;
  // Index into B2buaConfig::trunks: leg B goes out to it, or leg A came in from it.
  std::optional<std::size_t> trunk_out;
  std::optional<std::size_t> trunk_in;

  // Transfers (docs/B2BUA.md "Transfers"). The last one is in progress unless done.
  std::vector<Transfer> transfers;
  std::vector<Leg> departed;            // legs that left by a transfer (their BYE and NOTIFYs still go out)
  // Once a leg left: every leg's record in the order they joined; live_slot[side] is the current one.
  std::vector<LegRecord> record_legs;
  std::array<std::size_t, 2> live_slot{0, 1};
  // Who took side s over by a transfer: identity for records, and the address we present for them.
  std::array<std::optional<LegRecord>, 2> joined;
  std::array<std::optional<sip::NameAddr>, 2> joined_addr;

  Transfer* active_transfer() { return !transfers.empty() && !transfers.back().done ? &transfers.back() : nullptr; }
  Leg& b() { return forks.at(*winner).leg; }
  Leg& leg(relay::Side s) { return s == relay::Side::a ? a : b(); }
};

}  // namespace sotto::b2bua
