// AES in f8 mode (RFC 3711 4.1.2).
//
// S(j) = E(k_e, IV' XOR j XOR S(j-1)) with S(-1) = 0 is CBC encryption of the blocks (IV' XOR j) under a
// zero IV, so the keystream comes from a pre-keyed AES-CBC context fed a stack buffer of (IV' XOR j)
// blocks: one EVP call per 1536 bytes instead of one per block. IV' comes from a pre-keyed AES-ECB context
// under k_e XOR m.
//
// The CBC context is never re-initialised (in OpenSSL 3 an IV reset costs a provider parameter walk).
// It chains from the last block of the previous packet, chain_, so the first input block is
// IV' XOR 0 XOR chain_: CBC then computes E(IV' XOR 0 XOR chain_ XOR chain_) = E(IV' XOR 0) = S(0).

#include "crypto/aes_f8.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "base/secure_bytes.hpp"

namespace sotto::crypto {
namespace {

constexpr std::size_t kBlock = 16;
constexpr std::size_t kChunk = 96 * kBlock;

const EVP_CIPHER* cipher_for(std::size_t key_size, bool cbc) {
  switch (key_size) {
    case 16:
      return cbc ? EVP_aes_128_cbc() : EVP_aes_128_ecb();
    case 24:
      return cbc ? EVP_aes_192_cbc() : EVP_aes_192_ecb();
    case 32:
      return cbc ? EVP_aes_256_cbc() : EVP_aes_256_ecb();
    default:
      return nullptr;
  }
}

[[noreturn]] void die(const char* what) noexcept {
  std::fprintf(stderr, "sotto: fatal: %s failed\n", what);
  std::abort();
}

}  // namespace

struct AesF8::Impl {
  EVP_CIPHER_CTX* iv_ecb = nullptr;  // keyed with k_e XOR m, computes IV'
  EVP_CIPHER_CTX* cbc = nullptr;     // keyed with k_e, produces S(0), S(1), ...
  std::uint8_t chain[kBlock] = {};   // the CBC context's current chaining value (its IV at start)

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() {
    OPENSSL_cleanse(chain, sizeof chain);
    EVP_CIPHER_CTX_free(iv_ecb);
    EVP_CIPHER_CTX_free(cbc);
  }
};

Result<AesF8> AesF8::create(std::span<const std::uint8_t> key, std::span<const std::uint8_t> salt) {
  if (cipher_for(key.size(), false) == nullptr) {
    return fail(Errc::invalid_argument, "AES-f8 key must be 16, 24 or 32 bytes, got " + std::to_string(key.size()));
  }
  if (salt.size() > key.size()) {
    return fail(Errc::invalid_argument, "AES-f8 salt must be at most " + std::to_string(key.size()) +
                                            " bytes (the key length), got " + std::to_string(salt.size()));
  }
  // 4.1.2.1: m = k_s || 0x555..., as long as k_e.
  std::uint8_t masked[32];
  for (std::size_t i = 0; i < key.size(); ++i) {
    const std::uint8_t m = i < salt.size() ? salt[i] : std::uint8_t{0x55};
    masked[i] = static_cast<std::uint8_t>(key[i] ^ m);
  }
  auto impl = std::make_unique<Impl>();
  impl->iv_ecb = EVP_CIPHER_CTX_new();
  impl->cbc = EVP_CIPHER_CTX_new();
  const bool ok = impl->iv_ecb != nullptr && impl->cbc != nullptr &&
                  EVP_EncryptInit_ex(impl->iv_ecb, cipher_for(key.size(), false), nullptr, masked, nullptr) == 1 &&
                  EVP_CIPHER_CTX_set_padding(impl->iv_ecb, 0) == 1 &&
                  EVP_EncryptInit_ex(impl->cbc, cipher_for(key.size(), true), nullptr, key.data(), impl->chain) == 1 &&
                  EVP_CIPHER_CTX_set_padding(impl->cbc, 0) == 1;
  OPENSSL_cleanse(masked, sizeof masked);
  if (!ok) return fail(Errc::crypto_error, "AES-f8: OpenSSL refused to set up the AES contexts");
  return AesF8(std::move(impl));
}

AesF8::AesF8(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AesF8::AesF8(AesF8&&) noexcept = default;
AesF8& AesF8::operator=(AesF8&&) noexcept = default;
AesF8::~AesF8() = default;

void AesF8::apply(std::span<const std::uint8_t, 16> iv, std::span<std::uint8_t> data) noexcept {
  if (data.empty()) return;
  int outl = 0;
  std::uint8_t iv_prime[kBlock];
  if (EVP_EncryptUpdate(impl_->iv_ecb, iv_prime, &outl, iv.data(), static_cast<int>(kBlock)) != 1) {
    die("AES-f8 IV' EVP_EncryptUpdate");
  }
  alignas(64) std::uint8_t ks[kChunk];
  std::uint64_t j = 0;  // the 128-bit counter j; a packet never needs more than its low 64 bits
  std::size_t used = 0;
  for (std::size_t off = 0; off < data.size();) {
    const std::size_t n = std::min(data.size() - off, kChunk);
    const std::size_t blocks = (n + kBlock - 1) / kBlock;
    for (std::size_t b = 0; b < blocks; ++b, ++j) {
      std::uint8_t* blk = ks + b * kBlock;
      std::memcpy(blk, iv_prime, kBlock);
      for (int i = 0; i < 8; ++i) blk[15 - i] ^= static_cast<std::uint8_t>(j >> (8 * i));
    }
    if (off == 0) {
      for (std::size_t i = 0; i < kBlock; ++i) ks[i] ^= impl_->chain[i];  // cancels the chaining, see top
    }
    if (EVP_EncryptUpdate(impl_->cbc, ks, &outl, ks, static_cast<int>(blocks * kBlock)) != 1) {
      die("AES-f8 EVP_EncryptUpdate");
    }
    for (std::size_t i = 0; i < n; ++i) data[off + i] ^= ks[i];
    std::memcpy(impl_->chain, ks + (blocks - 1) * kBlock, kBlock);
    used = std::max(used, blocks * kBlock);
    off += n;
  }
  // chain holds one keystream block; the CBC context keeps the same block as its IV anyway.
  secure_wipe(ks, used);
  secure_wipe(iv_prime, sizeof iv_prime);
}

}  // namespace sotto::crypto
