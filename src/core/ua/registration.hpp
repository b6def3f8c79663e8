#pragma once
// Registration: the REGISTER state of one account (RFC 3261 10.2): one Call-ID for every refresh, CSeq
// growing, the contact we bind, what the registrar granted and when to refresh (10.2.4).
//
//   Registration reg;                                    // owned by UserAgent
//   auto granted = granted_expires(ok_200, reg.contact.uri, reg.requested);   // Contact ;expires, Expires
//   reg.refresh_at = now + refresh_delay(granted);       // 600 s -> 300 s

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>

#include "core/sip/name_addr.hpp"
#include "core/sip/sip_message.hpp"
#include "core/transaction/timers.hpp"

namespace sotto::ua {

struct Registration {
  enum class State : std::uint8_t { idle, registering, registered, unregistering };
  State state = State::idle;
  std::string call_id;      // 10.2.4: the same Call-ID for every REGISTER to this registrar
  std::string from_tag;
  std::uint32_t cseq = 0;   // incremented by each REGISTER, retries and refreshes included
  sip::NameAddr contact;    // the binding we add (and later remove)
  std::uint32_t requested = 0;         // Expires we asked for last
  std::uint32_t granted = 0;           // what the last 2xx said
  bool min_expires_retried = false;    // a 423 is answered once per registration attempt (10.2.8)
  std::uint32_t min_expires = 0;       // the registrar's Min-Expires, kept for refreshes
  std::optional<sip::txn::Timestamp> refresh_at;
};

// When to refresh a binding granted for `expires` seconds: half of it, or 30 s before it runs out
// when that comes sooner (only for bindings under a minute), never under 1 s.
std::chrono::seconds refresh_delay(std::uint32_t expires);

// 10.2.4: the expires param of the Contact in the 2xx that matches ours, else the Expires header, else
// what we asked for.
std::uint32_t granted_expires(const sip::SipMessage& ok, const sip::Uri& our_contact, std::uint32_t requested);

}  // namespace sotto::ua
