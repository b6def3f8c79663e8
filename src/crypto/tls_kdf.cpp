// HKDF through OpenSSL's EVP_KDF "HKDF" (extract-only and expand-only modes); the TLS 1.3 label
// encoding and the TLS 1.2 P_hash iteration are written here over one-shot HMAC (EVP_Q_mac).

#include "crypto/tls_kdf.hpp"

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include <cstdlib>
#include <string>

namespace sotto::crypto {
namespace {

const char* md_name(Digest d) noexcept { return d == Digest::sha256 ? "SHA256" : "SHA384"; }
const EVP_MD* md(Digest d) noexcept { return d == Digest::sha256 ? EVP_sha256() : EVP_sha384(); }

Result<SecureBytes> hkdf(Digest d, int mode, std::span<const std::uint8_t> key, std::span<const std::uint8_t> salt,
                         std::span<const std::uint8_t> info, std::size_t length) {
  EVP_KDF* kdf = EVP_KDF_fetch(nullptr, "HKDF", nullptr);
  if (kdf == nullptr) return fail(Errc::crypto_error, "HKDF: OpenSSL has no HKDF");
  EVP_KDF_CTX* ctx = EVP_KDF_CTX_new(kdf);
  EVP_KDF_free(kdf);
  if (ctx == nullptr) return fail(Errc::crypto_error, "HKDF: OpenSSL could not allocate a context");
  // OSSL_PARAM wants non-const pointers; OpenSSL only reads these.
  auto* k = const_cast<std::uint8_t*>(key.data());
  auto* s = const_cast<std::uint8_t*>(salt.data());
  auto* i = const_cast<std::uint8_t*>(info.data());
  static const std::uint8_t kEmpty[1] = {0};
  OSSL_PARAM params[6];
  int n = 0;
  params[n++] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST, const_cast<char*>(md_name(d)), 0);
  params[n++] = OSSL_PARAM_construct_int(OSSL_KDF_PARAM_MODE, &mode);
  params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY, key.empty() ? const_cast<std::uint8_t*>(kEmpty) : k,
                                                  key.size());
  if (!salt.empty()) params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT, s, salt.size());
  if (!info.empty()) params[n++] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_INFO, i, info.size());
  params[n] = OSSL_PARAM_construct_end();
  SecureBytes out(length);
  const int ok = EVP_KDF_derive(ctx, out.data(), out.size(), params);
  EVP_KDF_CTX_free(ctx);
  if (ok != 1) return fail(Errc::crypto_error, "HKDF: OpenSSL derive failed (length " + std::to_string(length) + ")");
  return out;
}

}  // namespace

std::size_t digest_size(Digest d) noexcept { return d == Digest::sha256 ? 32 : 48; }

std::vector<std::uint8_t> digest(Digest d, std::span<const std::uint8_t> data) {
  std::vector<std::uint8_t> out(EVP_MAX_MD_SIZE);
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), out.data(), &len, md(d), nullptr) != 1) std::abort();  // cannot fail
  out.resize(len);
  return out;
}

SecureBytes hmac(Digest d, std::span<const std::uint8_t> key, std::span<const std::uint8_t> data) {
  SecureBytes out(digest_size(d));
  std::size_t len = 0;
  static const std::uint8_t kEmpty[1] = {0};
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, md_name(d), nullptr, key.empty() ? kEmpty : key.data(), key.size(),
                data.data(), data.size(), out.data(), out.size(), &len) == nullptr ||
      len != out.size()) {
    std::abort();  // HMAC-SHA256/384 cannot fail with valid buffers
  }
  return out;
}

Result<SecureBytes> hkdf_extract(Digest d, std::span<const std::uint8_t> salt, std::span<const std::uint8_t> ikm) {
  // RFC 5869 2.2: a missing salt is HashLen zeros; OpenSSL does the same, but say it explicitly.
  std::vector<std::uint8_t> zeros;
  if (salt.empty()) {
    zeros.assign(digest_size(d), 0);
    salt = zeros;
  }
  return hkdf(d, EVP_KDF_HKDF_MODE_EXTRACT_ONLY, ikm, salt, {}, digest_size(d));
}

Result<SecureBytes> hkdf_expand(Digest d, std::span<const std::uint8_t> prk, std::span<const std::uint8_t> info,
                                std::size_t length) {
  if (length == 0 || length > 255 * digest_size(d)) {
    return fail(Errc::invalid_argument, "HKDF-Expand: length " + std::to_string(length) + " out of range");
  }
  if (prk.size() < digest_size(d)) {
    return fail(Errc::invalid_argument, "HKDF-Expand: PRK of " + std::to_string(prk.size()) + " bytes is too short");
  }
  return hkdf(d, EVP_KDF_HKDF_MODE_EXPAND_ONLY, prk, {}, info, length);
}

Result<SecureBytes> hkdf_expand_label(Digest d, std::span<const std::uint8_t> secret, std::string_view label,
                                      std::span<const std::uint8_t> context, std::size_t length) {
  // struct { uint16 length; opaque label<7..255> = "tls13 " + Label; opaque context<0..255>; } HkdfLabel;
  constexpr std::string_view kPrefix = "tls13 ";
  if (label.size() + kPrefix.size() > 255 || context.size() > 255 || length > 0xffff) {
    return fail(Errc::invalid_argument, "HKDF-Expand-Label: label, context or length too long");
  }
  std::vector<std::uint8_t> info;
  info.reserve(4 + kPrefix.size() + label.size() + context.size());
  info.push_back(static_cast<std::uint8_t>(length >> 8));
  info.push_back(static_cast<std::uint8_t>(length));
  info.push_back(static_cast<std::uint8_t>(kPrefix.size() + label.size()));
  info.insert(info.end(), kPrefix.begin(), kPrefix.end());
  info.insert(info.end(), label.begin(), label.end());
  info.push_back(static_cast<std::uint8_t>(context.size()));
  info.insert(info.end(), context.begin(), context.end());
  return hkdf_expand(d, secret, info, length);
}

Result<SecureBytes> tls12_prf(Digest d, std::span<const std::uint8_t> secret, std::string_view label,
                              std::span<const std::uint8_t> seed, std::size_t length) {
  if (length == 0 || length > 1024) {
    return fail(Errc::invalid_argument, "TLS PRF: length " + std::to_string(length) + " out of range");
  }
  // P_hash(secret, seed') = HMAC(secret, A(1) + seed') + HMAC(secret, A(2) + seed') + ...,
  // A(0) = seed', A(i) = HMAC(secret, A(i-1)), seed' = label + seed.
  std::vector<std::uint8_t> full_seed(label.begin(), label.end());
  full_seed.insert(full_seed.end(), seed.begin(), seed.end());
  SecureBytes out(length);
  SecureBytes a = hmac(d, secret, full_seed);
  std::size_t done = 0;
  std::vector<std::uint8_t> buf;
  while (done < length) {
    buf.assign(a.data(), a.data() + a.size());
    buf.insert(buf.end(), full_seed.begin(), full_seed.end());
    SecureBytes block = hmac(d, secret, buf);
    const std::size_t take = std::min(block.size(), length - done);
    std::copy(block.data(), block.data() + take, out.data() + done);
    done += take;
    a = hmac(d, secret, a.span());
  }
  secure_wipe(buf.data(), buf.size());
  return out;
}

}  // namespace sotto::crypto
