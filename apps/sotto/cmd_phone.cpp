// `sotto phone`: a pjsua-like softphone for scripts and tests (docs/PHONE.md).
#include <fmt/core.h>

#include <cstdio>
#include <string_view>

#include "commands.hpp"
#include "io/log/logger.hpp"
#include "phone/phone.hpp"

namespace sotto::app {
namespace {

struct PhoneCli {
  phone::PhoneOptions o;
  std::string listen_csv;
  std::string suites_csv;
  std::string codecs_csv;
  std::string log_format = "text";
  CLI::App* call = nullptr;
  CLI::App* listen = nullptr;
  CLI::App* reg = nullptr;
};

std::vector<std::string> split_csv(const std::string& s) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= s.size()) {
    auto comma = s.find(',', start);
    std::string part = s.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (!part.empty()) out.push_back(part);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

int run_phone(PhoneCli& cli) {
  cli.o.listen = split_csv(cli.listen_csv);
  cli.o.suites = split_csv(cli.suites_csv);
  cli.o.codecs = split_csv(cli.codecs_csv);
  cli.o.mode = cli.listen->parsed() ? phone::PhoneMode::listen
             : cli.reg->parsed()  ? phone::PhoneMode::register_
                                  : phone::PhoneMode::call;
  // --log-format json: every progress, trace and failure line is one JSON object on stderr (stdout keeps
  // the report); text: the lines as they always were.
  std::unique_ptr<io::log::Logger> jlog;
  if (cli.log_format == "json") {
    io::log::LoggerOptions lo;
    lo.format = io::log::Format::json;
    jlog = std::make_unique<io::log::Logger>(lo);
    jlog->capture_spdlog();
  }
  auto fail_line = [&](const std::string& msg) {
    if (jlog) jlog->error("phone", msg);
    else fmt::print(stderr, "sotto phone: {}\n", msg);
  };
  auto checked = phone::check(cli.o);
  if (!checked) {
    fail_line(checked.error().context);
    return 2;
  }
  asio::io_context io;
  const bool json = cli.o.json;
  std::function<void(std::string_view)> progress;
  if (jlog) {
    progress = [progress_sink = jlog->sink("phone"), trace_sink = jlog->sink("sip-trace")](std::string_view line) {
      const bool trace = line.starts_with(">>> ") || line.starts_with("<<< ");
      (trace ? trace_sink : progress_sink)(line);
    };
  } else {
    progress = [json](std::string_view line) {
      // Progress goes to stdout (stderr with --json, where stdout carries only the report); the SIP trace
      // (">>> " sent, "<<< " received) always goes to stderr, as --help says.
      const bool trace = line.starts_with(">>> ") || line.starts_with("<<< ");
      std::FILE* out = json || trace ? stderr : stdout;
      fmt::print(out, "{}\n", line);
      std::fflush(out);
    };
  }
  phone::Phone p(io, std::move(*checked), progress);
  if (auto st = p.start(); !st) {
    fail_line(st.error().context);
    return 1;
  }
  phone::CallReport r = p.run();
  if (json) fmt::print("{}\n", r.json());
  else fmt::print("{}", r.text());
  if (!r.ok()) {
    // The one place a failure is said in text mode (the summary leaves it out; --json carries it too).
    if (cli.o.mode == phone::PhoneMode::register_) {
      fail_line(r.error.empty() ? "registration failed" : r.error);
    } else {
      fail_line(r.failure_line());
    }
    return 1;
  }
  return 0;
}

}  // namespace

void add_phone_command(CLI::App& app, Commands& cmds) {
  static PhoneCli cli;  // lives as long as the parsed options
  auto* sub = app.add_subcommand("phone", "Place or answer one call: SIP over TLS, SRTP media, WAV in/out");
  sub->require_subcommand(1);
  sub->add_option("--listen", cli.listen_csv,
                  "Listeners, comma-separated: udp://IP:PORT,tcp://...,tls://IP:PORT (default with --cert: "
                  "tls://127.0.0.1:5061; without: none, TLS/TCP go out on client connections)");
  sub->add_option("--cert", cli.o.cert_file, "Certificate chain PEM (may also hold the key)");
  sub->add_option("--key", cli.o.key_file, "Private key PEM");
  sub->add_option("--ca-file", cli.o.ca_file, "CA bundle to verify peers (default: the system bundle)");
  sub->add_option("--account", cli.o.account, "Our address of record, e.g. sips:alice@example.com");
  sub->add_option("--password", cli.o.password, "Digest password for --account");
  sub->add_option("--username", cli.o.username, "Digest user name, when it is not the --account user");
  sub->add_option("--registrar", cli.o.registrar, "Where to REGISTER (default: the --account domain), e.g. sips:sip.example.com");
  sub->add_flag("--no-register", cli.o.no_register, "Do not REGISTER; --account only sets From");
  sub->add_option("--register-expires", cli.o.register_expires, "Registration lifetime asked for, seconds")->capture_default_str();
  sub->add_option("--proxy", cli.o.proxy, "Outbound proxy: first hop of REGISTER and calls, e.g. sips:127.0.0.1:5061");
  sub->add_option("--transport", cli.o.transport, "udp | tcp | tcp-preferred | tls | dns (RFC 3263 NAPTR/SRV decide)")
      ->capture_default_str();
  sub->add_option("--dns-server", cli.o.dns_servers, "DNS server IP[:PORT], repeatable (default: /etc/resolv.conf)");
  sub->add_option("--keepalive", cli.o.keepalive_s, "CRLF keep-alive interval on the registrar's TCP/TLS connection, s (0: off)")
      ->capture_default_str();
  sub->add_option("--srtp", cli.o.srtp, "off | offer | require")->capture_default_str();
  sub->add_option("--srtp-offer", cli.o.offer_profile, "With --srtp offer: savp (RTP/SAVP) or avp (RTP/AVP + a=crypto)")
      ->capture_default_str();
  sub->add_option("--suites", cli.suites_csv, "SRTP suites in preference order, e.g. AES_CM_128_HMAC_SHA1_80,AEAD_AES_128_GCM");
  sub->add_flag("--allow-sdes-over-insecure-transport", cli.o.allow_sdes_over_insecure_transport,
                "Send/accept SDES keys over UDP/TCP signalling (the keys are then readable on the path)");
  sub->add_option("--srtp-min-kdr", cli.o.srtp_min_kdr,
                  "Smallest key derivation rate accepted from a peer, as the RFC 4568 KDR exponent 0..24 (new session "
                  "keys at most every 2^N packets); a smaller KDR gets 488")
      ->capture_default_str();
  sub->add_option("--codecs", cli.codecs_csv, "Audio codecs in preference order: PCMU,PCMA (default) or either alone");
  sub->add_option("--play", cli.o.play_wav, "WAV to send (any rate/channels; resampled to 8 kHz mono)");
  sub->add_option("--record", cli.o.record_wav, "WAV to write what we receive (8 kHz mono)");
  sub->add_option("--duration", cli.o.duration_s, "Hang up this many seconds after the answer (0: wait for BYE)");
  sub->add_option("--dtmf", cli.o.dtmf, "Digits to send (RFC 4733) once the call is up, e.g. 123#");
  sub->add_option("--media-ip", cli.o.media_ip, "Local address for RTP/RTCP")->capture_default_str();
  sub->add_option("--timeout", cli.o.timeout_s, "Give up on call setup after this many seconds")->capture_default_str();
  sub->add_option("--tls-ciphers", cli.o.tls_ciphers, "TLS 1.2 cipher list (OpenSSL syntax), e.g. for carriers that demand AES128-SHA");
  sub->add_flag("--tls-allow-wildcards", cli.o.tls_allow_wildcards,
                "Accept wildcard server certificates (*.example.com), which RFC 5922 7.2 forbids; some carriers use them");
  sub->add_option("--tls-max-version", cli.o.tls_max_version, "Highest TLS version to speak: 1.2 or 1.3 (default 1.3)");
  sub->add_option("--tls-keylog", cli.o.keylog_file, "Write TLS keys here (NSS key log format): decrypts the session");
  sub->add_option("--hold-at", cli.o.hold_at_s, "Put the call on hold (re-INVITE, a=sendonly) this many seconds after the answer");
  sub->add_option("--resume-at", cli.o.resume_at_s, "Resume (re-INVITE, a=sendrecv) this many seconds after the answer");
  sub->add_option("--transfer-to", cli.o.transfer_to,
                  "Blind transfer: REFER the peer to this URI (e.g. sips:carol@example.com) after --transfer-at; "
                  "hang up when the transfer succeeds, keep the call when it fails");
  sub->add_option("--transfer-at", cli.o.transfer_at_s, "Seconds after the answer to send the transfer's REFER")
      ->capture_default_str();
  sub->add_option("--transfer-timeout", cli.o.transfer_timeout_s,
                  "Seconds to wait for the transfer's final NOTIFY before reporting it failed")->capture_default_str();
  sub->add_option("--rtp-initial-seq", cli.o.rtp_initial_seq, "First RTP sequence number (tests: cross the ROC wrap early)");
  // Listeners under attack (docs/PHONE.md).
  sub->add_option("--max-connections", cli.o.max_connections,
                  "Connections per transport (TCP, TLS); at the cap the one idle longest without a call or registration goes")
      ->capture_default_str();
  sub->add_option("--max-connections-per-source", cli.o.max_connections_per_source,
                  "Inbound TCP/TLS connections per IP address without a call or registration (0: no limit)")
      ->capture_default_str();
  sub->add_option("--tls-handshake-timeout", cli.o.tls_handshake_timeout_s, "TLS handshake deadline, seconds")
      ->capture_default_str();
  sub->add_option("--first-message-timeout", cli.o.first_message_timeout_s,
                  "Inbound connection: first SIP message within this many seconds")->capture_default_str();
  sub->add_option("--message-timeout", cli.o.message_timeout_s,
                  "One SIP message on TCP/TLS, first byte to last, seconds")->capture_default_str();
  sub->add_option("--idle-timeout", cli.o.idle_timeout_s,
                  "Close a TCP/TLS connection without a call or registration after this many idle seconds (0: never)")
      ->capture_default_str();
  sub->add_flag("--sip-trace", cli.o.sip_trace, "Print every SIP message sent and received (stderr)");
  sub->add_flag("--json", cli.o.json, "Print the call summary as one JSON object (progress goes to stderr)");
  sub->add_option("--log-format", cli.log_format,
                  "text | json: json writes each progress, SIP trace and failure line as one JSON object on stderr")
      ->check(CLI::IsMember({"text", "json"}))
      ->capture_default_str();
  cli.call = sub->add_subcommand("call", "Call a SIP URI");
  cli.call->add_option("uri", cli.o.target, "sips:bob@127.0.0.1:5072 (sips: = TLS; ;transport=tcp|udp)")->required();
  cli.listen = sub->add_subcommand("listen", "Wait for one call");
  cli.listen->add_flag("--auto-answer", cli.o.auto_answer, "Answer at once (otherwise: ring --answer-after seconds, then answer)");
  cli.listen->add_option("--answer-after", cli.o.answer_after_s, "Ring this long before answering")->capture_default_str();
  cli.reg = sub->add_subcommand("register", "REGISTER --account, report, unregister (with --duration: stay registered that long)");
  cmds.entries.emplace_back(sub, [] { return run_phone(cli); });
}

}  // namespace sotto::app
