// Per-packet cost of the audit: one call of 3000 packets each way (60 s of G.711), plain RTP and SRTP
// with the keys exposed in its SDP (every packet decrypted), frames fed from memory.
#include <benchmark/benchmark.h>

#include "audit/testing_calls.hpp"

namespace sotto::audit {
namespace {

using namespace testing;

Capture make(bool srtp) {
  CallSpec c;
  if (srtp) {
    SrtpKey a = make_key(srtp::SuiteId::AES_CM_128_HMAC_SHA1_80, 1), b = make_key(srtp::SuiteId::AES_CM_128_HMAC_SHA1_80, 90);
    c.offer_proto = c.answer_proto = "RTP/SAVP";
    c.offer_crypto = {crypto_line(1, a)};
    c.answer_crypto = {crypto_line(1, b)};
    c.alice_stream = StreamSpec{.ssrc = 1, .packets = 3000, .key = a};
    c.bob_stream = StreamSpec{.ssrc = 2, .packets = 3000, .key = b};
  } else {
    c.alice_stream = StreamSpec{.ssrc = 1, .packets = 3000};
    c.bob_stream = StreamSpec{.ssrc = 2, .packets = 3000};
  }
  Capture cap;
  add_call(cap, c);
  return cap;
}

void run(benchmark::State& state, bool srtp) {
  Capture cap = make(srtp);
  std::size_t bytes = 0;
  for (const auto& f : cap.frames) bytes += f.bytes.size();
  for (auto _ : state) {
    Report r = cap.analyse();
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * cap.frames.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * bytes));
}

void BM_AuditPlainCall(benchmark::State& s) { run(s, false); }
void BM_AuditSrtpCallDecrypted(benchmark::State& s) { run(s, true); }
BENCHMARK(BM_AuditPlainCall)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AuditSrtpCallDecrypted)->Unit(benchmark::kMillisecond);

}  // namespace
}  // namespace sotto::audit
