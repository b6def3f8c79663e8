// AEAD_AES_128_GCM / AEAD_AES_256_GCM (RFC 5116, as SRTP uses it in RFC 7714).
//
// Two pre-keyed contexts, one per direction, so a packet only re-arms the IV (EVP_*Init_ex with a null
// cipher and key) and never re-expands the key or the GHASH table.

#include "crypto/aes_gcm.hpp"

#include <openssl/err.h>
#include <openssl/evp.h>

#include <climits>
#include <string>

namespace sotto::crypto {
namespace {

constexpr std::size_t kMinTag = 8;
constexpr std::size_t kMaxTag = 16;

const EVP_CIPHER* gcm_cipher(std::size_t key_size) {
  switch (key_size) {
    case 16: return EVP_aes_128_gcm();
    case 32: return EVP_aes_256_gcm();
    default: return nullptr;
  }
}

bool fits_int(std::size_t n) noexcept { return n <= static_cast<std::size_t>(INT_MAX); }

}  // namespace

struct AesGcm::Impl {
  EVP_CIPHER_CTX* enc = nullptr;
  EVP_CIPHER_CTX* dec = nullptr;

  Impl() = default;
  Impl(const Impl&) = delete;
  Impl& operator=(const Impl&) = delete;
  ~Impl() {  // EVP_CIPHER_CTX_free wipes the key schedule
    EVP_CIPHER_CTX_free(enc);
    EVP_CIPHER_CTX_free(dec);
  }
};

Result<AesGcm> AesGcm::create(std::span<const std::uint8_t> key) {
  const EVP_CIPHER* cipher = gcm_cipher(key.size());
  if (cipher == nullptr) {
    return fail(Errc::invalid_argument,
                "AES-GCM key must be 16 or 32 bytes, got " + std::to_string(key.size()));
  }
  auto impl = std::make_unique<Impl>();
  impl->enc = EVP_CIPHER_CTX_new();
  impl->dec = EVP_CIPHER_CTX_new();
  // The default IV length of OpenSSL's GCM is 12 bytes, RFC 7714's IV length.
  if (impl->enc == nullptr || impl->dec == nullptr ||
      EVP_EncryptInit_ex(impl->enc, cipher, nullptr, key.data(), nullptr) != 1 ||
      EVP_DecryptInit_ex(impl->dec, cipher, nullptr, key.data(), nullptr) != 1) {
    return fail(Errc::crypto_error, "AES-GCM: OpenSSL refused to set up a GCM context");
  }
  return AesGcm(std::move(impl));
}

AesGcm::AesGcm(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
AesGcm::AesGcm(AesGcm&&) noexcept = default;
AesGcm& AesGcm::operator=(AesGcm&&) noexcept = default;
AesGcm::~AesGcm() = default;

bool AesGcm::seal(std::span<const std::uint8_t, 12> iv, std::span<const std::uint8_t> aad,
                  std::span<std::uint8_t> data, std::span<std::uint8_t> tag) noexcept {
  if (tag.size() < kMinTag || tag.size() > kMaxTag || !fits_int(aad.size()) || !fits_int(data.size())) {
    return false;
  }
  EVP_CIPHER_CTX* ctx = impl_->enc;
  int outl = 0;
  if (EVP_EncryptInit_ex(ctx, nullptr, nullptr, nullptr, iv.data()) != 1) return false;
  if (!aad.empty() && EVP_EncryptUpdate(ctx, nullptr, &outl, aad.data(), static_cast<int>(aad.size())) != 1) {
    return false;
  }
  if (!data.empty() &&
      EVP_EncryptUpdate(ctx, data.data(), &outl, data.data(), static_cast<int>(data.size())) != 1) {
    return false;
  }
  std::uint8_t none[kMaxTag];  // GCM's final writes no bytes
  if (EVP_EncryptFinal_ex(ctx, none, &outl) != 1) return false;
  // A shorter tag is the leftmost bytes of the full one (RFC 5116 5.1, RFC 7714 _8 suites).
  return EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_GET_TAG, static_cast<int>(tag.size()), tag.data()) == 1;
}

bool AesGcm::open(std::span<const std::uint8_t, 12> iv, std::span<const std::uint8_t> aad,
                  std::span<std::uint8_t> data, std::span<const std::uint8_t> tag) noexcept {
  if (tag.size() < kMinTag || tag.size() > kMaxTag || !fits_int(aad.size()) || !fits_int(data.size())) {
    return false;
  }
  EVP_CIPHER_CTX* ctx = impl_->dec;
  int outl = 0;
  if (EVP_DecryptInit_ex(ctx, nullptr, nullptr, nullptr, iv.data()) != 1) return false;
  // OpenSSL's ctrl takes a non-const pointer but only copies the tag in.
  if (EVP_CIPHER_CTX_ctrl(ctx, EVP_CTRL_GCM_SET_TAG, static_cast<int>(tag.size()),
                          const_cast<std::uint8_t*>(tag.data())) != 1) {
    return false;
  }
  if (!aad.empty() && EVP_DecryptUpdate(ctx, nullptr, &outl, aad.data(), static_cast<int>(aad.size())) != 1) {
    return false;
  }
  if (!data.empty() &&
      EVP_DecryptUpdate(ctx, data.data(), &outl, data.data(), static_cast<int>(data.size())) != 1) {
    return false;
  }
  std::uint8_t none[kMaxTag];
  if (EVP_DecryptFinal_ex(ctx, none, &outl) != 1) {
    // A forged packet is an ordinary outcome; keep nothing in OpenSSL's per-thread error queue for it.
    ERR_clear_error();
    return false;
  }
  return true;
}

}  // namespace sotto::crypto
