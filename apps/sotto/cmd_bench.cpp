// `sotto bench srtp`: ns per packet of our SRTP engine next to libsrtp and raw OpenSSL EVP, measured
// interleaved in one process on the same packets (see docs/PERFORMANCE.md).
// `sotto bench register` / `sotto bench calls`: the TLS + SRTP load driver (docs/BENCH.md).
#include <fmt/core.h>

#include <asio/io_context.hpp>
#include <sys/resource.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <vector>

#include "bench/srtp_runner.hpp"
#include "commands.hpp"
#include "core/srtp/suite.hpp"
#include "loadgen/load_runner.hpp"

namespace sotto::app {
namespace {

struct BenchSrtpArgs {
  std::vector<std::string> suites;
  std::size_t samples = 400;
  std::size_t batch = 64;
  std::size_t warmup = 20;
  bool json = false;
};

std::string valid_suite_names() {
  std::string names;
  for (const srtp::Suite& s : srtp::all_suites()) {
    names += names.empty() ? "" : ", ";
    names += s.name;
  }
  return names;
}

int run_bench_srtp(const BenchSrtpArgs& a) {
  bench::SrtpBenchOptions o;
  o.samples = a.samples;
  o.batch = a.batch;
  o.warmup = a.warmup;
  for (const std::string& name : a.suites) {
    const srtp::Suite* s = srtp::find_suite(name);
    if (s == nullptr) {
      fmt::print(stderr, "sotto bench srtp: unknown suite '{}'; valid suites (RFC 4568/6188/7714 names): {}\n", name,
                 valid_suite_names());
      return 2;
    }
    o.suites.push_back(s->id);
  }
  if (o.samples == 0 || o.batch == 0) {
    fmt::print(stderr, "sotto bench srtp: --samples and --batch must be at least 1\n");
    return 2;
  }
  if (!a.json) {
    fmt::print(stderr, "validating, then timing {} samples x {} packets per cell (interleaved sotto/libsrtp/evp)...\n",
               o.samples, o.batch);
  }
  auto rows = bench::run_srtp_bench(o, [&](const bench::SrtpBenchRow& r) {
    if (a.json) {
      fmt::print("{}\n", bench::format_json(r));
      std::fflush(stdout);
    }
  });
  if (!rows) {
    fmt::print(stderr, "sotto bench srtp: {}\n", rows.error().message());
    return 1;
  }
  if (!a.json) fmt::print("{}", bench::format_table(*rows));
  return 0;
}

int run_bench_load(loadgen::LoadOptions o, loadgen::LoadKind kind) {
  const char* name = kind == loadgen::LoadKind::register_ ? "register" : "calls";
  if (const char* env = std::getenv("SOTTO_PASSWORD"); env != nullptr) o.password_env = std::string(env);
  auto checked = loadgen::check_load_options(o, kind);
  if (!checked) {
    fmt::print(stderr, "sotto bench {}: {}\n", name, checked.error().context);
    return 2;
  }
  // One descriptor per account (its TLS connection), two UDP sockets per call leg: raise the soft limit to the
  // hard one, and say so at once when even that is too few.
  const std::size_t legs = kind == loadgen::LoadKind::calls ? 2 * checked->concurrent : 0;
  const rlim_t needed = static_cast<rlim_t>(checked->accounts + 2 * legs + 64);
  if (rlimit lim{}; getrlimit(RLIMIT_NOFILE, &lim) == 0) {
    if (lim.rlim_cur < needed && lim.rlim_cur < lim.rlim_max) {
      lim.rlim_cur = lim.rlim_max;
      (void)setrlimit(RLIMIT_NOFILE, &lim);
      (void)getrlimit(RLIMIT_NOFILE, &lim);
    }
    if (lim.rlim_cur != RLIM_INFINITY && lim.rlim_cur < needed) {
      fmt::print(stderr, "sotto bench {}: --count {} needs about {} file descriptors; the limit is {} (raise ulimit -n)\n",
                 name, o.count, needed, lim.rlim_cur);
      return 2;
    }
  }
  asio::io_context io;
  loadgen::LoadRunner runner(io, std::move(*checked), kind, [](std::string_view line) {
    fmt::print(stderr, "{}\n", line);  // stdout carries only the report
    std::fflush(stderr);
  });
  auto report = runner.run();
  if (!report) {
    fmt::print(stderr, "sotto bench {}: {}\n", name, report.error().context);
    return 1;
  }
  fmt::print("{}", o.json ? loadgen::format_json(*report) : loadgen::format_text(*report));
  std::fflush(stdout);
  return report->ok() ? 0 : 1;
}

void add_load_options(CLI::App* cmd, loadgen::LoadOptions& o, const char* count_what) {
  cmd->add_option("--server", o.server, "Registrar/proxy to load, a sips: URI, e.g. sips:127.0.0.1:5061")->type_name("URI");
  cmd->add_option("--ca-file", o.ca_file, "CA certificate (PEM) that signed the server certificate")->type_name("FILE");
  cmd->add_option("--users", o.users, "Accounts: NAME%d:PASSWORD, %d = 1..N (%04d zero-pads)")->type_name("PATTERN");
  cmd->add_option("--password-file", o.password_file, "The accounts' password, from the first line of FILE (else SOTTO_PASSWORD)")
      ->type_name("FILE");
  cmd->add_option("--domain", o.domain, "Domain of the accounts' AORs (default: the server's host)")->type_name("HOST");
  cmd->add_option("--dns-server", o.dns_servers, "DNS server for a --server given by name, IP[:PORT] (repeatable; "
                                                 "default: the system's)")->type_name("ADDR");
  cmd->add_option("--count", o.count, count_what)->type_name("N");
  cmd->add_option("--rate", o.rate, "Attempts started per second, e.g. 200 or 200/s (default: as fast as --concurrency lets)")
      ->type_name("R");
  cmd->add_option("--concurrency", o.concurrency, "Registrations in flight at most (default 100)")->type_name("C");
  cmd->add_option("--timeout", o.timeout_s, "Seconds allowed for each TLS connect + REGISTER and each call setup")
      ->capture_default_str();
  cmd->add_option("--expires", o.expires, "Expires asked for in REGISTER, seconds")->capture_default_str();
  cmd->add_flag("--json", o.json, "Print the report as one JSON object on stdout");
}

}  // namespace

void add_bench_command(CLI::App& app, Commands& cmds) {
  auto* bench = app.add_subcommand("bench", "Measure performance against reference implementations");
  bench->require_subcommand(1);
  auto* srtp_cmd = bench->add_subcommand(
      "srtp", "SRTP/SRTCP protect and unprotect: sotto vs libsrtp vs raw OpenSSL EVP, ns per packet");
  auto args = std::make_shared<BenchSrtpArgs>();
  srtp_cmd->add_option("--suite", args->suites,
                       "Crypto suite to measure (repeatable); default AES_CM_128_HMAC_SHA1_80, "
                       "AES_256_CM_HMAC_SHA1_80, AEAD_AES_128_GCM, AEAD_AES_256_GCM")
      ->type_name("NAME");
  srtp_cmd->add_option("--samples,--iterations", args->samples, "Timed batches per implementation and cell")
      ->capture_default_str();
  srtp_cmd->add_option("--batch", args->batch, "Packets per timed batch")->capture_default_str();
  srtp_cmd->add_option("--warmup", args->warmup, "Untimed batches per implementation first")->capture_default_str();
  srtp_cmd->add_flag("--json", args->json, "One JSON object per line instead of the table");
  cmds.entries.emplace_back(srtp_cmd, [args] { return run_bench_srtp(*args); });

  auto reg = std::make_shared<loadgen::LoadOptions>();
  auto* reg_cmd = bench->add_subcommand(
      "register", "Load a registrar: N accounts, each over its own TLS connection, REGISTER with digest; "
                  "registrations/s, latency percentiles, failures by status, TLS handshakes/s");
  add_load_options(reg_cmd, *reg, "Accounts to register (users 1..N)");
  reg_cmd->add_option("--duration", reg->duration_s, "Stop starting registrations after S seconds (default: all N)")
      ->type_name("S");
  reg_cmd->add_flag("--unregister", reg->unregister, "Remove every binding at the end (REGISTER Expires: 0) and count it");
  cmds.entries.emplace_back(reg_cmd, [reg] { return run_bench_load(*reg, loadgen::LoadKind::register_); });

  auto calls = std::make_shared<loadgen::LoadOptions>();
  auto* calls_cmd = bench->add_subcommand(
      "calls", "Load a registrar/proxy with calls: 2N accounts register, account i calls account N+i over TLS with "
               "SDES-SRTP G.711 media both ways, then BYE; call setups/s, setup latency, failures, SRTP loss");
  add_load_options(calls_cmd, *calls, "Caller/callee pairs (2N accounts register)");
  calls_cmd->add_option("--calls", calls->calls, "Calls to place in all")->type_name("M");
  calls_cmd->add_option("--concurrent", calls->concurrent, "Calls up at once at most (default: --count)")->type_name("K");
  calls_cmd->add_option("--hold-time", calls->hold_time_s, "Seconds of media in each call before the BYE")->capture_default_str();
  calls_cmd->add_option("--media-ip", calls->media_ip, "Address of the RTP sockets")->capture_default_str();
  calls_cmd->add_option("--rtp-ports", calls->rtp_ports, "RTP/RTCP port range LO-HI")->capture_default_str();
  cmds.entries.emplace_back(calls_cmd, [calls] { return run_bench_load(*calls, loadgen::LoadKind::calls); });
}

}  // namespace sotto::app
