// Context setup, validation and per-stream bookkeeping. The packet transforms are in
// srtp_transform.cpp (RTP) and srtcp_transform.cpp (RTCP).
#include "core/srtp/context.hpp"

#include <algorithm>
#include <string>

#include "core/srtp/context_impl.hpp"

namespace sotto::srtp {
namespace {

std::string sz(std::size_t n) { return std::to_string(n); }

Status validate(const Suite& s, const Policy& p) {
  const std::string name(s.name);
  if (p.keys.empty()) return fail(Errc::invalid_argument, name + ": no master key given");
  const std::size_t mki_len = p.keys.front().mki.size();
  for (std::size_t i = 0; i < p.keys.size(); ++i) {
    const MasterKey& k = p.keys[i];
    const std::string which = name + " master key " + sz(i + 1);
    if (k.key.size() != s.master_key_len) {
      return fail(Errc::invalid_argument,
                  which + ": key is " + sz(k.key.size()) + " bytes, expected " + sz(s.master_key_len));
    }
    if (k.salt.size() != s.master_salt_len) {
      return fail(Errc::invalid_argument,
                  which + ": salt is " + sz(k.salt.size()) + " bytes, expected " + sz(s.master_salt_len));
    }
    if (k.mki.size() != mki_len) {
      return fail(Errc::invalid_argument, which + ": MKI length " + sz(k.mki.size()) +
                                              " differs from the first key's " + sz(mki_len));
    }
    if (k.mki.size() > 4) return fail(Errc::unsupported, which + ": MKI longer than 4 bytes");
    if (k.lifetime && *k.lifetime == 0) return fail(Errc::invalid_argument, which + ": lifetime 0");
    if (k.lifetime && *k.lifetime > s.srtp_max_lifetime) {
      return fail(Errc::invalid_argument, which + ": lifetime exceeds 2^48 packets (RFC 3711 section 9.2)");
    }
  }
  if (p.keys.size() > 1 && mki_len == 0) {
    return fail(Errc::invalid_argument, name + ": several master keys need an MKI to tell them apart");
  }
  for (std::size_t i = 0; i < p.keys.size(); ++i) {
    for (std::size_t j = i + 1; j < p.keys.size(); ++j) {
      if (p.keys[i].mki == p.keys[j].mki) {
        return fail(Errc::invalid_argument, name + ": master keys " + sz(i + 1) + " and " + sz(j + 1) + " share an MKI");
      }
    }
  }
  if (p.kdr_exponent && *p.kdr_exponent > 24) {
    return fail(Errc::invalid_argument, "KDR=" + sz(*p.kdr_exponent) + " out of range 0..24 (RFC 4568 section 6.3.1)");
  }
  if (p.replay_window < 64 || p.replay_window > 32768) {
    return fail(Errc::invalid_argument, "replay window " + sz(p.replay_window) + " out of range 64..32768");
  }
  // RFC 7714: an AEAD suite always authenticates; it may leave SRTP unencrypted (section 8.3).
  if (s.auth == Auth::aead && !p.authenticate_rtp) {
    return fail(Errc::invalid_argument, name + ": AEAD suites cannot be UNAUTHENTICATED_SRTP");
  }
  if (!p.encrypted_header_ids.empty() && s.cipher == Cipher::aes_gcm) {
    return fail(Errc::unsupported, name + ": RFC 6904 header extension encryption is implemented for AES-CM and f8 suites only");
  }
  for (std::uint8_t id : p.encrypted_header_ids) {
    if (id == 0) return fail(Errc::invalid_argument, "header extension ID 0 cannot be encrypted (it is padding)");
  }
  return {};
}

}  // namespace

std::int64_t estimate_index(bool started, std::uint64_t highest, std::uint32_t initial_roc,
                            std::uint16_t seq) noexcept {
  if (!started) return static_cast<std::int64_t>((std::uint64_t{initial_roc} << 16) | seq);
  const std::int64_t roc = static_cast<std::int64_t>(highest >> 16);
  const std::uint16_t s_l = static_cast<std::uint16_t>(highest & 0xffff);
  std::int64_t v = roc;
  if (s_l < 32768) {
    if (seq > s_l && seq - s_l > 32768) v = roc - 1;
  } else {
    if (seq < s_l - 32768) v = roc + 1;
  }
  if (v > 0xffffffffLL) return -1;  // ROC would overflow: key must have been changed long before
  return v * 65536 + seq;
}

Result<Context> Context::create(Direction dir, const Policy& policy, KeyRegistry* outbound_keys) {
  const Suite& s = srtp::suite(policy.suite);
  if (Status st = validate(s, policy); !st) return Unexpected(st.error());

  auto impl = std::make_unique<Impl>();
  impl->dir = dir;
  impl->suite = &s;
  impl->policy = policy;
  impl->policy.keys.clear();  // key material lives only in `masters` from here on
  impl->mki_len = policy.keys.front().mki.size();
  impl->srtp_tag_len = policy.authenticate_rtp ? s.srtp_tag_len : 0;
  impl->srtcp_tag_len = s.srtcp_tag_len;
  impl->header_encryption = !policy.encrypted_header_ids.empty() && s.cipher != Cipher::null && policy.encrypt_rtp;
  for (std::uint8_t id : policy.encrypted_header_ids) impl->encrypted_ids[id / 8] |= static_cast<std::uint8_t>(1u << (id % 8));

  for (const MasterKey& mk : policy.keys) {
    auto kdf = KeyDerivation::create(mk.key.span(), mk.salt.span());
    if (!kdf) return Unexpected(kdf.error());
    auto rtp = SessionKeys::derive_rtp(s, *kdf, 0, impl->header_encryption);
    if (!rtp) return Unexpected(rtp.error());
    auto rtcp = SessionKeys::derive_rtcp(s, *kdf, 0);
    if (!rtcp) return Unexpected(rtcp.error());
    MasterKeyState st{std::move(*kdf), mk.mki, 0, 0, 0, 0, std::move(*rtp), std::move(*rtcp)};
    st.srtp_limit = std::min(mk.lifetime.value_or(s.srtp_max_lifetime), s.srtp_max_lifetime);
    st.srtcp_limit = std::min(mk.lifetime.value_or(s.srtcp_max_lifetime), s.srtcp_max_lifetime);
    impl->masters.push_back(std::move(st));
  }
  // Last, so that a context that cannot be built does not use up its keys.
  if (dir == Direction::outbound && outbound_keys != nullptr) {
    if (Status st = outbound_keys->claim(policy); !st) return Unexpected(st.error());
  }
  return Context(std::move(impl));
}

Context::Context(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Context::Context(Context&&) noexcept = default;
Context& Context::operator=(Context&&) noexcept = default;
Context::~Context() = default;

std::size_t Context::max_trailer() const noexcept {
  return 4 + impl_->mki_len + std::max(impl_->srtp_tag_len, impl_->srtcp_tag_len);
}

std::optional<std::uint32_t> Context::roc(std::uint32_t ssrc) const noexcept {
  const Stream* s = impl_->find(ssrc);
  if (s == nullptr) return std::nullopt;
  return s->rtp_started ? static_cast<std::uint32_t>(s->rtp_highest >> 16) : s->initial_roc;
}

void Context::set_roc(std::uint32_t ssrc, std::uint32_t roc) {
  Stream& s = impl_->get_or_create(ssrc);
  if (s.rtp_started) {
    // Keep s_l, move the ROC (RFC 4568 section 7.1.4: the ROC continues across re-keying).
    s.rtp_highest = (std::uint64_t{roc} << 16) | (s.rtp_highest & 0xffff);
    s.rtp_window.reset();
    if (impl_->dir == Direction::inbound) {
      s.rtp_started = false;  // the next authenticated packet restarts the window under this ROC
      s.initial_roc = roc;
    }
  } else {
    s.initial_roc = roc;
  }
}

std::size_t Context::continue_from(const Context& previous) {
  std::size_t carried = 0;
  for (const auto& [ssrc, old] : previous.impl_->streams) {
    Stream& s = impl_->get_or_create(ssrc);
    const std::uint32_t roc = old.rtp_started ? static_cast<std::uint32_t>(old.rtp_highest >> 16) : old.initial_roc;
    if (impl_->dir == Direction::outbound) {
      // Sending goes on at the next index: ROC and sequence (SRTP), and the SRTCP index.
      s.rtp_started = old.rtp_started;
      s.rtp_highest = old.rtp_highest;
      s.initial_roc = old.initial_roc;
      s.rtcp_next_index = old.rtcp_next_index;
    } else {
      // The peer's ROC (RFC 4568 section 7.1.4); the windows start again with the first packet that
      // authenticates under the new key.
      s.rtp_started = false;
      s.initial_roc = roc;
      s.rtp_window.reset();
      s.rtcp_window.reset();
    }
    ++carried;
  }
  return carried;
}

std::size_t Context::resume_receiving_from(const Context& previous) {
  if (impl_->dir != Direction::inbound || previous.impl_->dir != Direction::inbound) return 0;
  std::size_t carried = 0;
  for (const auto& [ssrc, old] : previous.impl_->streams) {
    impl_->get_or_create(ssrc) = old;  // same key: its indexes and windows stay valid as they are
    ++carried;
  }
  return carried;
}

std::vector<std::uint32_t> Context::ssrcs() const {
  std::vector<std::uint32_t> out;
  out.reserve(impl_->streams.size());
  for (const auto& [ssrc, s] : impl_->streams) out.push_back(ssrc);
  return out;
}

std::optional<std::uint64_t> Context::rtp_index_for(std::uint32_t ssrc, std::uint16_t seq) const noexcept {
  const Stream* s = impl_->find(ssrc);
  const std::int64_t est = s ? estimate_index(s->rtp_started, s->rtp_highest, s->initial_roc, seq)
                             : estimate_index(false, 0, 0, seq);
  if (est < 0) return std::nullopt;
  return static_cast<std::uint64_t>(est);
}

std::optional<std::uint32_t> Context::next_srtcp_index(std::uint32_t ssrc) const noexcept {
  const Stream* s = impl_->find(ssrc);
  if (s == nullptr || impl_->dir != Direction::outbound) return std::nullopt;
  return s->rtcp_next_index;
}

Status Context::set_active_key(std::size_t index) {
  if (index >= impl_->masters.size()) {
    return fail(Errc::invalid_argument, "master key index " + std::to_string(index) + " out of range (have " +
                                            std::to_string(impl_->masters.size()) + ")");
  }
  impl_->active = index;
  return {};
}

std::size_t Context::active_key() const noexcept { return impl_->active; }
const Counters& Context::counters() const noexcept { return impl_->counters; }
std::size_t Context::stream_count() const noexcept { return impl_->streams.size(); }
const Suite& Context::suite() const noexcept { return *impl_->suite; }
Direction Context::direction() const noexcept { return impl_->dir; }

Stream* Context::Impl::find(std::uint32_t ssrc) noexcept {
  if (last_stream != nullptr && last_ssrc == ssrc) return last_stream;
  auto it = streams.find(ssrc);
  if (it == streams.end()) return nullptr;
  last_ssrc = ssrc;
  last_stream = &it->second;
  return last_stream;
}

Stream& Context::Impl::get_or_create(std::uint32_t ssrc) {
  if (Stream* s = find(ssrc)) return *s;
  auto [it, inserted] = streams.try_emplace(ssrc, policy.replay_window);
  (void)inserted;
  ++counters.streams_created;
  last_ssrc = ssrc;
  last_stream = &it->second;
  return it->second;
}

MasterKeyState* Context::Impl::key_by_mki(const std::uint8_t* mki) noexcept {
  for (MasterKeyState& k : masters) {
    if (std::equal(k.mki.begin(), k.mki.end(), mki)) return &k;
  }
  return nullptr;
}

namespace {
SessionKeys* epoch_keys(Context::Impl& ctx, std::array<KdrCache, Context::Impl::kEpochSlots>& slots,
                        std::size_t& next_slot, bool may_derive, std::size_t k, std::uint64_t r, bool rtp) {
  MasterKeyState& mk = ctx.masters[k];
  if (r == 0) return rtp ? &mk.rtp : &mk.rtcp;  // derived at creation
  for (KdrCache& c : slots) {
    if (c.key_index == k && c.r == r) return &c.keys;
  }
  if (!may_derive) return nullptr;
  auto keys = rtp ? SessionKeys::derive_rtp(*ctx.suite, mk.kdf, r, ctx.header_encryption)
                  : SessionKeys::derive_rtcp(*ctx.suite, mk.kdf, r);
  if (!keys) return nullptr;
  KdrCache& c = slots[next_slot];
  next_slot = (next_slot + 1) % slots.size();
  c.keys = std::move(*keys);
  c.key_index = k;
  c.r = r;
  ++ctx.counters.key_derivations;
  return &c.keys;
}
}  // namespace

// SRTP of an unknown SSRC: its index is its sequence number (ROC 0), so with a KDR of 2^16 or more
// (what the negotiator accepts by default) the epoch is 0 and nothing is derived, forged or not. Below
// that (only when configured) a new stream may begin in any epoch (random initial sequence numbers), so
// it may cost one derivation. SRTCP of an unknown SSRC: its index is whatever the packet claims, but a
// new stream starts at index 0 (RFC 3711 3.4; re-keyed streams are carried by continue_from), so only
// keys already derived are used: a forged SRTCP packet never costs a derivation.
SessionKeys* Context::Impl::rtp_keys(std::size_t k, Stream*, std::uint64_t index) noexcept {
  if (!policy.kdr_exponent) return &masters[k].rtp;
  return epoch_keys(*this, rtp_epochs, rtp_next_slot, true, k, index >> *policy.kdr_exponent, true);
}

SessionKeys* Context::Impl::rtcp_keys(std::size_t k, Stream* s, std::uint64_t index) noexcept {
  if (!policy.kdr_exponent) return &masters[k].rtcp;
  return epoch_keys(*this, rtcp_epochs, rtcp_next_slot, s != nullptr, k, index >> *policy.kdr_exponent, false);
}

PacketResult Context::Impl::count(PacketResult r) noexcept {
  if (r) return r;
  switch (r.error()) {
    case SrtpError::auth_failure: ++counters.auth_failures; break;
    case SrtpError::replay: ++counters.replays; break;
    case SrtpError::too_old: ++counters.too_old; break;
    case SrtpError::truncated: ++counters.truncated; break;
    case SrtpError::malformed: ++counters.malformed; break;
    case SrtpError::unknown_mki: ++counters.unknown_mki; break;
    case SrtpError::key_exhausted: ++counters.key_exhausted; break;
    case SrtpError::no_room: ++counters.no_room; break;
    case SrtpError::crypto_failure: ++counters.crypto_failures; break;
    case SrtpError::wrong_direction: ++counters.wrong_direction; break;
  }
  return r;
}

std::string_view to_string(SrtpError e) noexcept {
  switch (e) {
    case SrtpError::auth_failure: return "authentication failed";
    case SrtpError::replay: return "replayed packet";
    case SrtpError::too_old: return "packet older than the replay window";
    case SrtpError::truncated: return "packet truncated";
    case SrtpError::malformed: return "malformed packet";
    case SrtpError::unknown_mki: return "unknown MKI";
    case SrtpError::key_exhausted: return "master key lifetime exhausted";
    case SrtpError::no_room: return "no room for the SRTP trailer";
    case SrtpError::crypto_failure: return "crypto library failure";
    case SrtpError::wrong_direction: return "wrong direction for this context";
  }
  return "unknown SRTP error";
}

}  // namespace sotto::srtp
