#pragma once
// CallController: one call of `sotto phone`, sans-IO — INVITE out or in, digest retry, ringing,
// answer with the SRTP policy engine, ACK, BYE, CANCEL, OPTIONS/INFO, re-INVITE answers (hold). Built
// on the RFC 3261 transaction layer and dialog; time is passed in.
//
//   CallController cc(cfg);
//   cc.call(now, target, flow, /*secure=*/true, rtp_port);      // or wait for handle_message(INVITE)
//   while (auto t = cc.poll_transmit()) endpoint.send(t->flow, t->message);
//   while (auto e = cc.poll_event()) if (e->kind == CallEvent::Kind::answered) start_media(*e->media);

#include <deque>
#include <optional>
#include <string>

#include "core/auth/digest.hpp"
#include "core/dialog/dialog.hpp"
#include "core/negotiation/answerer.hpp"
#include "core/negotiation/media_security_policy.hpp"
#include "core/negotiation/offerer.hpp"
#include "core/sip/sip_message.hpp"
#include "core/transaction/transaction_layer.hpp"

namespace sotto::phone {

using sip::txn::Flow;
using sip::txn::Timestamp;

struct CallControllerConfig {
  sip::NameAddr local;            // our address of record: From of our requests, To of theirs
  sip::NameAddr contact;          // Contact, e.g. <sips:alice@127.0.0.1:5071;transport=tls>
  std::string via_transport = "TLS";
  std::string via_host = "127.0.0.1";
  std::uint16_t via_port = 5061;
  std::optional<auth::DigestCredentials> credentials;
  negotiation::MediaSecurityPolicy media;
  std::string media_ip = "127.0.0.1";
  bool auto_answer = true;
  std::string user_agent = "sotto";
};

struct CallEvent {
  enum class Kind : std::uint8_t {
    trying,          // 100 received
    ringing,         // 180/183 received, or we are ringing for an incoming call
    incoming,        // an INVITE arrived (before the answer)
    answered,        // media is ready: `media` says how it is keyed
    media_updated,   // a re-INVITE changed the media (hold / resume / re-key)
    ended,           // the call ended normally (BYE either way, CANCEL)
    failed,          // the call did not happen or ended on an error: status/reason/warning/error say why
  };
  Kind kind;
  int status = 0;
  std::string reason;
  std::string warning;
  std::string error;
  std::string peer;
  std::optional<negotiation::SecureMedia> media;
  bool remote = false;   // ended: the peer hung up
};

class CallController {
 public:
  explicit CallController(CallControllerConfig config);

  // Places the call over `flow` (already opened by the io layer); `secure`: the flow is TLS.
  Status call(Timestamp now, const sip::Uri& target, Flow flow, bool secure, std::uint16_t rtp_port);
  // The RTP port to offer when answering an incoming call (allocated before the INVITE arrives).
  void set_answer_rtp_port(std::uint16_t port) noexcept { answer_rtp_port_ = port; }

  void handle_message(Timestamp now, Flow flow, bool secure, sip::SipMessage msg);
  void handle_timeout(Timestamp now);
  void handle_transport_error(Timestamp now);
  // BYE when established, CANCEL (or nothing) while calling, 486 while ringing.
  void hangup(Timestamp now);
  // Re-INVITE putting the call on hold (a=sendonly) or back (a=sendrecv); keys are kept, so SRTP
  // contexts and ROC continue (RFC 4568 7.1.4). The result arrives as media_updated (or failed).
  Status hold(Timestamp now, bool on);

  std::optional<sip::txn::LayerTransmit> poll_transmit();
  std::optional<CallEvent> poll_event();
  std::optional<Timestamp> next_timeout() const;

  bool finished() const noexcept { return state_ == State::ended; }
  bool established() const noexcept { return state_ == State::established; }

 private:
  enum class State : std::uint8_t { idle, calling, ringing_out, ringing_in, established, terminating, ended };

  sip::SipMessage new_request(sip::Method m, const sip::Uri& ruri);
  // RFC 3261 12.1.1 / 8.1.1.8: a sips: Contact only in a sips: dialog; sip:...;transport=tls otherwise
  // (some peers, baresip among them, cannot use a sips: Contact at all).
  sip::NameAddr contact_for(const sip::Uri& request_uri) const;
  std::string new_branch() const;
  std::string via_value() const;
  void prepend_via(sip::SipMessage& m) const;   // in-dialog requests built by the Dialog
  sdp::LocalCapabilities capabilities(std::uint16_t port, sdp::Direction dir) const;
  void on_layer_event(Timestamp now, sip::txn::LayerEvent ev);
  void on_invite_response(Timestamp now, const sip::SipMessage& r);
  void on_reinvite_response(Timestamp now, const sip::SipMessage& r);
  void on_request(Timestamp now, sip::txn::TxnId id, Flow flow, sip::SipMessage req);
  void on_incoming_invite(Timestamp now, sip::txn::TxnId id, sip::SipMessage req);
  void on_reinvite(Timestamp now, sip::txn::TxnId id, const sip::SipMessage& req);
  void respond(Timestamp now, sip::txn::TxnId id, const sip::SipMessage& req, int status, std::string_view reason,
               const std::string& body = {}, const std::string& warning = {});
  void send_ack(const sip::SipMessage& ok);
  void send_bye(Timestamp now);
  void finish(CallEvent ev);
  void drain_layer(Timestamp now);

  CallControllerConfig cfg_;
  sip::txn::TransactionLayer layer_;
  std::deque<sip::txn::LayerTransmit> out_;
  std::deque<CallEvent> events_;
  State state_ = State::idle;
  Flow flow_{};
  bool secure_ = false;
  std::uint16_t answer_rtp_port_ = 0;
  std::string local_tag_;
  std::string call_id_;
  std::uint32_t cseq_ = 0;
  std::string peer_;

  // Outgoing call.
  std::optional<sip::SipMessage> invite_;
  sip::txn::TxnId invite_txn_ = 0;
  std::optional<negotiation::PendingOffer> pending_;
  int auth_attempts_ = 0;
  bool provisional_seen_ = false;
  bool cancel_pending_ = false;
  std::uint32_t nc_ = 0;

  // Incoming call.
  std::optional<sip::SipMessage> remote_invite_;
  sip::txn::TxnId remote_invite_txn_ = 0;
  std::optional<sip::SipMessage> our_ok_;
  std::optional<Timestamp> ok_retransmit_at_;
  Timestamp ok_first_sent_{};
  sip::txn::Duration ok_interval_{};

  std::optional<dialog::Dialog> dialog_;
  std::optional<negotiation::NegotiatedSession> session_;
  sip::txn::TxnId bye_txn_ = 0;
  std::uint16_t rtp_port_ = 0;
  sip::txn::TxnId reinvite_txn_ = 0;
  std::optional<negotiation::PendingOffer> reinvite_pending_;
};

}  // namespace sotto::phone
