// AES-CTR (RFC 3711 4.1.1) on a pre-keyed ECB context.
//
// Why ECB and not EVP_aes_*_ctr: re-arming a CTR context needs EVP_EncryptInit_ex(iv) per packet, which
// in OpenSSL 3 walks the provider's OSSL_PARAM tables; encrypting a stack buffer of counter blocks with a
// context that is never re-initialised costs one EVP_EncryptUpdate per 1536 bytes. crypto_bench.cpp
// measures both (BM_AesCtr_Apply vs BM_AesCtr_EvpCtrReinit): ~39 vs ~80 ns at 160 bytes, a tie at 1200.

#include "crypto/aes_ctr.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <bit>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "base/secure_bytes.hpp"

namespace sotto::crypto {
namespace {

constexpr std::size_t kBlock = 16;
// Keystream produced per EVP call: 96 blocks cover a 1500-byte packet in one call (each EVP call costs
// ~15 ns of dispatch) while the stack frame stays small.
constexpr std::size_t kChunk = 96 * kBlock;

const EVP_CIPHER* ecb_cipher(std::size_t key_size) {
  switch (key_size) {
    case 16:
      return EVP_aes_128_ecb();
    case 24:
      return EVP_aes_192_ecb();
    case 32:
      return EVP_aes_256_ecb();
    default:
      return nullptr;
  }
}

std::uint64_t load_be64(const std::uint8_t* p) noexcept {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
  return v;
}

void store_be64(std::uint8_t* p, std::uint64_t v) noexcept {
  if constexpr (std::endian::native == std::endian::little) v = __builtin_bswap64(v);
  std::memcpy(p, &v, 8);
}

// 16 bytes at a time through a GCC/Clang vector type (plain SSE2 on x86-64), then the tail.
using Vec16 = std::uint64_t __attribute__((vector_size(16)));

void xor_into(std::uint8_t* dst, const std::uint8_t* ks, std::size_t n) noexcept {
  std::size_t i = 0;
  for (; i + 16 <= n; i += 16) {
    Vec16 d;
    Vec16 k;
    std::memcpy(&d, dst + i, 16);
    std::memcpy(&k, ks + i, 16);
    d ^= k;
    std::memcpy(dst + i, &d, 16);
  }
  for (; i + 8 <= n; i += 8) {
    std::uint64_t d;
    std::uint64_t k;
    std::memcpy(&d, dst + i, 8);
    std::memcpy(&k, ks + i, 8);
    d ^= k;
    std::memcpy(dst + i, &d, 8);
  }
  for (; i < n; ++i) dst[i] ^= ks[i];
}

// Writes `blocks` counter blocks (hi, lo), (hi, lo + 1), ... and advances the counter past them.
void fill_counters(std::uint8_t* out, std::size_t blocks, std::uint64_t& hi, std::uint64_t& lo) noexcept {
  const auto low32 = static_cast<std::uint32_t>(lo);
  if (static_cast<std::uint64_t>(low32) + blocks <= 0xffffffffu) {
    // Common case (SRTP IVs end in 16 zero bits): only the low 32 bits move, so each block is a
    // 16-byte template store plus a 4-byte store, with no carry chain between blocks.
    alignas(16) std::uint8_t tmpl[kBlock];
    store_be64(tmpl, hi);
    store_be64(tmpl + 8, lo);
    Vec16 t;
    std::memcpy(&t, tmpl, kBlock);
    for (std::size_t b = 0; b < blocks; ++b) {
      std::memcpy(out + b * kBlock, &t, kBlock);
      std::uint32_t c = low32 + static_cast<std::uint32_t>(b);
      if constexpr (std::endian::native == std::endian::little) c = __builtin_bswap32(c);
      std::memcpy(out + b * kBlock + 12, &c, 4);
    }
    lo += blocks;
    return;
  }
  for (std::size_t b = 0; b < blocks; ++b) {
    store_be64(out + b * kBlock, hi);
    store_be64(out + b * kBlock + 8, lo);
    if (++lo == 0) ++hi;
  }
}

// A failed AES call would leave plain counter blocks as "keystream": never let that reach the wire.
[[noreturn]] void die(const char* what) noexcept {
  std::fprintf(stderr, "sotto: fatal: %s failed\n", what);
  std::abort();
}

}  // namespace

struct AesCtr::Impl {
  EVP_CIPHER_CTX* ecb = nullptr;  // key schedule; EVP_CIPHER_CTX_free wipes it
  std::size_t key_size = 0;

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() { EVP_CIPHER_CTX_free(ecb); }
};

Result<AesCtr> AesCtr::create(std::span<const std::uint8_t> key) {
  const EVP_CIPHER* cipher = ecb_cipher(key.size());
  if (cipher == nullptr) {
    return fail(Errc::invalid_argument, "AES-CTR key must be 16, 24 or 32 bytes, got " + std::to_string(key.size()));
  }
  auto impl = std::make_unique<Impl>();
  impl->key_size = key.size();
  impl->ecb = EVP_CIPHER_CTX_new();
  if (impl->ecb == nullptr || EVP_EncryptInit_ex(impl->ecb, cipher, nullptr, key.data(), nullptr) != 1 ||
      EVP_CIPHER_CTX_set_padding(impl->ecb, 0) != 1) {
    return fail(Errc::crypto_error, "AES-CTR: OpenSSL refused to set up an AES-ECB context");
  }
  return AesCtr(std::move(impl));
}

AesCtr::AesCtr(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AesCtr::AesCtr(AesCtr&&) noexcept = default;
AesCtr& AesCtr::operator=(AesCtr&&) noexcept = default;
AesCtr::~AesCtr() = default;

std::size_t AesCtr::key_size() const noexcept { return impl_->key_size; }

void AesCtr::apply(std::span<const std::uint8_t, 16> iv, std::span<std::uint8_t> data) noexcept {
  // The counter is the whole block, big-endian: (hi, lo) with carry from lo into hi.
  std::uint64_t hi = load_be64(iv.data());
  std::uint64_t lo = load_be64(iv.data() + 8);
  alignas(64) std::uint8_t ks[kChunk];
  std::size_t used = 0;

  for (std::size_t off = 0; off < data.size();) {
    const std::size_t n = std::min(data.size() - off, kChunk);
    const std::size_t blocks = (n + kBlock - 1) / kBlock;
    fill_counters(ks, blocks, hi, lo);
    int outl = 0;
    if (EVP_EncryptUpdate(impl_->ecb, ks, &outl, ks, static_cast<int>(blocks * kBlock)) != 1) {
      die("AES-CTR EVP_EncryptUpdate");
    }
    xor_into(data.data() + off, ks, n);
    used = std::max(used, blocks * kBlock);
    off += n;
  }
  // Keystream left on the stack would decrypt this packet (or reveal KDF output): wipe what we used.
  // secure_wipe is glibc's explicit_bzero (vector stores); OPENSSL_cleanse stores 8 bytes per loop.
  secure_wipe(ks, used);
}

void AesCtr::keystream(std::span<const std::uint8_t, 16> iv, std::span<std::uint8_t> out) noexcept {
  if (!out.empty()) std::memset(out.data(), 0, out.size());
  apply(iv, out);
}

}  // namespace sotto::crypto
