// Micro-benchmarks of the engine alone (the comparison against libsrtp and raw OpenSSL is
// `sotto bench srtp`). Each iteration restores the plaintext and bumps the sequence number so that
// protect and unprotect do their full work (no replay short-cut).
#include <benchmark/benchmark.h>

#include <cstring>
#include <vector>

#include "core/srtp/context.hpp"
#include "core/srtp/testing_packets.hpp"

namespace sotto::srtp {
namespace {

void BM_Protect(benchmark::State& state, SuiteId id) {
  auto tx = Context::create(Direction::outbound, testing::test_policy(id), kNoKeyRegistry).value();
  auto plain = testing::make_rtp(1, 0, static_cast<std::size_t>(state.range(0)));
  std::vector<std::uint8_t> buf(plain.size() + 64);
  std::uint16_t seq = 0;
  for (auto _ : state) {
    std::memcpy(buf.data(), plain.data(), plain.size());
    buf[2] = static_cast<std::uint8_t>(seq >> 8);
    buf[3] = static_cast<std::uint8_t>(seq++);
    auto n = tx.protect_rtp(buf, plain.size());
    benchmark::DoNotOptimize(n);
  }
}

void BM_Unprotect(benchmark::State& state, SuiteId id) {
  auto tx = Context::create(Direction::outbound, testing::test_policy(id), kNoKeyRegistry).value();
  auto rx = Context::create(Direction::inbound, testing::test_policy(id)).value();
  const std::size_t payload = static_cast<std::size_t>(state.range(0));
  constexpr std::size_t kPackets = 1 << 16;
  std::vector<std::vector<std::uint8_t>> wire(kPackets);
  for (std::size_t i = 0; i < kPackets; ++i) {
    auto p = testing::make_rtp(1, static_cast<std::uint16_t>(i), payload);
    p.resize(p.size() + 64);
    auto n = tx.protect_rtp(p, p.size() - 64).value();
    p.resize(n);
    wire[i] = std::move(p);
  }
  std::vector<std::uint8_t> buf(wire[0].size());
  std::size_t i = 0;
  for (auto _ : state) {
    if (i == kPackets) {  // start a fresh receiver rather than replaying
      state.PauseTiming();
      rx = Context::create(Direction::inbound, testing::test_policy(id)).value();
      i = 0;
      state.ResumeTiming();
    }
    std::memcpy(buf.data(), wire[i].data(), buf.size());
    ++i;
    auto n = rx.unprotect_rtp(buf, buf.size());
    if (!n) state.SkipWithError("unprotect failed");
    benchmark::DoNotOptimize(n);
  }
}

BENCHMARK_CAPTURE(BM_Protect, AES_CM_128_HMAC_SHA1_80, SuiteId::AES_CM_128_HMAC_SHA1_80)->Arg(160)->Arg(1200);
BENCHMARK_CAPTURE(BM_Unprotect, AES_CM_128_HMAC_SHA1_80, SuiteId::AES_CM_128_HMAC_SHA1_80)->Arg(160)->Arg(1200);
BENCHMARK_CAPTURE(BM_Protect, AEAD_AES_128_GCM, SuiteId::AEAD_AES_128_GCM)->Arg(160)->Arg(1200);
BENCHMARK_CAPTURE(BM_Unprotect, AEAD_AES_128_GCM, SuiteId::AEAD_AES_128_GCM)->Arg(160)->Arg(1200);
BENCHMARK_CAPTURE(BM_Protect, AES_256_CM_HMAC_SHA1_80, SuiteId::AES_256_CM_HMAC_SHA1_80)->Arg(160);
BENCHMARK_CAPTURE(BM_Protect, AEAD_AES_256_GCM, SuiteId::AEAD_AES_256_GCM)->Arg(160);

}  // namespace
}  // namespace sotto::srtp
