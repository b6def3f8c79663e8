#pragma once
// Dialog: the state RFC 3261 section 12 keeps between two UAs — Call-ID, tags, CSeq numbers, route set
// and remote target — and the in-dialog requests built from it (12.2.1.1, 13.2.2.4).
//
//   auto d = Dialog::from_uac(invite, ok_200, local_contact).value();   // or from_uas(...)
//   SipMessage ack = d.make_ack(invite_cseq);   SipMessage bye = d.make_request(MethodId::bye);
//   if (auto st = d.on_request(incoming); !st) reply(500);              // CSeq out of order, ...

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "core/sip/header_fields.hpp"
#include "core/sip/sip_message.hpp"

namespace sotto::dialog {

struct DialogId {
  std::string call_id;
  std::string local_tag;
  std::string remote_tag;
  friend bool operator==(const DialogId&, const DialogId&) = default;
};

class Dialog {
 public:
  enum class State : std::uint8_t { early, confirmed, terminated };

  // 12.1.2: the UAC side, from our request and a 101-199 (with To tag) or 2xx response.
  static Result<Dialog> from_uac(const sip::SipMessage& request, const sip::SipMessage& response,
                                 sip::NameAddr local_contact);
  // 12.1.1: the UAS side, from the received request, our To tag and our Contact.
  static Result<Dialog> from_uas(const sip::SipMessage& request, std::string local_tag, sip::NameAddr local_contact);

  // 12.2.1.1: a new request in this dialog (BYE, re-INVITE, INFO, UPDATE, ...): Request-URI and Route
  // per loose/strict routing, tags, next local CSeq, Contact, Max-Forwards. The caller adds Via.
  sip::SipMessage make_request(sip::Method method);
  // 13.2.2.4: the ACK for a 2xx to the INVITE with CSeq number `invite_cseq`.
  sip::SipMessage make_ack(std::uint32_t invite_cseq) const;

  // 12.2.2: checks an incoming in-dialog request (CSeq must grow; 500 otherwise) and applies a target
  // refresh (re-INVITE / UPDATE Contact). Returns the error to answer with.
  Status on_request(const sip::SipMessage& request);
  // A 2xx to a re-INVITE we sent refreshes the remote target (12.2.1.2); a 2xx confirms an early dialog.
  void on_response(const sip::SipMessage& response);
  void terminate() noexcept { state_ = State::terminated; }

  State state() const noexcept { return state_; }
  const DialogId& id() const noexcept { return id_; }
  bool secure() const noexcept { return secure_; }   // 12.1.1: request over TLS and sips: Request-URI
  const sip::Uri& remote_target() const noexcept { return remote_target_; }
  const std::vector<sip::NameAddr>& route_set() const noexcept { return route_set_; }
  std::uint32_t local_cseq() const noexcept { return local_cseq_; }
  std::optional<std::uint32_t> remote_cseq() const noexcept { return remote_cseq_; }
  const sip::NameAddr& local_uri() const noexcept { return local_; }
  const sip::NameAddr& remote_uri() const noexcept { return remote_; }

 private:
  Dialog() = default;
  DialogId id_;
  State state_ = State::early;
  bool secure_ = false;
  sip::NameAddr local_;    // From (UAC) / To (UAS), with our tag
  sip::NameAddr remote_;   // To (UAC) / From (UAS), with their tag
  sip::NameAddr local_contact_;
  sip::Uri remote_target_;
  std::vector<sip::NameAddr> route_set_;
  std::uint32_t local_cseq_ = 0;
  std::optional<std::uint32_t> remote_cseq_;
};

// Dialog id of a message we received, as seen from our side: in a request the To tag is ours, in a
// response the From tag is.
Result<DialogId> dialog_id_of(const sip::SipMessage& received);

}  // namespace sotto::dialog
