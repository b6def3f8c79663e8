#pragma once
// CallRecord: the security record of one call through the server, per call and per leg, written when the
// call ends (docs/RECORDS.md). The verdict and reasons come from store::judge (verdict.hpp).
//
//   store::CallRecord c{.call_id = "a84b4c76e66710", .from = "sips:alice@example.com", .to = "sips:bob@example.com"};
//   c.legs.push_back({.side = store::LegSide::caller, .peer = "alice", .transport = store::Transport::tls, ...});
//   store::apply_judgement(c);  st->add_call(c);   // durable when it returns

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.hpp"
#include "store/user_policy.hpp"

namespace sotto::store {

// How the call ended, from the final response to the caller's INVITE (the audit's words): 2xx answered,
// 486/600 busy, 408/480 no-answer, 487 or a CANCEL cancelled, 5xx failed, other 3xx-6xx rejected.
enum class CallResult : std::uint8_t { answered, busy, no_answer, rejected, cancelled, failed };
enum class Verdict : std::uint8_t { secure, partial, insecure };
// caller / callee: the two parties of the INVITE; transfer_target: a party that joined the call later by a
// transfer (REFER, blind or attended with Replaces; docs/B2BUA.md), replacing the transferor's leg.
enum class LegSide : std::uint8_t { caller, callee, transfer_target };

std::string_view to_string(CallResult r) noexcept;  // "answered", "busy", "no-answer", ...
std::string_view to_string(Verdict v) noexcept;     // "secure", "partial", "insecure"
std::string_view to_string(LegSide s) noexcept;     // "caller", "callee", "transfer-target"
Result<CallResult> parse_call_result(std::string_view text);
Result<Verdict> parse_verdict(std::string_view text);
Result<LegSide> parse_leg_side(std::string_view text);
// The result for a final status code, as above (0, no final response: failed).
CallResult result_for_status(int status) noexcept;

// One side of the B2BUA: the connection to the caller, or to the callee (the contact that answered, or the
// last one tried when none did).
struct LegRecord {
  LegSide side = LegSide::caller;
  std::string peer;               // account name, or "trunk NAME"
  std::string address;            // the peer's signalling address: "127.0.0.1:40312", "[::1]:5061"
  Transport transport = Transport::tls;
  std::string tls_version;        // "TLSv1.3"; empty unless TLS
  std::string tls_cipher;         // "TLS_AES_256_GCM_SHA384"; empty unless TLS
  std::string peer_certificate;   // subject of the certificate the peer showed; empty when none
  bool media = true;              // false: no media was negotiated on this leg (e.g. rejected before an answer)
  std::optional<std::string> srtp_suite;  // "AES_CM_128_HMAC_SHA1_80"; nullopt: plain RTP (or no media)
  std::uint64_t packets_in = 0;   // RTP/SRTP packets received from the peer and accepted
  std::uint64_t packets_out = 0;  // packets sent to the peer
  std::uint64_t auth_failures = 0;  // received packets that failed SRTP authentication (dropped)
  std::uint64_t packets_lost = 0;   // from the peer, by sequence numbers
  friend bool operator==(const LegRecord&, const LegRecord&) = default;
};

struct CallRecord {
  std::string call_id;            // the caller's Call-ID
  std::string from;               // From URI, as a string
  std::string to;                 // To URI (the caller's Request-URI target)
  std::int64_t started_unix_ms = 0;             // INVITE received
  std::optional<std::int64_t> answered_unix_ms;  // 2xx sent to the caller; nullopt when never answered
  std::int64_t ended_unix_ms = 0;               // BYE, CANCEL or final non-2xx
  CallResult result = CallResult::failed;
  int status = 0;                 // final SIP status sent to the caller (0: none)
  Verdict verdict = Verdict::insecure;
  std::vector<std::string> reasons;  // "sip-cleartext: callee leg (bob 127.0.0.1:5060) signalled over UDP"
  std::string end_reason;         // why it ended: "BYE from caller", "dead media", "transferred", "Busy Here", ...
  std::vector<LegRecord> legs;       // caller first, then callee, then transfer targets in the order they joined
  friend bool operator==(const CallRecord&, const CallRecord&) = default;
};

}  // namespace sotto::store
