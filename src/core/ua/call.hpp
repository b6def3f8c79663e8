#pragma once
// Call: the state a UserAgent keeps per call: phase, dialog, the connection it uses, the offer/answer
// in flight and the negotiated session, the 2xx/ACK retransmission bookkeeping. Plain data; the
// transitions live in UserAgent (user_agent_*.cpp).
//
//   Call& c = calls_[h];  c.phase = Call::Phase::confirmed;
//   sdp::LocalCapabilities caps = local_caps(cfg, c.media, c.session_id, sdp::Direction::sendonly);
//   // caps -> negotiation::make_reoffer(*c.session, caps, cfg.media_policy, c.signalling)

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/dialog/dialog.hpp"
#include "core/negotiation/answerer.hpp"
#include "core/negotiation/pending_offer.hpp"
#include "core/negotiation/signalling_context.hpp"
#include "core/sip/sip_message.hpp"
#include "core/transaction/transaction_layer.hpp"
#include "core/ua/transfer.hpp"
#include "core/ua/ua_config.hpp"
#include "core/ua/ua_event.hpp"

namespace sotto::ua {

// Capabilities for one call: the configured codecs on the call's RTP address/port, in `direction`.
sdp::LocalCapabilities local_caps(const UaConfig& cfg, const CallOptions& media, const std::string& session_id,
                                  sdp::Direction direction);

struct Call {
  enum class Phase : std::uint8_t {
    calling,     // outgoing INVITE sent, no final response yet
    ringing_in,  // incoming INVITE, 180 sent, not answered yet
    answered,    // incoming: our 200 sent, waiting for the ACK
    confirmed,   // dialog confirmed
    ending,      // BYE / CANCEL sent
    ended,       // kept a while to absorb retransmissions, then purged
  };

  CallHandle handle = 0;
  bool outgoing = false;
  Phase phase = Phase::calling;
  bool reported_end = false;  // terminated/failed was emitted

  CallOptions media;
  std::string session_id;     // o= sess-id, random per call
  bool local_hold = false;    // we put the peer on hold (our stream sendonly)
  negotiation::SignallingContext signalling;
  std::optional<dialog::Dialog> dialog;
  sip::NameAddr local_contact;
  std::string local_tag;
  std::optional<sip::txn::Flow> flow;  // the connection the dialog uses (RFC 5923-style reuse)
  sip::Uri next_hop;                   // where requests go when `flow` is gone
  std::optional<negotiation::NegotiatedSession> session;

  // Our INVITE (initial or re-INVITE) in flight.
  sip::SipMessage invite;
  sip::txn::TxnId invite_txn = 0;
  std::optional<negotiation::PendingOffer> pending_offer;
  bool provisional_seen = false;  // 9.1: CANCEL only after a provisional response
  std::optional<sip::txn::Flow> provisional_flow;
  bool cancel_wanted = false;     // hangup() before any provisional, or a 2xx still to BYE
  bool cancel_sent = false;
  bool ringing_reported = false;
  bool reinvite_out = false;      // our re-INVITE is outstanding (an incoming one gets 491)
  std::optional<sip::txn::Timestamp> glare_retry_at;  // 14.1 after a 491
  std::optional<sip::SipMessage> ack;  // our last ACK for a 2xx, sent again for each retransmission
  std::uint32_t acked_cseq = 0;

  // The peer's INVITE (initial or re-INVITE) we are answering.
  sip::txn::TxnId server_txn = 0;
  sip::SipMessage remote_invite;
  std::optional<negotiation::Answer> answer;
  std::optional<sip::SipMessage> ok;     // our 2xx, retransmitted until the ACK (13.3.1.4)
  bool ok_answers_reinvite = false;
  sip::txn::Timestamp ok_next{};
  sip::txn::Duration ok_interval{};
  sip::txn::Timestamp ack_deadline{};
  bool bye_after_ack = false;            // hangup() while waiting for the ACK

  std::optional<Transfer> transfer;  // our REFER and its subscription (user_agent_transfer.cpp)

  std::vector<std::string> offer_warnings;       // e.g. SDES keys offered over UDP by opt-in
  std::optional<sip::txn::Timestamp> purge_at;  // set when ended
};

}  // namespace sotto::ua
