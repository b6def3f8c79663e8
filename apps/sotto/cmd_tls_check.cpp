// `sotto tls-check HOST:PORT`: what a SIP TLS server offers and whether it should (docs/TLS-CHECK.md).
#include <fmt/core.h>

#include <ctime>

#include "commands.hpp"
#include "tlscheck/findings.hpp"
#include "tlscheck/prober.hpp"
#include "tlscheck/report.hpp"
#include "tlscheck/target.hpp"

namespace sotto::app {
namespace {

struct TlsCheckCli {
  std::string target;
  tlscheck::ProbeOptions o;
  int expiring_days = 30;
  bool json = false;
  bool no_sip = false;
  bool no_ciphers = false;
};

int run_tls_check(TlsCheckCli& cli) {
  auto t = tlscheck::parse_target(cli.target);
  if (!t) {
    fmt::print(stderr, "sotto tls-check: {}\n", t.error().context);
    return 2;
  }
  if (cli.expiring_days < 0) {
    fmt::print(stderr, "sotto tls-check: --expiring-days must be 0 or more, got {}\n", cli.expiring_days);
    return 2;
  }
  if (cli.o.timeout_s <= 0 || cli.o.sip_timeout_s <= 0) {
    fmt::print(stderr, "sotto tls-check: --timeout and --sip-timeout must be above 0 seconds\n");
    return 2;
  }
  if (!cli.o.key_file.empty() && cli.o.cert_file.empty()) {
    fmt::print(stderr, "sotto tls-check: --key given without --cert\n");
    return 2;
  }
  cli.o.target = *t;
  cli.o.sip = !cli.no_sip;
  cli.o.scan_ciphers = !cli.no_ciphers;
  auto r = tlscheck::probe(cli.o);
  if (!r) {
    fmt::print(stderr, "sotto tls-check: {}\n", r.error().context);
    return 2;
  }
  tlscheck::Policy policy;
  policy.now_unix = static_cast<std::int64_t>(std::time(nullptr));
  policy.expiring_soon_days = cli.expiring_days;
  policy.check_sip = !cli.no_sip;
  const auto findings = tlscheck::evaluate(*r, policy);
  if (cli.json) fmt::print("{}\n", tlscheck::report_json(*r, findings, policy.now_unix));
  else fmt::print("{}", tlscheck::report_text(*r, findings, policy.now_unix));
  return tlscheck::exit_status(findings);
}

}  // namespace

void add_tls_check_command(CLI::App& app, Commands& cmds) {
  static TlsCheckCli cli;  // lives as long as the parsed options
  auto* sub = app.add_subcommand("tls-check",
                                 "Probe a SIP TLS server: chain, names, expiry, versions, cipher suites, DH, SIP OPTIONS");
  sub->add_option("target", cli.target, "HOST:PORT, e.g. 127.0.0.1:5061 or [::1]:5061 (port default 5061)")->required();
  sub->add_option("--name", cli.o.name, "SNI and the name the certificate must carry (default: HOST)");
  sub->add_option("--ca-file", cli.o.ca_file, "CA bundle to verify the chain against (default: the system store)");
  sub->add_option("--cert", cli.o.cert_file, "Client certificate PEM, for servers that demand one (may hold the key)");
  sub->add_option("--key", cli.o.key_file, "Private key PEM for --cert");
  sub->add_flag("--tls-allow-wildcards", cli.o.allow_wildcards,
                "Accept wildcard certificates (*.example.com), which RFC 5922 7.2 forbids");
  sub->add_option("--expiring-days", cli.expiring_days, "cert-expiring-soon below this many days")->capture_default_str();
  sub->add_option("--timeout", cli.o.timeout_s, "Seconds per connect + handshake")->capture_default_str();
  sub->add_option("--sip-timeout", cli.o.sip_timeout_s, "Seconds to wait for the answer to OPTIONS")->capture_default_str();
  sub->add_flag("--no-sip", cli.no_sip, "Do not send SIP OPTIONS (and no not-sip finding)");
  sub->add_flag("--no-cipher-scan", cli.no_ciphers, "Skip the one-handshake-per-suite scan (no cipher findings then)");
  sub->add_flag("--json", cli.json, "One JSON object (schema in docs/TLS-CHECK.md)");
  cmds.entries.emplace_back(sub, [] { return run_tls_check(cli); });
}

}  // namespace sotto::app
