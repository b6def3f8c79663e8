// SRTP packet transform (RFC 3711 section 3.3; RFC 7714 section 8 for AEAD; RFC 6904).
//
// HMAC suites:  header | payload (encrypted) | MKI | tag        tag = HMAC(header | payload | ROC)
// AEAD suites:  header | payload (encrypted) | tag | MKI        AAD = header
#include <cstring>

#include "core/rtp/rtp_header.hpp"
#include "core/srtp/context_impl.hpp"
#include "crypto/constant_time.hpp"

namespace sotto::srtp {
namespace {

using rtp::store_be32;

// RFC 3711 section 4.1.2.2: IV = 0x00 || M || PT || SEQ || TS || SSRC || ROC.
inline void f8_iv(std::uint8_t iv[16], const std::uint8_t* header, std::uint32_t roc) noexcept {
  iv[0] = 0;
  std::memcpy(iv + 1, header + 1, 11);
  store_be32(iv + 12, roc);
}

// RFC 7714 section 8.1: IV = (0x0000 || SSRC || ROC || SEQ) XOR salt.
inline void gaes_cm_iv(std::uint8_t iv[12], const std::uint8_t* salt, std::uint32_t ssrc, std::uint32_t roc,
                   std::uint16_t seq) noexcept {
  std::uint8_t b[12] = {0, 0};
  store_be32(b + 2, ssrc);
  store_be32(b + 6, roc);
  b[10] = static_cast<std::uint8_t>(seq >> 8);
  b[11] = static_cast<std::uint8_t>(seq);
  for (int i = 0; i < 12; ++i) iv[i] = b[i] ^ salt[i];
}

void apply_cipher(SessionKeys& k, const rtp::RtpHeaderView& h, const std::uint8_t* packet, std::uint64_t index,
                  std::span<std::uint8_t> payload) noexcept {
  std::uint8_t iv[16];
  if (k.ctr) {
    aes_cm_iv(iv, k.salt, h.ssrc, index);
    k.ctr->apply(std::span<const std::uint8_t, 16>(iv, 16), payload);
  } else if (k.f8) {
    f8_iv(iv, packet, static_cast<std::uint32_t>(index >> 16));
    k.f8->apply(std::span<const std::uint8_t, 16>(iv, 16), payload);
  }
}

void header_crypt(const Context::Impl& ctx, SessionKeys& k, const rtp::RtpHeaderView& h, std::uint8_t* packet,
                  std::uint64_t index, bool& ok) noexcept {
  if (!ctx.header_encryption || !h.extension || h.extension_len == 0) return;
  std::uint8_t iv[16];
  if (k.header_ctr) aes_cm_iv(iv, k.header_salt, h.ssrc, index);
  else f8_iv(iv, packet, static_cast<std::uint32_t>(index >> 16));
  ok = apply_header_encryption(ctx, k, std::span<const std::uint8_t, 16>(iv, 16), packet + h.extension_offset + 4,
                               h.extension_len, h.extension_profile);
}

PacketResult protect(Context::Impl& c, std::span<std::uint8_t> buf, std::size_t len) noexcept {
  if (len > buf.size()) return Unexpected(SrtpError::truncated);
  std::uint8_t* p = buf.data();
  auto hr = rtp::parse_rtp_header(std::span<const std::uint8_t>(p, len));
  if (!hr) return Unexpected(hr.error() == rtp::HeaderError::truncated ? SrtpError::truncated : SrtpError::malformed);
  const rtp::RtpHeaderView& h = *hr;
  const std::size_t out_len = len + c.mki_len + c.srtp_tag_len;
  if (out_len > buf.size()) return Unexpected(SrtpError::no_room);

  MasterKeyState& mk = c.masters[c.active];
  if (mk.srtp_used >= mk.srtp_limit) return Unexpected(SrtpError::key_exhausted);
  Stream& s = c.get_or_create(h.ssrc);
  const std::int64_t est = estimate_index(s.rtp_started, s.rtp_highest, s.initial_roc, h.sequence);
  if (est < 0) return Unexpected(SrtpError::too_old);
  const std::uint64_t index = static_cast<std::uint64_t>(est);
  const std::uint32_t roc = static_cast<std::uint32_t>(index >> 16);
  SessionKeys* k = c.rtp_keys(c.active, &s, index);
  if (k == nullptr) return Unexpected(SrtpError::crypto_failure);

  bool ok = true;
  header_crypt(c, *k, h, p, index, ok);
  if (!ok) return Unexpected(SrtpError::malformed);
  std::span<std::uint8_t> payload(p + h.header_len, len - h.header_len);

  if (k->gcm) {
    std::uint8_t iv[12];
    gaes_cm_iv(iv, k->salt, h.ssrc, roc, h.sequence);
    // RFC 7714 section 8.3: without encryption the whole packet is AAD and nothing is encrypted.
    const bool enc = c.policy.encrypt_rtp;
    if (!k->gcm->seal(std::span<const std::uint8_t, 12>(iv, 12),
                      std::span<const std::uint8_t>(p, enc ? h.header_len : len),
                      enc ? payload : std::span<std::uint8_t>(), std::span<std::uint8_t>(p + len, c.srtp_tag_len))) {
      return Unexpected(SrtpError::crypto_failure);
    }
    if (c.mki_len != 0) std::memcpy(p + len + c.srtp_tag_len, mk.mki.data(), c.mki_len);
  } else {
    if (c.policy.encrypt_rtp) apply_cipher(*k, h, p, index, payload);
    if (c.mki_len != 0) std::memcpy(p + len, mk.mki.data(), c.mki_len);
    if (c.srtp_tag_len != 0) {
      std::uint8_t roc_be[4];
      std::uint8_t tag[crypto::HmacSha1::kDigestSize];
      store_be32(roc_be, roc);
      k->mac->compute(std::span<const std::uint8_t>(p, len), roc_be, tag);
      std::memcpy(p + len + c.mki_len, tag, c.srtp_tag_len);
    }
  }

  if (!s.rtp_started || index > s.rtp_highest) s.rtp_highest = index;
  s.rtp_started = true;
  ++mk.srtp_used;
  ++c.counters.rtp_packets;
  return out_len;
}

PacketResult unprotect(Context::Impl& c, std::span<std::uint8_t> buf, std::size_t len) noexcept {
  if (len > buf.size()) return Unexpected(SrtpError::truncated);
  std::uint8_t* p = buf.data();
  const std::size_t trailer = c.mki_len + c.srtp_tag_len;
  if (len < 12 + trailer) return Unexpected(SrtpError::truncated);
  const std::size_t body_len = len - trailer;  // header + payload
  auto hr = rtp::parse_rtp_header(std::span<const std::uint8_t>(p, body_len));
  if (!hr) return Unexpected(hr.error() == rtp::HeaderError::truncated ? SrtpError::truncated : SrtpError::malformed);
  const rtp::RtpHeaderView& h = *hr;
  const bool aead = c.suite->auth == Auth::aead;

  // MKI: before the tag for HMAC suites, after it for AEAD (RFC 7714 section 8).
  std::size_t key_index = 0;
  if (c.mki_len != 0) {
    const std::uint8_t* mki = aead ? p + len - c.mki_len : p + body_len;
    MasterKeyState* found = c.key_by_mki(mki);
    if (found == nullptr) return Unexpected(SrtpError::unknown_mki);
    key_index = static_cast<std::size_t>(found - c.masters.data());
  }
  MasterKeyState& mk = c.masters[key_index];

  Stream* s = c.find(h.ssrc);
  const std::int64_t est = s ? estimate_index(s->rtp_started, s->rtp_highest, s->initial_roc, h.sequence)
                             : static_cast<std::int64_t>(h.sequence);
  if (est < 0) return Unexpected(SrtpError::too_old);
  const std::uint64_t index = static_cast<std::uint64_t>(est);
  const std::uint32_t roc = static_cast<std::uint32_t>(index >> 16);
  if (s != nullptr && s->rtp_started) {
    switch (s->rtp_window.check(index)) {
      case ReplayWindow::Verdict::fresh: break;
      case ReplayWindow::Verdict::replay: return Unexpected(SrtpError::replay);
      case ReplayWindow::Verdict::too_old: return Unexpected(SrtpError::too_old);
    }
  }
  if (mk.srtp_used >= mk.srtp_limit) return Unexpected(SrtpError::key_exhausted);
  SessionKeys* k = c.rtp_keys(key_index, s, index);
  // Unknown SSRC in an epoch not derived yet: refused like a bad tag, at no cost (context_impl.hpp).
  if (k == nullptr) return Unexpected(s == nullptr ? SrtpError::auth_failure : SrtpError::crypto_failure);

  std::span<std::uint8_t> payload(p + h.header_len, body_len - h.header_len);
  if (aead) {
    std::uint8_t iv[12];
    gaes_cm_iv(iv, k->salt, h.ssrc, roc, h.sequence);
    const std::size_t ct_len = body_len - h.header_len;
    // For AEAD the tag sits right after the ciphertext and before the MKI.
    const std::size_t tag_at = len - c.mki_len - c.srtp_tag_len;
    const bool enc = c.policy.encrypt_rtp;
    if (!k->gcm->open(std::span<const std::uint8_t, 12>(iv, 12),
                      std::span<const std::uint8_t>(p, enc ? h.header_len : body_len),
                      enc ? std::span<std::uint8_t>(p + h.header_len, ct_len) : std::span<std::uint8_t>(),
                      std::span<const std::uint8_t>(p + tag_at, c.srtp_tag_len))) {
      return Unexpected(SrtpError::auth_failure);
    }
  } else {
    if (c.srtp_tag_len != 0) {
      std::uint8_t roc_be[4];
      std::uint8_t tag[crypto::HmacSha1::kDigestSize];
      store_be32(roc_be, roc);
      k->mac->compute(std::span<const std::uint8_t>(p, body_len), roc_be, tag);
      if (!crypto::constant_time_equal(std::span<const std::uint8_t>(tag, c.srtp_tag_len),
                                       std::span<const std::uint8_t>(p + len - c.srtp_tag_len, c.srtp_tag_len))) {
        return Unexpected(SrtpError::auth_failure);
      }
    }
    if (c.policy.encrypt_rtp) apply_cipher(*k, h, p, index, payload);
  }
  bool ok = true;
  header_crypt(c, *k, h, p, index, ok);
  if (!ok) return Unexpected(SrtpError::malformed);

  // Authenticated: only now does the packet change the stream state.
  if (s == nullptr) s = &c.get_or_create(h.ssrc);
  if (!s->rtp_started || index > s->rtp_highest) s->rtp_highest = index;
  s->rtp_started = true;
  s->rtp_window.accept(index);
  ++mk.srtp_used;
  ++c.counters.rtp_packets;
  return body_len;
}

}  // namespace

PacketResult Context::protect_rtp(std::span<std::uint8_t> buf, std::size_t len) noexcept {
  if (impl_->dir != Direction::outbound) return impl_->count(Unexpected(SrtpError::wrong_direction));
  return impl_->count(protect(*impl_, buf, len));
}

PacketResult Context::unprotect_rtp(std::span<std::uint8_t> buf, std::size_t len) noexcept {
  if (impl_->dir != Direction::inbound) return impl_->count(Unexpected(SrtpError::wrong_direction));
  return impl_->count(unprotect(*impl_, buf, len));
}

}  // namespace sotto::srtp
