// `sotto bench srtp`: ns per packet of our SRTP engine next to libsrtp and raw OpenSSL EVP, measured
// interleaved in one process on the same packets (see docs/PERFORMANCE.md).
#include <fmt/core.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "bench/srtp_runner.hpp"
#include "commands.hpp"
#include "core/srtp/suite.hpp"

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
}

}  // namespace sotto::app
