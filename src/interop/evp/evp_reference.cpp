// The OpenSSL EVP baseline: RFC 3711 (AES-CM + HMAC-SHA1) and RFC 7714 (AES-GCM) on pre-keyed EVP
// contexts. Each packet costs one IV reset plus the cipher/MAC work; nothing else.
#include "interop/evp/evp_reference.hpp"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <array>
#include <cstring>

#include "base/secure_bytes.hpp"

namespace sotto::interop {
namespace {

constexpr std::uint32_t kEBit = 0x80000000u;
constexpr std::size_t kRtcpHeader = 8;
constexpr std::size_t kSrtcpIndexLen = 4;
constexpr std::size_t kSrtcpHmacTag = 10;  // RFC 3711 section 3.4: HMAC-SHA1-80 on SRTCP

std::uint16_t be16(const std::uint8_t* p) noexcept { return static_cast<std::uint16_t>((p[0] << 8) | p[1]); }
std::uint32_t be32(const std::uint8_t* p) noexcept {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}
void xor_be32(std::uint8_t* p, std::uint32_t v) noexcept {
  p[0] ^= static_cast<std::uint8_t>(v >> 24);
  p[1] ^= static_cast<std::uint8_t>(v >> 16);
  p[2] ^= static_cast<std::uint8_t>(v >> 8);
  p[3] ^= static_cast<std::uint8_t>(v);
}
void put_be32(std::uint8_t* p, std::uint32_t v) noexcept {
  p[0] = p[1] = p[2] = p[3] = 0;
  xor_be32(p, v);
}

// RFC 3550 5.1 header length (CSRCs + extension), 0 when not a well-formed version 2 header.
std::size_t rtp_header_len(const std::uint8_t* p, std::size_t len) noexcept {
  if (len < 12 || (p[0] >> 6) != 2) return 0;
  std::size_t hl = 12 + 4 * std::size_t{p[0] & 0x0fu};
  if (p[0] & 0x10) {
    if (len < hl + 4) return 0;
    hl += 4 + 4 * std::size_t{be16(p + hl + 2)};
  }
  return hl <= len ? hl : 0;
}

int as_int(std::size_t n) noexcept { return static_cast<int>(n); }

struct CipherCtxFree {
  void operator()(EVP_CIPHER_CTX* c) const noexcept { EVP_CIPHER_CTX_free(c); }
};
struct MacCtxFree {
  void operator()(EVP_MAC_CTX* c) const noexcept { EVP_MAC_CTX_free(c); }
};
using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, CipherCtxFree>;
using MacCtx = std::unique_ptr<EVP_MAC_CTX, MacCtxFree>;

const EVP_CIPHER* ctr_cipher(std::size_t key_len) noexcept {
  switch (key_len) {
    case 16: return EVP_aes_128_ctr();
    case 24: return EVP_aes_192_ctr();
    case 32: return EVP_aes_256_ctr();
    default: return nullptr;
  }
}

// RFC 3711 section 4.3.1 with r = 0: x = (label << 48) XOR master_salt, output = AES-CTR keystream at
// IV = x * 2^16. A 12-byte AEAD master salt is padded with two zero bytes (RFC 7714 section 11).
Status kdf(std::span<const std::uint8_t> key, std::span<const std::uint8_t> salt, std::uint8_t label,
           std::span<std::uint8_t> out) {
  std::array<std::uint8_t, 16> iv{};
  std::memcpy(iv.data(), salt.data(), salt.size());
  iv[7] ^= label;
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  int outl = 0;
  std::memset(out.data(), 0, out.size());
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), ctr_cipher(key.size()), nullptr, key.data(), iv.data()) != 1 ||
      EVP_EncryptUpdate(ctx.get(), out.data(), &outl, out.data(), as_int(out.size())) != 1) {
    return fail(Errc::crypto_error, "EVP reference: key derivation failed");
  }
  return {};
}

Result<CipherCtx> keyed_cipher(const EVP_CIPHER* cipher, std::span<const std::uint8_t> key, bool encrypt) {
  CipherCtx ctx(EVP_CIPHER_CTX_new());
  if (!ctx || EVP_CipherInit_ex(ctx.get(), cipher, nullptr, key.data(), nullptr, encrypt ? 1 : 0) != 1) {
    return fail(Errc::crypto_error, "EVP reference: cipher init failed");
  }
  return ctx;
}

Result<MacCtx> keyed_hmac_sha1(std::span<const std::uint8_t> key) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (mac == nullptr) return fail(Errc::crypto_error, "EVP reference: HMAC not available");
  MacCtx ctx(EVP_MAC_CTX_new(mac));
  EVP_MAC_free(mac);  // the context holds its own reference
  char digest[] = "SHA1";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  if (!ctx || EVP_MAC_init(ctx.get(), key.data(), key.size(), params) != 1) {
    return fail(Errc::crypto_error, "EVP reference: HMAC-SHA1 init failed");
  }
  return ctx;
}

}  // namespace

// ---------------------------------------------------------------------------------------------
// AES-CM + HMAC-SHA1

struct EvpReferenceCm::Impl {
  struct Keys {
    CipherCtx ctr;
    MacCtx mac;
    std::array<std::uint8_t, 14> salt{};
    ~Keys() { OPENSSL_cleanse(salt.data(), salt.size()); }  // EVP_*_free cleanse the keys
  };
  Keys rtp;
  Keys rtcp;
  std::size_t tag_len = 10;

  // IV = (salt * 2^16) XOR (SSRC * 2^64) XOR (index * 2^16), RFC 3711 section 4.1.1.
  static void iv(const Keys& k, std::uint32_t ssrc, std::uint32_t hi, std::uint32_t lo, std::uint8_t out[16]) {
    std::memcpy(out, k.salt.data(), 14);
    out[14] = out[15] = 0;
    xor_be32(out + 4, ssrc);
    out[8] ^= static_cast<std::uint8_t>(hi >> 8);
    out[9] ^= static_cast<std::uint8_t>(hi);
    xor_be32(out + 10, lo);
  }
  static bool crypt(Keys& k, const std::uint8_t iv16[16], std::uint8_t* p, std::size_t n) noexcept {
    int outl = 0;
    if (EVP_EncryptInit_ex(k.ctr.get(), nullptr, nullptr, nullptr, iv16) != 1) return false;
    return n == 0 || EVP_EncryptUpdate(k.ctr.get(), p, &outl, p, as_int(n)) == 1;
  }
  // HMAC(key, a || b) into out[20], reusing the key schedule kept in the context.
  static bool mac(Keys& k, const std::uint8_t* a, std::size_t an, const std::uint8_t* b, std::size_t bn,
                  std::uint8_t out[20]) noexcept {
    std::size_t outl = 0;
    return EVP_MAC_init(k.mac.get(), nullptr, 0, nullptr) == 1 && EVP_MAC_update(k.mac.get(), a, an) == 1 &&
           (bn == 0 || EVP_MAC_update(k.mac.get(), b, bn) == 1) && EVP_MAC_final(k.mac.get(), out, &outl, 20) == 1;
  }
};

Result<EvpReferenceCm> EvpReferenceCm::create(std::span<const std::uint8_t> master_key,
                                              std::span<const std::uint8_t> master_salt, std::size_t tag_len) {
  const EVP_CIPHER* cipher = ctr_cipher(master_key.size());
  if (cipher == nullptr) return fail(Errc::invalid_argument, "EVP reference: AES-CM key must be 16, 24 or 32 bytes");
  if (master_salt.size() != 14) return fail(Errc::invalid_argument, "EVP reference: AES-CM salt must be 14 bytes");
  if (tag_len != 4 && tag_len != 10) return fail(Errc::invalid_argument, "EVP reference: HMAC tag must be 4 or 10");
  auto impl = std::make_unique<Impl>();
  impl->tag_len = tag_len;
  // Labels 0/1/2 for SRTP, 3/4/5 for SRTCP (RFC 3711 section 4.3.2).
  for (std::uint8_t base : {std::uint8_t{0}, std::uint8_t{3}}) {
    Impl::Keys& k = base == 0 ? impl->rtp : impl->rtcp;
    SecureBytes enc(master_key.size());
    SecureBytes auth(20);
    if (auto s = kdf(master_key, master_salt, base, enc.span()); !s) return Unexpected(s.error());
    if (auto s = kdf(master_key, master_salt, static_cast<std::uint8_t>(base + 1), auth.span()); !s) {
      return Unexpected(s.error());
    }
    if (auto s = kdf(master_key, master_salt, static_cast<std::uint8_t>(base + 2), k.salt); !s) {
      return Unexpected(s.error());
    }
    auto ctr = keyed_cipher(cipher, enc.span(), true);
    if (!ctr) return Unexpected(ctr.error());
    auto mac = keyed_hmac_sha1(auth.span());
    if (!mac) return Unexpected(mac.error());
    k.ctr = std::move(*ctr);
    k.mac = std::move(*mac);
  }
  return EvpReferenceCm(std::move(impl));
}

EvpReferenceCm::EvpReferenceCm(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EvpReferenceCm::EvpReferenceCm(EvpReferenceCm&&) noexcept = default;
EvpReferenceCm& EvpReferenceCm::operator=(EvpReferenceCm&&) noexcept = default;
EvpReferenceCm::~EvpReferenceCm() = default;

std::size_t EvpReferenceCm::protect_rtp(std::span<std::uint8_t> buf, std::size_t len, std::uint32_t roc) noexcept {
  Impl& c = *impl_;
  std::uint8_t* p = buf.data();
  const std::size_t hl = rtp_header_len(p, len);
  if (hl == 0 || len + c.tag_len > buf.size()) return 0;
  std::uint8_t iv[16];
  Impl::iv(c.rtp, be32(p + 8), roc >> 16, (roc << 16) | be16(p + 2), iv);
  if (!Impl::crypt(c.rtp, iv, p + hl, len - hl)) return 0;
  std::uint8_t roc_be[4];
  put_be32(roc_be, roc);
  std::uint8_t tag[20];
  if (!Impl::mac(c.rtp, p, len, roc_be, 4, tag)) return 0;
  std::memcpy(p + len, tag, c.tag_len);
  return len + c.tag_len;
}

std::size_t EvpReferenceCm::unprotect_rtp(std::span<std::uint8_t> buf, std::size_t len, std::uint32_t roc) noexcept {
  Impl& c = *impl_;
  std::uint8_t* p = buf.data();
  if (len > buf.size() || len < 12 + c.tag_len) return 0;
  const std::size_t body = len - c.tag_len;
  const std::size_t hl = rtp_header_len(p, body);
  if (hl == 0) return 0;
  std::uint8_t roc_be[4];
  put_be32(roc_be, roc);
  std::uint8_t tag[20];
  if (!Impl::mac(c.rtp, p, body, roc_be, 4, tag) || CRYPTO_memcmp(tag, p + body, c.tag_len) != 0) return 0;
  std::uint8_t iv[16];
  Impl::iv(c.rtp, be32(p + 8), roc >> 16, (roc << 16) | be16(p + 2), iv);
  return Impl::crypt(c.rtp, iv, p + hl, body - hl) ? body : 0;
}

std::size_t EvpReferenceCm::protect_rtcp(std::span<std::uint8_t> buf, std::size_t len, std::uint32_t index) noexcept {
  Impl& c = *impl_;
  std::uint8_t* p = buf.data();
  if (len < kRtcpHeader || len + kSrtcpIndexLen + kSrtcpHmacTag > buf.size()) return 0;
  index &= ~kEBit;
  std::uint8_t iv[16];
  Impl::iv(c.rtcp, be32(p + 4), 0, index, iv);
  if (!Impl::crypt(c.rtcp, iv, p + kRtcpHeader, len - kRtcpHeader)) return 0;
  put_be32(p + len, kEBit | index);
  std::uint8_t tag[20];
  if (!Impl::mac(c.rtcp, p, len + kSrtcpIndexLen, nullptr, 0, tag)) return 0;
  std::memcpy(p + len + kSrtcpIndexLen, tag, kSrtcpHmacTag);
  return len + kSrtcpIndexLen + kSrtcpHmacTag;
}

std::size_t EvpReferenceCm::unprotect_rtcp(std::span<std::uint8_t> buf, std::size_t len) noexcept {
  Impl& c = *impl_;
  std::uint8_t* p = buf.data();
  if (len > buf.size() || len < kRtcpHeader + kSrtcpIndexLen + kSrtcpHmacTag) return 0;
  const std::size_t authed = len - kSrtcpHmacTag;
  std::uint8_t tag[20];
  if (!Impl::mac(c.rtcp, p, authed, nullptr, 0, tag) || CRYPTO_memcmp(tag, p + authed, kSrtcpHmacTag) != 0) return 0;
  const std::size_t body = authed - kSrtcpIndexLen;
  const std::uint32_t e_index = be32(p + body);
  if (e_index & kEBit) {
    std::uint8_t iv[16];
    Impl::iv(c.rtcp, be32(p + 4), 0, e_index & ~kEBit, iv);
    if (!Impl::crypt(c.rtcp, iv, p + kRtcpHeader, body - kRtcpHeader)) return 0;
  }
  return body;
}

// ---------------------------------------------------------------------------------------------
// AES-GCM

struct EvpReferenceGcm::Impl {
  struct Keys {
    CipherCtx enc;
    CipherCtx dec;
    std::array<std::uint8_t, 12> salt{};
    ~Keys() { OPENSSL_cleanse(salt.data(), salt.size()); }
  };
  Keys rtp;
  Keys rtcp;
  std::size_t tag_len = 16;

  // RFC 7714 sections 8.1 and 9.1: IV = (0x0000 || SSRC || hi32 || lo16) XOR salt.
  static void iv(const Keys& k, std::uint32_t ssrc, std::uint32_t mid, std::uint16_t lo, std::uint8_t out[12]) {
    std::memcpy(out, k.salt.data(), 12);
    xor_be32(out + 2, ssrc);
    xor_be32(out + 6, mid);
    out[10] ^= static_cast<std::uint8_t>(lo >> 8);
    out[11] ^= static_cast<std::uint8_t>(lo);
  }
  // In place: AAD = aad1 || aad2, data encrypted (or decrypted and tag checked) in place.
  bool seal(Keys& k, const std::uint8_t iv12[12], const std::uint8_t* aad1, std::size_t n1, const std::uint8_t* aad2,
            std::size_t n2, std::uint8_t* data, std::size_t n, std::uint8_t* tag_out) const noexcept {
    EVP_CIPHER_CTX* x = k.enc.get();
    std::uint8_t none[16];
    int outl = 0;
    return EVP_EncryptInit_ex(x, nullptr, nullptr, nullptr, iv12) == 1 &&
           EVP_EncryptUpdate(x, nullptr, &outl, aad1, as_int(n1)) == 1 &&
           (n2 == 0 || EVP_EncryptUpdate(x, nullptr, &outl, aad2, as_int(n2)) == 1) &&
           (n == 0 || EVP_EncryptUpdate(x, data, &outl, data, as_int(n)) == 1) &&
           EVP_EncryptFinal_ex(x, none, &outl) == 1 &&
           EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_GET_TAG, as_int(tag_len), tag_out) == 1;
  }
  bool open(Keys& k, const std::uint8_t iv12[12], const std::uint8_t* aad1, std::size_t n1, const std::uint8_t* aad2,
            std::size_t n2, std::uint8_t* data, std::size_t n, std::uint8_t* tag) const noexcept {
    EVP_CIPHER_CTX* x = k.dec.get();
    std::uint8_t none[16];
    int outl = 0;
    return EVP_DecryptInit_ex(x, nullptr, nullptr, nullptr, iv12) == 1 &&
           EVP_DecryptUpdate(x, nullptr, &outl, aad1, as_int(n1)) == 1 &&
           (n2 == 0 || EVP_DecryptUpdate(x, nullptr, &outl, aad2, as_int(n2)) == 1) &&
           (n == 0 || EVP_DecryptUpdate(x, data, &outl, data, as_int(n)) == 1) &&
           EVP_CIPHER_CTX_ctrl(x, EVP_CTRL_GCM_SET_TAG, as_int(tag_len), tag) == 1 &&
           EVP_DecryptFinal_ex(x, none, &outl) == 1;
  }
};

Result<EvpReferenceGcm> EvpReferenceGcm::create(std::span<const std::uint8_t> master_key,
                                                std::span<const std::uint8_t> master_salt, std::size_t tag_len) {
  const EVP_CIPHER* cipher = master_key.size() == 16   ? EVP_aes_128_gcm()
                             : master_key.size() == 32 ? EVP_aes_256_gcm()
                                                       : nullptr;
  if (cipher == nullptr) return fail(Errc::invalid_argument, "EVP reference: AES-GCM key must be 16 or 32 bytes");
  if (master_salt.size() != 12) return fail(Errc::invalid_argument, "EVP reference: AES-GCM salt must be 12 bytes");
  if (tag_len != 8 && tag_len != 16) return fail(Errc::invalid_argument, "EVP reference: GCM tag must be 8 or 16");
  auto impl = std::make_unique<Impl>();
  impl->tag_len = tag_len;
  for (std::uint8_t base : {std::uint8_t{0}, std::uint8_t{3}}) {
    Impl::Keys& k = base == 0 ? impl->rtp : impl->rtcp;
    SecureBytes enc(master_key.size());
    if (auto s = kdf(master_key, master_salt, base, enc.span()); !s) return Unexpected(s.error());
    if (auto s = kdf(master_key, master_salt, static_cast<std::uint8_t>(base + 2), k.salt); !s) {
      return Unexpected(s.error());
    }
    auto e = keyed_cipher(cipher, enc.span(), true);
    auto d = keyed_cipher(cipher, enc.span(), false);
    if (!e) return Unexpected(e.error());
    if (!d) return Unexpected(d.error());
    k.enc = std::move(*e);
    k.dec = std::move(*d);
  }
  return EvpReferenceGcm(std::move(impl));
}

EvpReferenceGcm::EvpReferenceGcm(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
EvpReferenceGcm::EvpReferenceGcm(EvpReferenceGcm&&) noexcept = default;
EvpReferenceGcm& EvpReferenceGcm::operator=(EvpReferenceGcm&&) noexcept = default;
EvpReferenceGcm::~EvpReferenceGcm() = default;

std::size_t EvpReferenceGcm::protect_rtp(std::span<std::uint8_t> buf, std::size_t len, std::uint32_t roc) noexcept {
  Impl& c = *impl_;
  std::uint8_t* p = buf.data();
  const std::size_t hl = rtp_header_len(p, len);
  if (hl == 0 || len + c.tag_len > buf.size()) return 0;
  std::uint8_t iv[12];
  Impl::iv(c.rtp, be32(p + 8), roc, be16(p + 2), iv);
  return c.seal(c.rtp, iv, p, hl, nullptr, 0, p + hl, len - hl, p + len) ? len + c.tag_len : 0;
}

std::size_t EvpReferenceGcm::unprotect_rtp(std::span<std::uint8_t> buf, std::size_t len, std::uint32_t roc) noexcept {
  Impl& c = *impl_;
  std::uint8_t* p = buf.data();
  if (len > buf.size() || len < 12 + c.tag_len) return 0;
  const std::size_t body = len - c.tag_len;
  const std::size_t hl = rtp_header_len(p, body);
  if (hl == 0) return 0;
  std::uint8_t iv[12];
  Impl::iv(c.rtp, be32(p + 8), roc, be16(p + 2), iv);
  return c.open(c.rtp, iv, p, hl, nullptr, 0, p + hl, body - hl, p + body) ? body : 0;
}

// RFC 7714 section 9: header(8) | ciphertext | tag | E+index; AAD = header || E+index.
std::size_t EvpReferenceGcm::protect_rtcp(std::span<std::uint8_t> buf, std::size_t len, std::uint32_t index) noexcept {
  Impl& c = *impl_;
  std::uint8_t* p = buf.data();
  if (len < kRtcpHeader || len + c.tag_len + kSrtcpIndexLen > buf.size()) return 0;
  const std::uint32_t e_index = kEBit | (index & ~kEBit);
  std::uint8_t e_be[4];
  put_be32(e_be, e_index);
  std::uint8_t iv[12];
  Impl::iv(c.rtcp, be32(p + 4), 0, 0, iv);
  xor_be32(iv + 8, e_index & ~kEBit);
  if (!c.seal(c.rtcp, iv, p, kRtcpHeader, e_be, 4, p + kRtcpHeader, len - kRtcpHeader, p + len)) return 0;
  std::memcpy(p + len + c.tag_len, e_be, 4);
  return len + c.tag_len + kSrtcpIndexLen;
}

std::size_t EvpReferenceGcm::unprotect_rtcp(std::span<std::uint8_t> buf, std::size_t len) noexcept {
  Impl& c = *impl_;
  std::uint8_t* p = buf.data();
  if (len > buf.size() || len < kRtcpHeader + c.tag_len + kSrtcpIndexLen) return 0;
  const std::size_t body = len - kSrtcpIndexLen - c.tag_len;
  const std::uint32_t e_index = be32(p + len - kSrtcpIndexLen);
  std::uint8_t iv[12];
  Impl::iv(c.rtcp, be32(p + 4), 0, 0, iv);
  xor_be32(iv + 8, e_index & ~kEBit);
  const std::uint8_t* e_be = p + len - kSrtcpIndexLen;
  const bool ok = (e_index & kEBit)
                      ? c.open(c.rtcp, iv, p, kRtcpHeader, e_be, 4, p + kRtcpHeader, body - kRtcpHeader, p + body)
                      : c.open(c.rtcp, iv, p, body, e_be, 4, nullptr, 0, p + body);  // E = 0: all of it is AAD
  return ok ? body : 0;
}

}  // namespace sotto::interop
