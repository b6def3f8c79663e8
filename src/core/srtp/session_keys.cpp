#include "core/srtp/session_keys.hpp"

#include <cstring>

#include "base/secure_bytes.hpp"

namespace sotto::srtp {
namespace {

struct Labels {
  Label enc, auth, salt;
};

Status make_cipher(const Suite& s, std::span<const std::uint8_t> key, std::span<const std::uint8_t> salt,
                   std::optional<crypto::AesCtr>& ctr, std::optional<crypto::AesF8>& f8,
                   std::optional<crypto::AesGcm>* gcm) {
  switch (s.cipher) {
    case Cipher::null:
      return {};
    case Cipher::aes_cm: {
      auto c = crypto::AesCtr::create(key);
      if (!c) return Unexpected(c.error());
      ctr.emplace(std::move(*c));
      return {};
    }
    case Cipher::aes_f8: {
      auto c = crypto::AesF8::create(key, salt);
      if (!c) return Unexpected(c.error());
      f8.emplace(std::move(*c));
      return {};
    }
    case Cipher::aes_gcm: {
      if (gcm == nullptr) {  // header extension keystream for AEAD is not defined here
        return fail(Errc::unsupported, std::string(s.name) + ": RFC 6904 header encryption");
      }
      auto c = crypto::AesGcm::create(key);
      if (!c) return Unexpected(c.error());
      gcm->emplace(std::move(*c));
      return {};
    }
  }
  return fail(Errc::invalid_argument, "unknown cipher");
}

Result<SessionKeys> derive(const Suite& s, KeyDerivation& kdf, std::uint64_t r, Labels l, bool need_mac) {
  SessionKeys k;
  std::uint8_t key[32];
  const std::size_t key_len = s.cipher == Cipher::null ? 0 : s.session_key_len;
  kdf.derive(l.enc, r, std::span(key, key_len));
  kdf.derive(l.salt, r, std::span(k.salt, s.session_salt_len));
  Status st = make_cipher(s, std::span(key, key_len), std::span(k.salt, s.session_salt_len), k.ctr, k.f8, &k.gcm);
  if (st && need_mac && s.session_auth_key_len > 0) {
    std::uint8_t auth[20];
    kdf.derive(l.auth, r, std::span(auth, s.session_auth_key_len));
    auto mac = crypto::HmacSha1::create(std::span(auth, s.session_auth_key_len));
    secure_wipe(auth, sizeof auth);
    if (!mac) st = Unexpected(mac.error());
    else k.mac.emplace(std::move(*mac));
  }
  secure_wipe(key, sizeof key);
  if (!st) return Unexpected(st.error());
  return k;
}

}  // namespace

SessionKeys::~SessionKeys() {
  secure_wipe(salt, sizeof salt);
  secure_wipe(header_salt, sizeof header_salt);
}

Result<SessionKeys> SessionKeys::derive_rtp(const Suite& s, KeyDerivation& kdf, std::uint64_t r,
                                            bool header_encryption) {
  auto k = derive(s, kdf, r, {Label::rtp_encryption, Label::rtp_auth, Label::rtp_salt}, s.auth == Auth::hmac_sha1);
  if (!k || !header_encryption || s.cipher == Cipher::null) return k;
  // RFC 6904 section 4.3: k_he and k_hs, same lengths as k_e and k_s, same transform.
  std::uint8_t key[32];
  kdf.derive(Label::rtp_header_encryption, r, std::span(key, s.session_key_len));
  kdf.derive(Label::rtp_header_salt, r, std::span(k->header_salt, s.session_salt_len));
  Status st = make_cipher(s, std::span(key, s.session_key_len), std::span(k->header_salt, s.session_salt_len),
                          k->header_ctr, k->header_f8, nullptr);
  secure_wipe(key, sizeof key);
  if (!st) return Unexpected(st.error());
  return k;
}

Result<SessionKeys> SessionKeys::derive_rtcp(const Suite& s, KeyDerivation& kdf, std::uint64_t r) {
  // SRTCP is always authenticated: HMAC-SHA1 unless the suite is AEAD (RFC 3711 section 3.4).
  return derive(s, kdf, r, {Label::rtcp_encryption, Label::rtcp_auth, Label::rtcp_salt}, s.auth != Auth::aead);
}

}  // namespace sotto::srtp
