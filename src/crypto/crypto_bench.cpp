// Micro-benchmarks of the crypto primitives on the SRTP hot path, each next to the alternatives that
// were measured before choosing it.
//
//   ninja -C build/crypto sotto_crypto_bench && build/crypto/src/crypto/sotto_crypto_bench
//   ... --benchmark_filter=Hmac --benchmark_repetitions=5 --benchmark_report_aggregates_only=true
//
// AES-GCM lives in aes_gcm_bench.cpp (same executable).
// Sizes: 160 = an RTP payload of a 20 ms G.711 frame, 1200 = a video packet; HMAC runs over the
// authenticated portion (12-byte header + payload + 4-byte ROC = 176 / 1216).

#include <benchmark/benchmark.h>
#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <array>
#include <cstring>
#include <vector>

#include "crypto/aes_ctr.hpp"
#include "crypto/aes_f8.hpp"
#include "crypto/hmac_sha1.hpp"

namespace sotto::crypto {
namespace {

const std::array<std::uint8_t, 32> kKey = {0x2b, 0x7e, 0x15, 0x16, 0x28, 0xae, 0xd2, 0xa6, 0xab, 0xf7, 0x15,
                                           0x88, 0x09, 0xcf, 0x4f, 0x3c, 0x60, 0x3d, 0xeb, 0x10, 0x15, 0xca,
                                           0x71, 0xbe, 0x2b, 0x73, 0xae, 0xf0, 0x85, 0x7d, 0x77, 0x81};
const std::array<std::uint8_t, 16> kIv = {0xf0, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7,
                                          0xf8, 0xf9, 0xfa, 0xfb, 0xfc, 0xfd, 0x00, 0x00};

void size_args(benchmark::internal::Benchmark* b) { b->Arg(160)->Arg(1200); }
void hmac_args(benchmark::internal::Benchmark* b) { b->Arg(176)->Arg(1216); }

void set_bytes(benchmark::State& st) { st.SetBytesProcessed(static_cast<std::int64_t>(st.iterations()) * st.range(0)); }

// ---------------------------------------------------------------- AES-CTR

// Shipped: pre-keyed ECB over a stack buffer of counter blocks, XOR, wipe.
void BM_AesCtr_Apply(benchmark::State& st) {
  auto ctr = AesCtr::create(std::span(kKey).first(16)).value();
  std::vector<std::uint8_t> data(static_cast<std::size_t>(st.range(0)), 0xab);
  for (auto _ : st) {
    ctr.apply(kIv, data);
    benchmark::DoNotOptimize(data.data());
    benchmark::ClobberMemory();
  }
  set_bytes(st);
}
BENCHMARK(BM_AesCtr_Apply)->Apply(size_args);

void BM_AesCtr256_Apply(benchmark::State& st) {
  auto ctr = AesCtr::create(kKey).value();
  std::vector<std::uint8_t> data(static_cast<std::size_t>(st.range(0)), 0xab);
  for (auto _ : st) {
    ctr.apply(kIv, data);
    benchmark::DoNotOptimize(data.data());
    benchmark::ClobberMemory();
  }
  set_bytes(st);
}
BENCHMARK(BM_AesCtr256_Apply)->Apply(size_args);

// Alternative (a): pre-keyed EVP_aes_128_ctr, re-armed with the IV per call.
void BM_AesCtr_EvpCtrReinit(benchmark::State& st) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  EVP_EncryptInit_ex(ctx, EVP_aes_128_ctr(), nullptr, kKey.data(), kIv.data());
  std::vector<std::uint8_t> data(static_cast<std::size_t>(st.range(0)), 0xab);
  for (auto _ : st) {
    int outl = 0;
    EVP_EncryptInit_ex(ctx, nullptr, nullptr, nullptr, kIv.data());
    EVP_EncryptUpdate(ctx, data.data(), &outl, data.data(), static_cast<int>(data.size()));
    benchmark::DoNotOptimize(data.data());
    benchmark::ClobberMemory();
  }
  EVP_CIPHER_CTX_free(ctx);
  set_bytes(st);
}
BENCHMARK(BM_AesCtr_EvpCtrReinit)->Apply(size_args);

// Floor for the CTR route: one EVP_EncryptUpdate on a CTR context without re-arming (not correct
// per packet, shows what the re-init costs).
void BM_AesCtr_EvpCtrNoReinitFloor(benchmark::State& st) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  EVP_EncryptInit_ex(ctx, EVP_aes_128_ctr(), nullptr, kKey.data(), kIv.data());
  std::vector<std::uint8_t> data(static_cast<std::size_t>(st.range(0)), 0xab);
  for (auto _ : st) {
    int outl = 0;
    EVP_EncryptUpdate(ctx, data.data(), &outl, data.data(), static_cast<int>(data.size()));
    benchmark::DoNotOptimize(data.data());
    benchmark::ClobberMemory();
  }
  EVP_CIPHER_CTX_free(ctx);
  set_bytes(st);
}
BENCHMARK(BM_AesCtr_EvpCtrNoReinitFloor)->Apply(size_args);

// Naive form of (b): byte-wise XOR, 64-bit counter stores per block, 512-byte chunks, no wipe. Shows what
// AesCtr's 16-byte XOR and counter template buy (the wipe itself is a few ns with explicit_bzero).
void BM_AesCtr_EcbNoWipe(benchmark::State& st) {
  EVP_CIPHER_CTX* ctx = EVP_CIPHER_CTX_new();
  EVP_EncryptInit_ex(ctx, EVP_aes_128_ecb(), nullptr, kKey.data(), nullptr);
  EVP_CIPHER_CTX_set_padding(ctx, 0);
  std::vector<std::uint8_t> data(static_cast<std::size_t>(st.range(0)), 0xab);
  for (auto _ : st) {
    alignas(64) std::uint8_t ks[512];
    std::uint64_t lo = 0;
    for (std::size_t off = 0; off < data.size(); off += 512) {
      const std::size_t n = std::min<std::size_t>(512, data.size() - off);
      const std::size_t blocks = (n + 15) / 16;
      for (std::size_t b = 0; b < blocks; ++b, ++lo) {
        std::memcpy(ks + b * 16, kIv.data(), 8);
        const std::uint64_t be = __builtin_bswap64(lo);
        std::memcpy(ks + b * 16 + 8, &be, 8);
      }
      int outl = 0;
      EVP_EncryptUpdate(ctx, ks, &outl, ks, static_cast<int>(blocks * 16));
      for (std::size_t i = 0; i < n; ++i) data[off + i] ^= ks[i];
    }
    benchmark::DoNotOptimize(data.data());
    benchmark::ClobberMemory();
  }
  EVP_CIPHER_CTX_free(ctx);
  set_bytes(st);
}
BENCHMARK(BM_AesCtr_EcbNoWipe)->Apply(size_args);

// ---------------------------------------------------------------- HMAC-SHA1 (a = packet, b = ROC)

// Shipped: SHA_CTX copies of the precomputed inner/outer states.
void BM_Hmac_ShaCtxCopy(benchmark::State& st) {
  auto mac = HmacSha1::create(std::span(kKey).first(20)).value();
  std::vector<std::uint8_t> data(static_cast<std::size_t>(st.range(0)), 0xab);
  std::span<const std::uint8_t> all(data);
  std::array<std::uint8_t, 20> tag{};
  for (auto _ : st) {
    mac.compute(all.first(all.size() - 4), all.last(4), tag);
    benchmark::DoNotOptimize(tag.data());
    benchmark::ClobberMemory();
  }
  set_bytes(st);
}
BENCHMARK(BM_Hmac_ShaCtxCopy)->Apply(hmac_args);

// Alternative: EVP_MAC "HMAC" keyed once, EVP_MAC_init with a NULL key per call.
void BM_Hmac_EvpMacReinit(benchmark::State& st) {
  EVP_MAC* hmac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  EVP_MAC_CTX* ctx = EVP_MAC_CTX_new(hmac);
  char digest[] = "SHA1";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0), OSSL_PARAM_END};
  EVP_MAC_init(ctx, kKey.data(), 20, params);
  std::vector<std::uint8_t> data(static_cast<std::size_t>(st.range(0)), 0xab);
  std::array<std::uint8_t, 20> tag{};
  for (auto _ : st) {
    std::size_t outl = 0;
    EVP_MAC_init(ctx, nullptr, 0, nullptr);
    EVP_MAC_update(ctx, data.data(), data.size() - 4);
    EVP_MAC_update(ctx, data.data() + data.size() - 4, 4);
    EVP_MAC_final(ctx, tag.data(), &outl, tag.size());
    benchmark::DoNotOptimize(tag.data());
    benchmark::ClobberMemory();
  }
  EVP_MAC_CTX_free(ctx);
  EVP_MAC_free(hmac);
  set_bytes(st);
}
BENCHMARK(BM_Hmac_EvpMacReinit)->Apply(hmac_args);

// Alternative: precomputed inner/outer EVP_MD_CTX, EVP_MD_CTX_copy_ex per call.
void BM_Hmac_EvpMdCtxCopy(benchmark::State& st) {
  std::uint8_t ipad[64] = {};
  std::uint8_t opad[64] = {};
  std::memcpy(ipad, kKey.data(), 20);
  std::memcpy(opad, kKey.data(), 20);
  for (int i = 0; i < 64; ++i) {
    ipad[i] ^= 0x36;
    opad[i] ^= 0x5c;
  }
  EVP_MD_CTX* inner = EVP_MD_CTX_new();
  EVP_MD_CTX* outer = EVP_MD_CTX_new();
  EVP_MD_CTX* work = EVP_MD_CTX_new();
  EVP_DigestInit_ex(inner, EVP_sha1(), nullptr);
  EVP_DigestUpdate(inner, ipad, 64);
  EVP_DigestInit_ex(outer, EVP_sha1(), nullptr);
  EVP_DigestUpdate(outer, opad, 64);
  std::vector<std::uint8_t> data(static_cast<std::size_t>(st.range(0)), 0xab);
  std::array<std::uint8_t, 20> tag{};
  for (auto _ : st) {
    std::uint8_t d[20];
    unsigned n = 0;
    EVP_MD_CTX_copy_ex(work, inner);
    EVP_DigestUpdate(work, data.data(), data.size() - 4);
    EVP_DigestUpdate(work, data.data() + data.size() - 4, 4);
    EVP_DigestFinal_ex(work, d, &n);
    EVP_MD_CTX_copy_ex(work, outer);
    EVP_DigestUpdate(work, d, 20);
    EVP_DigestFinal_ex(work, tag.data(), &n);
    benchmark::DoNotOptimize(tag.data());
    benchmark::ClobberMemory();
  }
  EVP_MD_CTX_free(work);
  EVP_MD_CTX_free(outer);
  EVP_MD_CTX_free(inner);
  set_bytes(st);
}
BENCHMARK(BM_Hmac_EvpMdCtxCopy)->Apply(hmac_args);

// ---------------------------------------------------------------- AES-f8, and the CTR+HMAC pair

void BM_AesF8_Apply(benchmark::State& st) {
  auto f8 = AesF8::create(std::span(kKey).first(16), std::span(kKey).subspan(16, 14)).value();
  std::vector<std::uint8_t> data(static_cast<std::size_t>(st.range(0)), 0xab);
  for (auto _ : st) {
    f8.apply(kIv, data);
    benchmark::DoNotOptimize(data.data());
    benchmark::ClobberMemory();
  }
  set_bytes(st);
}
BENCHMARK(BM_AesF8_Apply)->Apply(size_args);

// The crypto share of an AES_CM_128_HMAC_SHA1_80 protect: CTR over the payload, HMAC over header +
// payload + ROC (no header parsing, no tag copy).
void BM_SrtpCryptoOnly_CtrPlusHmac(benchmark::State& st) {
  auto ctr = AesCtr::create(std::span(kKey).first(16)).value();
  auto mac = HmacSha1::create(std::span(kKey).first(20)).value();
  const auto payload = static_cast<std::size_t>(st.range(0));
  std::vector<std::uint8_t> packet(12 + payload + 4, 0xab);
  std::span<std::uint8_t> all(packet);
  std::array<std::uint8_t, 20> tag{};
  for (auto _ : st) {
    ctr.apply(kIv, all.subspan(12, payload));
    mac.compute(all.first(12 + payload), all.last(4), tag);
    benchmark::DoNotOptimize(tag.data());
    benchmark::ClobberMemory();
  }
  set_bytes(st);
}
BENCHMARK(BM_SrtpCryptoOnly_CtrPlusHmac)->Apply(size_args);

}  // namespace
}  // namespace sotto::crypto
