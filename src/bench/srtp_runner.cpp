// The runner: validation first, then per (suite, shape, op) samples taken round-robin across the
// implementations so that CPU frequency drift and noisy neighbours hit all of them alike.
//
// A sample = one batch of `batch` packets, timed with steady_clock around the batch only. Before each
// batch, untimed: the plaintexts are copied into the work buffers with fresh, increasing sequence
// numbers (protect), or fresh packets are protected by the same implementation's sender
// (unprotect), because replay protection refuses a packet twice. The timed loop is exactly the
// protect or unprotect calls; no copy is inside it.
#include "bench/srtp_runner.hpp"

#include <algorithm>
#include <chrono>
#include <cstring>

#include "bench/packet_factory.hpp"

namespace sotto::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kRoom = 64;  // trailer room per work buffer
constexpr std::size_t kStride = 1344;  // >= 1212 + kRoom, a multiple of 64 (same alignment for all)

struct Lane {
  Impl impl;
  std::unique_ptr<BenchEngine> engine;
  std::uint64_t next_index;  // RTP packet index (or SRTCP count) of the next packet
  std::vector<double> samples;
};

// Fills the batch: plaintexts (protect) or freshly protected packets (unprotect). Untimed.
bool prepare(Lane& lane, const PacketFactory& factory, bool protect, std::vector<std::uint8_t>& work,
             std::vector<std::size_t>& lens, std::vector<std::uint64_t>& idx) {
  for (std::size_t j = 0; j < lens.size(); ++j) {
    std::span<std::uint8_t> buf(work.data() + j * kStride, kStride);
    idx[j] = lane.next_index++;
    lens[j] = factory.write(buf, idx[j]);
    if (!protect) {
      lens[j] = lane.engine->protect(buf, lens[j], idx[j]);
      if (lens[j] == 0) return false;
    }
  }
  return true;
}

// Times one batch; returns ns per packet, or a negative value if any call failed.
double time_batch(Lane& lane, bool protect, std::vector<std::uint8_t>& work, const std::vector<std::size_t>& lens,
                  const std::vector<std::uint64_t>& idx) {
  BenchEngine& e = *lane.engine;
  std::size_t failed = 0;
  const auto t0 = Clock::now();
  if (protect) {
    for (std::size_t j = 0; j < lens.size(); ++j) {
      failed += e.protect(std::span(work.data() + j * kStride, kStride), lens[j], idx[j]) == 0;
    }
  } else {
    for (std::size_t j = 0; j < lens.size(); ++j) {
      failed += e.unprotect(std::span(work.data() + j * kStride, kStride), lens[j], idx[j]) == 0;
    }
  }
  const auto t1 = Clock::now();
  if (failed != 0) return -1;
  return std::chrono::duration<double, std::nano>(t1 - t0).count() / static_cast<double>(lens.size());
}

Stats summarize(std::vector<double>& v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return Stats{v.front(), n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2};
}

Result<SrtpBenchRow> measure(srtp::SuiteId suite, PacketShape shape, bool protect, const SrtpBenchOptions& o) {
  const PacketFactory factory(shape);
  std::vector<Lane> lanes;
  for (Impl impl : {Impl::sotto, Impl::libsrtp, Impl::evp}) {
    if (!engine_available(impl, suite)) continue;
    auto e = make_engine(impl, suite, shape.kind);
    if (!e) return Unexpected(e.error());
    // RTP starts just before a wrap so the ROC moves during the run; SRTCP counts from 0.
    lanes.push_back(Lane{impl, std::move(*e), shape.kind == PacketKind::rtp ? 65000u : 0u, {}});
    lanes.back().samples.reserve(o.samples);
  }
  std::vector<std::uint8_t> work(o.batch * kStride + 64);
  std::vector<std::size_t> lens(o.batch);
  std::vector<std::uint64_t> idx(o.batch);
  for (std::size_t s = 0; s < o.warmup + o.samples; ++s) {
    for (Lane& lane : lanes) {  // round-robin: sotto, libsrtp, evp, sotto, ...
      if (!prepare(lane, factory, protect, work, lens, idx)) {
        return fail(Errc::crypto_error, std::string(to_string(lane.impl)) + ": protect failed while preparing");
      }
      const double ns = time_batch(lane, protect, work, lens, idx);
      if (ns < 0) {
        return fail(Errc::crypto_error, std::string(to_string(lane.impl)) + (protect ? ": protect" : ": unprotect") +
                                            " failed during timing");
      }
      if (s >= o.warmup) lane.samples.push_back(ns);
    }
  }
  SrtpBenchRow row{suite, shape, protect, o.samples, o.batch, {}, std::nullopt, std::nullopt};
  for (Lane& lane : lanes) {
    const Stats st = summarize(lane.samples);
    if (lane.impl == Impl::sotto) row.sotto = st;
    if (lane.impl == Impl::libsrtp) row.libsrtp = st;
    if (lane.impl == Impl::evp) row.evp = st;
  }
  return row;
}

}  // namespace

std::vector<PacketShape> default_shapes() {
  return {{PacketKind::rtp, 12 + 160}, {PacketKind::rtp, 12 + 1200}, {PacketKind::rtcp, 80}};
}

Result<std::vector<SrtpBenchRow>> run_srtp_bench(const SrtpBenchOptions& opts,
                                                 const std::function<void(const SrtpBenchRow&)>& progress) {
  std::vector<srtp::SuiteId> suites = opts.suites;
  if (suites.empty()) {
    suites = {srtp::SuiteId::AES_CM_128_HMAC_SHA1_80, srtp::SuiteId::AES_256_CM_HMAC_SHA1_80,
              srtp::SuiteId::AEAD_AES_128_GCM, srtp::SuiteId::AEAD_AES_256_GCM};
  }
  if (opts.samples == 0 || opts.batch == 0) return fail(Errc::invalid_argument, "samples and batch must be > 0");
  for (srtp::SuiteId id : suites) {
    if (auto v = validate_suite(id); !v) return Unexpected(v.error());
  }
  std::vector<SrtpBenchRow> rows;
  for (srtp::SuiteId id : suites) {
    for (const PacketShape& shape : default_shapes()) {
      for (bool protect : {true, false}) {
        auto row = measure(id, shape, protect, opts);
        if (!row) return Unexpected(row.error());
        if (progress) progress(*row);
        rows.push_back(std::move(*row));
      }
    }
  }
  return rows;
}

}  // namespace sotto::bench
