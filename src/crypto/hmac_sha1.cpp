// HMAC-SHA1 (RFC 2104) with precomputed inner/outer SHA-1 states.
//
// OPENSSL_SUPPRESS_DEPRECATED: SHA1_Init/SHA1_Update/SHA1_Final and SHA_CTX are deprecated in OpenSSL 3
// but still present and still run the SHA-NI assembly. Copying a SHA_CTX is a plain 96-byte struct copy;
// the EVP routes (EVP_MAC_init with a NULL key, EVP_MD_CTX_copy_ex) go through the provider and allocate
// a digest context per call. crypto_bench.cpp keeps all three side by side (BM_Hmac_*).
#define OPENSSL_SUPPRESS_DEPRECATED 1

#include "crypto/hmac_sha1.hpp"

#include <openssl/crypto.h>
#include <openssl/sha.h>

#include <cstring>

namespace sotto::crypto {
namespace {

constexpr std::size_t kBlockSize = 64;  // SHA-1 block, RFC 2104 "B"

}  // namespace

struct HmacSha1::Impl {
  SHA_CTX inner;  // state after absorbing K XOR ipad
  SHA_CTX outer;  // state after absorbing K XOR opad

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  // Either state is enough to forge tags, so it is wiped like the key itself.
  ~Impl() {
    OPENSSL_cleanse(&inner, sizeof inner);
    OPENSSL_cleanse(&outer, sizeof outer);
  }
};

Result<HmacSha1> HmacSha1::create(std::span<const std::uint8_t> key) {
  // RFC 2104 section 2: keys longer than B are hashed first; shorter ones are zero-padded to B.
  std::uint8_t k0[kBlockSize] = {};
  if (key.size() > kBlockSize) {
    SHA1(key.data(), key.size(), k0);
  } else if (!key.empty()) {
    std::memcpy(k0, key.data(), key.size());
  }
  std::uint8_t ipad[kBlockSize];
  std::uint8_t opad[kBlockSize];
  for (std::size_t i = 0; i < kBlockSize; ++i) {
    ipad[i] = static_cast<std::uint8_t>(k0[i] ^ 0x36);
    opad[i] = static_cast<std::uint8_t>(k0[i] ^ 0x5c);
  }
  auto impl = std::make_unique<Impl>();
  const bool ok = SHA1_Init(&impl->inner) == 1 && SHA1_Update(&impl->inner, ipad, kBlockSize) == 1 &&
                  SHA1_Init(&impl->outer) == 1 && SHA1_Update(&impl->outer, opad, kBlockSize) == 1;
  OPENSSL_cleanse(k0, sizeof k0);
  OPENSSL_cleanse(ipad, sizeof ipad);
  OPENSSL_cleanse(opad, sizeof opad);
  if (!ok) return fail(Errc::crypto_error, "HMAC-SHA1: OpenSSL refused to initialise SHA-1");
  return HmacSha1(std::move(impl));
}

HmacSha1::HmacSha1(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HmacSha1::HmacSha1(HmacSha1&&) noexcept = default;
HmacSha1& HmacSha1::operator=(HmacSha1&&) noexcept = default;
HmacSha1::~HmacSha1() = default;

void HmacSha1::compute(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b,
                       std::span<std::uint8_t, kDigestSize> out) const noexcept {
  // The stack copies need no wiping: after SHA1_Final they hold only the inner digest / the tag, and
  // SHA1_Final itself clears the data buffer.
  SHA_CTX ctx = impl_->inner;
  if (!a.empty()) SHA1_Update(&ctx, a.data(), a.size());
  if (!b.empty()) SHA1_Update(&ctx, b.data(), b.size());
  std::uint8_t inner_digest[kDigestSize];
  SHA1_Final(inner_digest, &ctx);

  ctx = impl_->outer;
  SHA1_Update(&ctx, inner_digest, kDigestSize);
  SHA1_Final(out.data(), &ctx);
}

}  // namespace sotto::crypto
