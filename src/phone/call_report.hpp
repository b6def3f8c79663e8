#pragma once
// CallReport: what `sotto phone` says about a call when it ends — the text summary and the --json
// object carry the same fields.
//
//   CallReport r;  r.sip_status = 200;  r.transport = "TLS";  r.srtp_suite = "AES_CM_128_HMAC_SHA1_80";
//   std::cout << r.text();          // human summary, one fact per line
//   std::cout << r.json() << "\n";  // one JSON object
//   if (!r.ok()) std::cerr << "sotto phone: " << r.failure_line() << "\n";
//
// A failure is said once in text: by failure_line() (the CLI's last line, on stderr). text() then leaves
// out the status, `error` and what of `warning` and `registration` the failure line already says; json()
// always carries every field.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace sotto::phone {

struct CallReport {
  std::string result = "failed";       // "completed" | "failed" | "rejected" | "cancelled" | "registered"
  int sip_status = 0;                  // final status of the INVITE (0: none received)
  std::string sip_reason;
  std::string warning;                 // Warning header text, when the peer sent one
  std::string error;                   // why we failed or ended the call, one line
  std::string peer;                    // the URI called or calling
  double setup_ms = 0;                 // INVITE sent (or received) to media ready
  double duration_s = 0;               // media ready to hang-up
  std::string transport;               // "UDP" | "TCP" | "TLS"
  std::string tls_version, tls_cipher, peer_certificate;
  std::string srtp_suite = "RTP, unencrypted";
  std::string codec;                   // "PCMU" / "PCMA", as negotiated
  std::uint64_t packets_sent = 0, packets_received = 0, packets_lost = 0;
  double jitter_ms = 0;
  std::optional<double> rtt_ms;
  std::uint64_t srtp_auth_failures = 0, srtp_replays = 0;
  std::string dtmf_received;           // digits the peer sent by SIP INFO
  std::uint64_t keepalive_pings = 0, keepalive_pongs = 0;  // RFC 5626 CRLF keep-alives on the registrar flow
  // --transfer-to: what became of the blind transfer. transfer_result "" (none asked), "transferred" (a 2xx
  // NOTIFY: the target answered), "failed" (REFER refused, >= 300 NOTIFY, no final NOTIFY in time) or
  // "pending" (the call ended before the outcome); the last status and every progress line.
  std::string transfer_target, transfer_result;
  int transfer_status = 0;
  std::string transfer_reason;
  std::vector<std::string> transfer_progress;  // "202 Accepted", "100 Trying", "200 OK"
  std::string registration;            // "200 OK, expires 600 s over TLS to 127.0.0.1:5061 (TLSv1.3)" / "failed: ..."

  bool ok() const noexcept { return result == "completed" || result == "registered"; }
  // Why it failed, once: "486 Busy Here", "488 Not Acceptable Here: <warning>", "no answer within 5 s
  // (--timeout)"; the status is not repeated when `error` starts with it.
  std::string failure() const;
  // The one line a failed run ends with: "call rejected (486 Busy Here)", "registration at ... failed: ...".
  std::string failure_line() const;
  std::string text() const;
  std::string json() const;
};

}  // namespace sotto::phone
