#pragma once
// PhoneOptions: everything `sotto phone` is told on its command line, and the checks that turn a bad
// flag, an unreadable file or an unknown suite into one clear line before anything starts.
//
//   PhoneOptions o;  o.listen = {"tls://127.0.0.1:5071"};  o.srtp = "require";  o.target = "sips:bob@127.0.0.1:5072";
//   auto checked = check(o);              // Result<CheckedPhoneOptions>
//   if (!checked) { std::cerr << "sotto phone: " << checked.error().context << "\n"; return 2; }

#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "core/locate/transport_mode.hpp"
#include "core/negotiation/media_security_policy.hpp"
#include "core/sip/uri.hpp"
#include "io/listen_spec.hpp"

namespace sotto::phone {

enum class PhoneMode : std::uint8_t { call, listen, register_ };

struct PhoneOptions {
  PhoneMode mode = PhoneMode::call;
  std::string target;                      // call <URI>
  std::vector<std::string> listen;         // --listen udp://IP:PORT,tcp://...,tls://...
  std::string cert_file, key_file;         // --cert / --key (TLS listener, and client cert for mutual TLS)
  std::string ca_file;                     // --ca-file; empty: the system bundle
  std::string account;                     // --account sips:alice@example.com
  std::string password;                    // --password
  std::string username;                    // --username: digest user when it differs from the account's
  std::string registrar;                   // --registrar URI; default: the account's domain (RFC 3261 10.2)
  bool no_register = false;                // --no-register: --account only names us (From)
  std::uint32_t register_expires = 600;    // --register-expires seconds
  std::string proxy;                       // --proxy: outbound proxy, first hop of every out-of-dialog request
  std::string transport = "dns";           // --transport udp|tcp|tcp-preferred|tls|dns (RFC 3263 with NAPTR/SRV)
  std::vector<std::string> dns_servers;    // --dns-server IP[:PORT] (repeatable); default: /etc/resolv.conf
  double keepalive_s = 90;                 // --keepalive: RFC 5626 CRLF ping interval on TCP/TLS; 0 = off
  double answer_after_s = 1;               // listen without --auto-answer: ring this long, then answer
  std::string srtp = "require";            // --srtp off|offer|require
  std::string offer_profile = "savp";      // --srtp-offer savp|avp (with --srtp offer)
  std::vector<std::string> suites;         // --suites A,B (RFC 4568/6188/7714 names)
  std::vector<std::string> codecs;         // --codecs PCMA,PCMU: audio codecs in preference order
  bool allow_sdes_over_insecure_transport = false;
  int srtp_min_kdr = 16;                   // --srtp-min-kdr N: refuse a peer's KDR below N (2^N packets)
  std::string play_wav, record_wav;        // --play / --record
  double duration_s = 0;                   // --duration: hang up after this long in the call; 0 = until BYE
  std::string dtmf;                        // --dtmf 123#: sent once the call is up
  bool auto_answer = false;                // listen --auto-answer
  bool json = false;
  std::string media_ip = "127.0.0.1";      // --media-ip
  std::string keylog_file;                 // --tls-keylog FILE (decrypts the TLS session: warned)
  bool tls_allow_wildcards = false;        // --tls-allow-wildcards: accept *.example.com (RFC 5922 7.2 forbids)
  std::string tls_ciphers;                 // --tls-ciphers: OpenSSL TLS 1.2 cipher list (carriers demanding CBC)
  std::string tls_max_version;             // --tls-max-version 1.2|1.3 ("": 1.3)
  double timeout_s = 32;                   // --timeout: give up on call setup after this long
  bool sip_trace = false;                  // --sip-trace: print every SIP message sent and received
  double hold_at_s = 0;                    // --hold-at: re-INVITE a=sendonly this long after the answer
  double resume_at_s = 0;                  // --resume-at: re-INVITE a=sendrecv
  std::string transfer_to;                 // --transfer-to URI: blind transfer (REFER) of the call there
  double transfer_at_s = 1;                // --transfer-at: this long after the answer
  double transfer_timeout_s = 32;          // --transfer-timeout: no final NOTIFY by then: failed, the call stays
  std::optional<std::uint16_t> rtp_initial_seq;  // --rtp-initial-seq (tests: reach ROC > 0 quickly)
  // Listeners under attack (docs/PHONE.md): TCP/TLS connection limits and deadlines.
  std::size_t max_connections = 1024;            // --max-connections: at the cap the idlest unused one goes
  std::size_t max_connections_per_source = 32;   // --max-connections-per-source: without a call/registration; 0 = off
  double tls_handshake_timeout_s = 5;            // --tls-handshake-timeout
  double first_message_timeout_s = 10;           // --first-message-timeout: inbound, open to first SIP message
  double message_timeout_s = 30;                 // --message-timeout: one SIP message, first byte to last
  double idle_timeout_s = 60;                    // --idle-timeout: without a call or registration; 0 = never
};

struct CheckedPhoneOptions {
  PhoneOptions raw;
  std::vector<io::ListenSpec> listen;
  std::optional<sip::Uri> target;
  std::optional<sip::Uri> account;
  std::optional<sip::Uri> registrar;       // set when we register
  std::optional<sip::Uri> proxy;
  std::optional<sip::Uri> transfer_to;     // --transfer-to, parsed
  locate::TransportMode transport = locate::TransportMode::dns;
  negotiation::MediaSecurityPolicy media;
  std::vector<std::string> codecs{"PCMU", "PCMA"};  // upper case, preference order
};

// Errc::invalid_argument with a context naming the flag and what was expected (e.g. "--suites: unknown
// suite 'AES_CM_128_HMAC_SHA1_81'; valid: ..."), Errc::io_error naming an unreadable file.
Result<CheckedPhoneOptions> check(const PhoneOptions& o);

}  // namespace sotto::phone
