// SRTCP packet transform (RFC 3711 section 3.4; RFC 7714 section 9 for AEAD).
//
// HMAC suites:  header(8) | encrypted portion | E+index | MKI | tag   tag = HMAC(header..E+index)
// AEAD suites:  header(8) | encrypted portion | tag | E+index | MKI   AAD = header | E+index
//               (E = 0: the whole packet is AAD and nothing is encrypted)
#include <cstring>

#include "core/rtp/rtp_header.hpp"
#include "core/srtp/context_impl.hpp"
#include "crypto/constant_time.hpp"

namespace sotto::srtp {
namespace {

using rtp::load_be32;
using rtp::store_be32;

constexpr std::size_t kRtcpHeader = 8;
constexpr std::uint32_t kMaxSrtcpIndex = 0x7fffffff;

// RFC 7714 section 9.1: IV = (0x0000 || SSRC || 0x0000 || 0 || SRTCP index) XOR salt.
void gcm_iv(std::uint8_t iv[12], const std::uint8_t* salt, std::uint32_t ssrc, std::uint32_t index) noexcept {
  std::uint8_t b[12] = {0, 0};
  store_be32(b + 2, ssrc);
  b[6] = b[7] = 0;
  store_be32(b + 8, index & kMaxSrtcpIndex);
  for (int i = 0; i < 12; ++i) iv[i] = b[i] ^ salt[i];
}

void apply_cipher(SessionKeys& k, const std::uint8_t* packet, std::uint32_t ssrc, std::uint32_t e_index,
                  std::span<std::uint8_t> data) noexcept {
  std::uint8_t iv[16];
  if (k.ctr) {
    aes_cm_iv(iv, k.salt, ssrc, e_index & kMaxSrtcpIndex);
    k.ctr->apply(std::span<const std::uint8_t, 16>(iv, 16), data);
  } else if (k.f8) {
    // RFC 3711 section 4.1.2.3: IV = 0..0 (32 bits) || E || SRTCP index || first 8 bytes of header.
    std::memset(iv, 0, 4);
    store_be32(iv + 4, e_index);
    std::memcpy(iv + 8, packet, 8);
    k.f8->apply(std::span<const std::uint8_t, 16>(iv, 16), data);
  }
}

PacketResult protect(Context::Impl& c, std::span<std::uint8_t> buf, std::size_t len) noexcept {
  if (len > buf.size()) return Unexpected(SrtpError::truncated);
  std::uint8_t* p = buf.data();
  auto hr = rtp::parse_rtcp_header(std::span<const std::uint8_t>(p, len));
  if (!hr) return Unexpected(hr.error() == rtp::HeaderError::truncated ? SrtpError::truncated : SrtpError::malformed);
  const std::size_t out_len = len + 4 + c.mki_len + c.srtcp_tag_len;
  if (out_len > buf.size()) return Unexpected(SrtpError::no_room);

  MasterKeyState& mk = c.masters[c.active];
  if (mk.srtcp_used >= mk.srtcp_limit) return Unexpected(SrtpError::key_exhausted);
  Stream& s = c.get_or_create(hr->sender_ssrc);
  const std::uint32_t index = s.rtcp_next_index;
  if (index > kMaxSrtcpIndex) return Unexpected(SrtpError::key_exhausted);  // index space used up
  SessionKeys* k = c.rtcp_keys(c.active, &s, index);
  if (k == nullptr) return Unexpected(SrtpError::crypto_failure);

  // E says whether the payload is encrypted: never with the NULL cipher (libsrtp rejects E=1 there).
  const bool encrypt = c.policy.encrypt_rtcp && c.suite->cipher != Cipher::null;
  const std::uint32_t e_index = (encrypt ? 0x80000000u : 0u) | index;
  if (k->gcm) {
    std::uint8_t iv[12];
    gcm_iv(iv, k->salt, hr->sender_ssrc, index);
    std::uint8_t e_be[4];
    store_be32(e_be, e_index);
    // AAD = header | E+index (E=1) or whole packet | E+index (E=0): build it contiguous by writing
    // E+index where the tag goes, then moving it after the tag.
    const std::size_t aad_len = encrypt ? kRtcpHeader : len;
    std::memcpy(p + len, e_be, 4);
    std::uint8_t aad[kRtcpHeader + 4];
    bool sealed;
    if (encrypt) {
      std::memcpy(aad, p, kRtcpHeader);
      std::memcpy(aad + kRtcpHeader, e_be, 4);
      sealed = k->gcm->seal(std::span<const std::uint8_t, 12>(iv, 12), std::span<const std::uint8_t>(aad, 12),
                            std::span<std::uint8_t>(p + kRtcpHeader, len - kRtcpHeader),
                            std::span<std::uint8_t>(p + len, c.srtcp_tag_len));
    } else {
      std::uint8_t tag[16];
      sealed = k->gcm->seal(std::span<const std::uint8_t, 12>(iv, 12), std::span<const std::uint8_t>(p, aad_len + 4),
                            std::span<std::uint8_t>(), std::span<std::uint8_t>(tag, c.srtcp_tag_len));
      std::memcpy(p + len, tag, c.srtcp_tag_len);
    }
    if (!sealed) return Unexpected(SrtpError::crypto_failure);
    std::memcpy(p + len + c.srtcp_tag_len, e_be, 4);
    if (c.mki_len != 0) std::memcpy(p + len + c.srtcp_tag_len + 4, mk.mki.data(), c.mki_len);
  } else {
    if (encrypt) {
      apply_cipher(*k, p, hr->sender_ssrc, e_index, std::span<std::uint8_t>(p + kRtcpHeader, len - kRtcpHeader));
    }
    store_be32(p + len, e_index);
    if (c.mki_len != 0) std::memcpy(p + len + 4, mk.mki.data(), c.mki_len);
    std::uint8_t tag[crypto::HmacSha1::kDigestSize];
    k->mac->compute(std::span<const std::uint8_t>(p, len + 4), {}, tag);
    std::memcpy(p + len + 4 + c.mki_len, tag, c.srtcp_tag_len);
  }
  s.rtcp_next_index = index + 1;
  ++mk.srtcp_used;
  ++c.counters.rtcp_packets;
  return out_len;
}

PacketResult unprotect(Context::Impl& c, std::span<std::uint8_t> buf, std::size_t len) noexcept {
  if (len > buf.size()) return Unexpected(SrtpError::truncated);
  std::uint8_t* p = buf.data();
  const std::size_t trailer = 4 + c.mki_len + c.srtcp_tag_len;
  if (len < kRtcpHeader + trailer) return Unexpected(SrtpError::truncated);
  auto hr = rtp::parse_rtcp_header(std::span<const std::uint8_t>(p, len - trailer));
  if (!hr) return Unexpected(hr.error() == rtp::HeaderError::truncated ? SrtpError::truncated : SrtpError::malformed);
  const bool aead = c.suite->auth == Auth::aead;
  const std::size_t body_len = len - trailer;
  // Positions of E+index, MKI and tag.
  const std::size_t e_at = aead ? body_len + c.srtcp_tag_len : body_len;
  const std::size_t mki_at = aead ? e_at + 4 : body_len + 4;
  const std::size_t tag_at = aead ? body_len : mki_at + c.mki_len;

  std::size_t key_index = 0;
  if (c.mki_len != 0) {
    MasterKeyState* found = c.key_by_mki(p + mki_at);
    if (found == nullptr) return Unexpected(SrtpError::unknown_mki);
    key_index = static_cast<std::size_t>(found - c.masters.data());
  }
  MasterKeyState& mk = c.masters[key_index];
  const std::uint32_t e_index = load_be32(p + e_at);
  const bool encrypted = (e_index & 0x80000000u) != 0;
  const std::uint32_t index = e_index & kMaxSrtcpIndex;

  Stream* s = c.find(hr->sender_ssrc);
  if (s != nullptr) {
    switch (s->rtcp_window.check(index)) {
      case ReplayWindow::Verdict::fresh: break;
      case ReplayWindow::Verdict::replay: return Unexpected(SrtpError::replay);
      case ReplayWindow::Verdict::too_old: return Unexpected(SrtpError::too_old);
    }
  }
  if (mk.srtcp_used >= mk.srtcp_limit) return Unexpected(SrtpError::key_exhausted);
  SessionKeys* k = c.rtcp_keys(key_index, s, index);
  // Unknown SSRC in an epoch not derived yet: refused like a bad tag, at no cost (context_impl.hpp).
  if (k == nullptr) return Unexpected(s == nullptr ? SrtpError::auth_failure : SrtpError::crypto_failure);

  if (aead) {
    std::uint8_t iv[12];
    gcm_iv(iv, k->salt, hr->sender_ssrc, index);
    bool opened;
    if (encrypted) {
      std::uint8_t aad[kRtcpHeader + 4];
      std::memcpy(aad, p, kRtcpHeader);
      std::memcpy(aad + kRtcpHeader, p + e_at, 4);
      opened = k->gcm->open(std::span<const std::uint8_t, 12>(iv, 12), std::span<const std::uint8_t>(aad, 12),
                            std::span<std::uint8_t>(p + kRtcpHeader, body_len - kRtcpHeader),
                            std::span<const std::uint8_t>(p + tag_at, c.srtcp_tag_len));
    } else {
      // AAD = packet | E+index: move the tag out of the way so the AAD is contiguous.
      std::uint8_t tag[16];
      std::memcpy(tag, p + tag_at, c.srtcp_tag_len);
      std::uint8_t e_be[4];
      std::memcpy(e_be, p + e_at, 4);
      std::memcpy(p + body_len, e_be, 4);
      opened = k->gcm->open(std::span<const std::uint8_t, 12>(iv, 12), std::span<const std::uint8_t>(p, body_len + 4),
                            std::span<std::uint8_t>(), std::span<const std::uint8_t>(tag, c.srtcp_tag_len));
      std::memcpy(p + body_len, tag, c.srtcp_tag_len);  // restore the received bytes
    }
    if (!opened) return Unexpected(SrtpError::auth_failure);
  } else {
    std::uint8_t tag[crypto::HmacSha1::kDigestSize];
    k->mac->compute(std::span<const std::uint8_t>(p, body_len + 4), {}, tag);
    if (!crypto::constant_time_equal(std::span<const std::uint8_t>(tag, c.srtcp_tag_len),
                                     std::span<const std::uint8_t>(p + tag_at, c.srtcp_tag_len))) {
      return Unexpected(SrtpError::auth_failure);
    }
    if (encrypted) {
      apply_cipher(*k, p, hr->sender_ssrc, e_index, std::span<std::uint8_t>(p + kRtcpHeader, body_len - kRtcpHeader));
    }
  }
  if (s == nullptr) s = &c.get_or_create(hr->sender_ssrc);
  s->rtcp_window.accept(index);
  ++mk.srtcp_used;
  ++c.counters.rtcp_packets;
  return body_len;
}

}  // namespace

PacketResult Context::protect_rtcp(std::span<std::uint8_t> buf, std::size_t len) noexcept {
  if (impl_->dir != Direction::outbound) return impl_->count(Unexpected(SrtpError::wrong_direction));
  return impl_->count(protect(*impl_, buf, len));
}

PacketResult Context::unprotect_rtcp(std::span<std::uint8_t> buf, std::size_t len) noexcept {
  if (impl_->dir != Direction::inbound) return impl_->count(Unexpected(SrtpError::wrong_direction));
  return impl_->count(unprotect(*impl_, buf, len));
}

}  // namespace sotto::srtp
