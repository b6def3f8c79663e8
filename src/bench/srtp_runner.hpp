#pragma once
// `sotto bench srtp`: ns per packet of sotto vs libsrtp vs raw OpenSSL EVP on the same packets,
// measured interleaved in one process; outputs are cross-validated before anything is timed.
//
//   auto rows = bench::run_srtp_bench(bench::SrtpBenchOptions{.samples = 200}).value();
//   std::fputs(bench::format_table(rows).c_str(), stdout);
//   for (const auto& r : rows) std::puts(bench::format_json(r).c_str());

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "base/result.hpp"
#include "bench/bench_engine.hpp"
#include "core/srtp/suite.hpp"

namespace sotto::bench {

struct SrtpBenchOptions {
  // Empty = the default four: AES_CM_128_HMAC_SHA1_80, AES_256_CM_HMAC_SHA1_80, AEAD_AES_128_GCM,
  // AEAD_AES_256_GCM.
  std::vector<srtp::SuiteId> suites;
  std::size_t samples = 400;  // timed batches per (implementation, suite, size, op)
  std::size_t batch = 64;     // packets per timed batch; a sample is batch time / batch
  std::size_t warmup = 20;    // untimed batches per implementation before sampling
};

// One packet shape: RTP 12-byte header + payload, or one 80-byte compound RTCP packet.
struct PacketShape {
  PacketKind kind;
  std::size_t bytes;  // plaintext size, header included
};
std::vector<PacketShape> default_shapes();  // RTP 172 (12+160), RTP 1212 (12+1200), SRTCP 80

struct Stats {
  double min_ns = 0;
  double median_ns = 0;
};

struct SrtpBenchRow {
  srtp::SuiteId suite;
  PacketShape shape;
  bool protect;  // false = unprotect
  std::size_t samples;
  std::size_t batch;
  Stats sotto;
  std::optional<Stats> libsrtp;  // nullopt: not compiled in, or the suite is not interoperable there
  std::optional<Stats> evp;      // nullopt: no EVP baseline for this suite (NULL cipher/auth, F8)
};

// Checks, for every suite and shape, that each implementation's protected packets are accepted by the
// others and give back the plaintext, and that deterministic outputs agree byte for byte. Returns the
// first disagreement.
Status validate_suite(srtp::SuiteId suite);

// Validates, then times. `progress` (optional) is called once per finished row.
Result<std::vector<SrtpBenchRow>> run_srtp_bench(const SrtpBenchOptions& opts,
                                                 const std::function<void(const SrtpBenchRow&)>& progress = {});

// A fixed-width table with speedups (libsrtp median / sotto median, evp median / sotto median).
std::string format_table(const std::vector<SrtpBenchRow>& rows);
// One JSON object (one line, no trailing newline): suite, packet, bytes, op, samples, batch,
// sotto_ns, sotto_min_ns, libsrtp_ns, libsrtp_min_ns, evp_ns, evp_min_ns (null when n/a),
// speedup_vs_libsrtp, speedup_vs_evp.
std::string format_json(const SrtpBenchRow& row);

}  // namespace sotto::bench
