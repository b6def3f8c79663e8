// Table and JSON-lines output of `sotto bench srtp`.
#include <fmt/format.h>

#include "bench/srtp_runner.hpp"

namespace sotto::bench {
namespace {

std::string cell(const std::optional<Stats>& s) {
  return s ? fmt::format("{:>8.1f} {:>8.1f}", s->min_ns, s->median_ns) : fmt::format("{:>17}", "n/a");
}

std::string speedup(const std::optional<Stats>& other, const Stats& sotto) {
  return other && sotto.median_ns > 0 ? fmt::format("{:>6.2f}x", other->median_ns / sotto.median_ns)
                                      : fmt::format("{:>7}", "n/a");
}

std::string json_number(const std::optional<Stats>& s, bool median) {
  return s ? fmt::format("{:.1f}", median ? s->median_ns : s->min_ns) : "null";
}

std::string json_speedup(const std::optional<Stats>& other, const Stats& sotto) {
  return other && sotto.median_ns > 0 ? fmt::format("{:.3f}", other->median_ns / sotto.median_ns) : "null";
}

}  // namespace

std::string format_table(const std::vector<SrtpBenchRow>& rows) {
  std::string out;
  out += fmt::format("{:<24} {:<5} {:>5} {:<9} {:>17} {:>17} {:>17} {:>7} {:>7}\n", "suite", "pkt", "bytes",
                     "op", "sotto ns min/med", "libsrtp min/med", "evp min/med", "vs lib", "vs evp");
  for (const SrtpBenchRow& r : rows) {
    out += fmt::format("{:<24} {:<5} {:>5} {:<9} {} {} {} {} {}\n", srtp::suite(r.suite).name,
                       to_string(r.shape.kind), r.shape.bytes, r.protect ? "protect" : "unprotect",
                       cell(r.sotto), cell(r.libsrtp), cell(r.evp), speedup(r.libsrtp, r.sotto),
                       speedup(r.evp, r.sotto));
  }
  if (!rows.empty()) {
    out += fmt::format(
        "ns per packet over {} samples of {} packets each; 'vs' = other median / sotto median (>1: sotto faster)\n",
        rows.front().samples, rows.front().batch);
  }
  return out;
}

std::string format_json(const SrtpBenchRow& r) {
  const std::optional<Stats> sotto = r.sotto;
  return fmt::format(
      "{{\"suite\":\"{}\",\"packet\":\"{}\",\"bytes\":{},\"op\":\"{}\",\"samples\":{},\"batch\":{},"
      "\"sotto_ns\":{},\"sotto_min_ns\":{},\"libsrtp_ns\":{},\"libsrtp_min_ns\":{},\"evp_ns\":{},"
      "\"evp_min_ns\":{},\"speedup_vs_libsrtp\":{},\"speedup_vs_evp\":{}}}",
      srtp::suite(r.suite).name, to_string(r.shape.kind), r.shape.bytes, r.protect ? "protect" : "unprotect",
      r.samples, r.batch, json_number(sotto, true), json_number(sotto, false), json_number(r.libsrtp, true),
      json_number(r.libsrtp, false), json_number(r.evp, true), json_number(r.evp, false),
      json_speedup(r.libsrtp, r.sotto), json_speedup(r.evp, r.sotto));
}

}  // namespace sotto::bench
