#pragma once
// CallRecord: what the B2BUA knows about one call for the record the server writes: parties, times,
// result with the final SIP status, and per leg the signalling transport and flow, whether it was TLS,
// the SRTP suite (or plain RTP) and the relay's counters at the end. The server adds what only the io
// layer knows (TLS version and cipher, peer certificate) by the leg's flow, and wall-clock times.
//
//   if (ev.kind == B2buaEvent::Kind::call_ended) store.write(ev.record);   // before the final response goes out
//   to_string(ev.record.result);                                          // "answered", "busy", ...

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/time.hpp"
#include "core/relay/anchor.hpp"
#include "core/transaction/transaction_layer.hpp"

namespace sotto::b2bua {

// The vocabulary of `sotto calls --json` (issue 8, section 5).
enum class CallResult : std::uint8_t {
  answered,   // a 2xx was accepted (the call may have ended normally afterwards)
  busy,       // 486 / 600 from the callee
  no_answer,  // nobody answered before the no-answer timer, or 408 / 480 from the callee
  rejected,   // refused by us (404, 480 not registered, 488, 403) or by the callee (603, 4xx-6xx)
  cancelled,  // the caller cancelled before an answer
  failed,     // could not be set up or kept: 503 incompatible destination, no media ports, transport errors
};
std::string_view to_string(CallResult r) noexcept;

struct LegRecord {
  relay::Side side = relay::Side::a;  // a: the caller's leg, b: the callee's
  std::string user;                    // account name of that party
  std::string uri;                     // caller: From URI; callee: the binding's contact
  std::string transport;               // "TLS", "TCP", "UDP"
  sip::txn::Flow flow;                 // the flow its signalling used (the io layer's connection)
  bool signalling_tls = false;
  bool media_negotiated = false;              // an offer/answer completed on this leg
  std::optional<std::string> srtp_suite;      // nullopt: plain RTP (or no media)
  relay::LegStats stats;                      // the relay's counters when the call ended (or the leg left it)
  bool transfer_target = false;               // joined by a transfer (REFER), replacing the transferor's leg
};

struct CallRecord {
  std::string call_id;  // leg A's Call-ID
  std::string from;     // caller's From URI
  std::string to;       // caller's Request-URI (the dialled address)
  Timestamp started{};
  std::optional<Timestamp> answered;
  Timestamp ended{};
  CallResult result = CallResult::failed;
  int status = 0;       // final SIP status sent to the caller (200 for an answered call)
  std::string reason;   // what ended it ("BYE from caller", "Incompatible destination", ...)
  std::vector<LegRecord> legs;  // leg A first; leg B when a callee was tried; then transfer targets as they joined
  std::optional<relay::RelayId> relay;
};

}  // namespace sotto::b2bua
