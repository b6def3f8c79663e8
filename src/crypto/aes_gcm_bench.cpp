// AES-GCM micro-benchmarks: the shipped AesGcm (CRYPTO_gcm128 + AesCtr) against the EVP_aes_*_gcm
// context route it replaced. 12-byte AAD (an RTP header), 16-byte tag, 160 and 1200 bytes of payload.
//
//   build/crypto/src/crypto/sotto_crypto_bench --benchmark_filter=Gcm

#include <benchmark/benchmark.h>
#include <openssl/evp.h>

#include <array>
#include <cstring>
#include <vector>

#include "crypto/aes_gcm.hpp"

namespace sotto::crypto {
namespace {

const std::array<std::uint8_t, 32> kKey = {0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65, 0x73, 0x1c, 0x6d, 0x6a, 0x8f,
                                           0x94, 0x67, 0x30, 0x83, 0x08, 0xfe, 0xff, 0xe9, 0x92, 0x86, 0x65,
                                           0x73, 0x1c, 0x6d, 0x6a, 0x8f, 0x94, 0x67, 0x30, 0x83, 0x08};
const std::array<std::uint8_t, 12> kIv = {0xca, 0xfe, 0xba, 0xbe, 0xfa, 0xce, 0xdb, 0xad, 0xde, 0xca, 0xf8, 0x88};
const std::array<std::uint8_t, 12> kAad = {0x80, 0x60, 0x12, 0x34, 0, 0, 0, 1, 0xde, 0xca, 0xfb, 0xad};

void size_args(benchmark::internal::Benchmark* b) { b->Arg(160)->Arg(1200); }
void set_bytes(benchmark::State& st) { st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations()) * st.range(0)); }
std::vector<std::uint8_t> payload(const benchmark::State& st) {
  return std::vector<std::uint8_t>(static_cast<std::size_t>(st.range(0)), 0xab);
}

// ---- shipped

void BM_Gcm128_Seal(benchmark::State& st) {
  auto gcm = AesGcm::create(std::span(kKey).first(16)).value();
  auto data = payload(st);
  std::array<std::uint8_t, 16> tag{};
  for (auto _ : st) {
    gcm.seal(kIv, kAad, data, tag);
    benchmark::DoNotOptimize(tag.data());
    benchmark::ClobberMemory();
  }
  set_bytes(st);
}
BENCHMARK(BM_Gcm128_Seal)->Apply(size_args);

void BM_Gcm128_Open(benchmark::State& st) {
  auto gcm = AesGcm::create(std::span(kKey).first(16)).value();
  auto sealed = payload(st);
  std::array<std::uint8_t, 16> tag{};
  gcm.seal(kIv, kAad, sealed, tag);
  auto data = sealed;
  bool ok = true;
  for (auto _ : st) {
    std::memcpy(data.data(), sealed.data(), sealed.size());  // open decrypts in place
    ok &= gcm.open(kIv, kAad, data, tag);
    benchmark::DoNotOptimize(data.data());
    benchmark::ClobberMemory();
  }
  if (!ok) st.SkipWithError("open failed");
  set_bytes(st);
}
BENCHMARK(BM_Gcm128_Open)->Apply(size_args);

void BM_Gcm256_Seal(benchmark::State& st) {
  auto gcm = AesGcm::create(kKey).value();
  auto data = payload(st);
  std::array<std::uint8_t, 16> tag{};
  for (auto _ : st) {
    gcm.seal(kIv, kAad, data, tag);
    benchmark::DoNotOptimize(tag.data());
    benchmark::ClobberMemory();
  }
  set_bytes(st);
}
BENCHMARK(BM_Gcm256_Seal)->Apply(size_args);

// ---- alternative: pre-keyed EVP_aes_128_gcm contexts (one per direction), IV re-armed per call with
// EVP_*Init_ex(ctx, nullptr, nullptr, nullptr, iv), tag via EVP_CIPHER_CTX_ctrl.

struct EvpGcm {
  EVP_CIPHER_CTX* enc = EVP_CIPHER_CTX_new();
  EVP_CIPHER_CTX* dec = EVP_CIPHER_CTX_new();
  EvpGcm() {
    EVP_EncryptInit_ex(enc, EVP_aes_128_gcm(), nullptr, kKey.data(), nullptr);
    EVP_DecryptInit_ex(dec, EVP_aes_128_gcm(), nullptr, kKey.data(), nullptr);
  }
  EvpGcm(const EvpGcm&) = delete;
  EvpGcm& operator=(const EvpGcm&) = delete;
  ~EvpGcm() {
    EVP_CIPHER_CTX_free(enc);
    EVP_CIPHER_CTX_free(dec);
  }
  void seal(std::span<std::uint8_t> data, std::span<std::uint8_t, 16> tag) {
    int outl = 0;
    std::uint8_t none[16];
    EVP_EncryptInit_ex(enc, nullptr, nullptr, nullptr, kIv.data());
    EVP_EncryptUpdate(enc, nullptr, &outl, kAad.data(), static_cast<int>(kAad.size()));
    EVP_EncryptUpdate(enc, data.data(), &outl, data.data(), static_cast<int>(data.size()));
    EVP_EncryptFinal_ex(enc, none, &outl);
    EVP_CIPHER_CTX_ctrl(enc, EVP_CTRL_GCM_GET_TAG, 16, tag.data());
  }
  bool open(std::span<std::uint8_t> data, std::span<std::uint8_t, 16> tag) {
    int outl = 0;
    std::uint8_t none[16];
    EVP_DecryptInit_ex(dec, nullptr, nullptr, nullptr, kIv.data());
    EVP_CIPHER_CTX_ctrl(dec, EVP_CTRL_GCM_SET_TAG, 16, tag.data());
    EVP_DecryptUpdate(dec, nullptr, &outl, kAad.data(), static_cast<int>(kAad.size()));
    EVP_DecryptUpdate(dec, data.data(), &outl, data.data(), static_cast<int>(data.size()));
    return EVP_DecryptFinal_ex(dec, none, &outl) == 1;
  }
};

void BM_Gcm128_EvpSeal(benchmark::State& st) {
  EvpGcm gcm;
  auto data = payload(st);
  std::array<std::uint8_t, 16> tag{};
  for (auto _ : st) {
    gcm.seal(data, tag);
    benchmark::DoNotOptimize(tag.data());
    benchmark::ClobberMemory();
  }
  set_bytes(st);
}
BENCHMARK(BM_Gcm128_EvpSeal)->Apply(size_args);

void BM_Gcm128_EvpOpen(benchmark::State& st) {
  EvpGcm gcm;
  auto sealed = payload(st);
  std::array<std::uint8_t, 16> tag{};
  gcm.seal(sealed, tag);
  auto data = sealed;
  bool ok = true;
  for (auto _ : st) {
    std::memcpy(data.data(), sealed.data(), sealed.size());
    ok &= gcm.open(data, tag);
    benchmark::DoNotOptimize(data.data());
    benchmark::ClobberMemory();
  }
  if (!ok) st.SkipWithError("open failed");
  set_bytes(st);
}
BENCHMARK(BM_Gcm128_EvpOpen)->Apply(size_args);

// One EVP context switched between directions with EVP_CipherInit_ex(..., enc), seal then open per
// iteration; compare with BM_Gcm128_EvpSeal + BM_Gcm128_EvpOpen.
void BM_Gcm128_EvpSealOpenOneCtx(benchmark::State& st) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  EVP_CipherInit_ex(ctx, EVP_aes_128_gcm(), nullptr, kKey.data(), nullptr, 1);
  auto data = payload(st);
  std::array<std::uint8_t, 16> tag{};
  std::uint8_t none[16];
  bool ok = true;
  for (auto _ : st) {
    int outl = 0;
    EVP_CipherInit_ex(ctx, nullptr, nullptr, nullptr, kIv.data(), 1);
    EVP_CipherUpdate(ctx, nullptr, &outl, kAad.data(), 12);
    EVP_CipherUpdate(ctx, data.data(), &outl, data.data(), static_cast<int>(data.size()));
    EVP_CipherFinal_ex(ctx, none, &outl);
    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, 16, tag.data());
    EVP_CipherInit_ex(ctx, nullptr, nullptr, nullptr, kIv.data(), 0);
    EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, 16, tag.data());
    EVP_CipherUpdate(ctx, nullptr, &outl, kAad.data(), 12);
    EVP_CipherUpdate(ctx, data.data(), &outl, data.data(), static_cast<int>(data.size()));
    ok &= EVP_CipherFinal_ex(ctx, none, &outl) == 1;
    benchmark::DoNotOptimize(data.data());
    benchmark::ClobberMemory();
  }
  if (!ok) st.SkipWithError("open failed");
  EVP_CIPHER_CTX_free(ctx);
  set_bytes(st);
}
BENCHMARK(BM_Gcm128_EvpSealOpenOneCtx)->Apply(size_args);

}  // namespace
}  // namespace sotto::crypto
