#pragma once
// Internal state of a Context, shared by context.cpp (setup), srtp_transform.cpp (RTP) and
// srtcp_transform.cpp (RTCP). Not part of the public API.

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "core/srtp/context.hpp"
#include "core/srtp/key_derivation.hpp"
#include "core/srtp/replay_window.hpp"
#include "core/srtp/session_keys.hpp"

namespace sotto::srtp {

struct MasterKeyState {
  KeyDerivation kdf;
  std::vector<std::uint8_t> mki;
  std::uint64_t srtp_limit = 0;   // packets this key may still protect/accept, SRTP
  std::uint64_t srtcp_limit = 0;  // and SRTCP
  std::uint64_t srtp_used = 0;
  std::uint64_t srtcp_used = 0;
  SessionKeys rtp;   // r = 0; used when no KDR is set
  SessionKeys rtcp;
};

// Session keys re-derived for one stream when a key derivation rate is set (RFC 3711 4.3.1).
struct KdrCache {
  std::size_t key_index = SIZE_MAX;
  std::uint64_t r = UINT64_MAX;
  SessionKeys keys;
};

struct Stream {
  explicit Stream(std::uint32_t window) : rtp_window(window), rtcp_window(window) {}
  // SRTP: the highest index seen (RFC 3711 3.3.1 s_l and ROC), or the ROC to start with.
  bool rtp_started = false;
  std::uint64_t rtp_highest = 0;     // ROC * 2^16 + s_l
  std::uint32_t initial_roc = 0;
  ReplayWindow rtp_window;           // inbound only
  // SRTCP
  std::uint32_t rtcp_next_index = 0; // outbound: index of the next packet (starts at 0, RFC 3711 3.4)
  ReplayWindow rtcp_window;          // inbound only
};

struct Context::Impl {
  Direction dir;
  const Suite* suite;
  Policy policy;   // keys moved out into masters (policy.keys is cleared)
  std::vector<MasterKeyState> masters;
  std::size_t active = 0;
  std::size_t mki_len = 0;
  std::size_t srtp_tag_len = 0;      // 0 when UNAUTHENTICATED_SRTP or NULL_AUTH
  std::size_t srtcp_tag_len = 0;
  bool header_encryption = false;
  std::uint8_t encrypted_ids[32] = {};  // bitmap of RFC 6904 extension IDs (1..255)

  std::unordered_map<std::uint32_t, Stream> streams;
  std::uint32_t last_ssrc = 0;
  Stream* last_stream = nullptr;
  // With a KDR (RFC 3711 4.3.1): session keys of the latest epochs derived, shared by all streams
  // (the keys of epoch r do not depend on the SSRC). What a packet of an unknown SSRC may cost is in
  // context.cpp (rtp_keys, rtcp_keys): with a KDR of 2^16 or more, one tag check and nothing else.
  static constexpr std::size_t kEpochSlots = 4;
  std::array<KdrCache, kEpochSlots> rtp_epochs;
  std::array<KdrCache, kEpochSlots> rtcp_epochs;
  std::size_t rtp_next_slot = 0;
  std::size_t rtcp_next_slot = 0;
  Counters counters;

  Stream* find(std::uint32_t ssrc) noexcept;
  Stream& get_or_create(std::uint32_t ssrc);
  // The MasterKeyState named by the MKI at `mki`, or nullptr.
  MasterKeyState* key_by_mki(const std::uint8_t* mki) noexcept;
  // SessionKeys for SRTP/SRTCP under key `k` at index `index`, honouring the KDR. nullptr when `s` is
  // null (unknown SSRC) and the epoch's keys are not derived yet, or when derivation failed.
  SessionKeys* rtp_keys(std::size_t k, Stream* s, std::uint64_t index) noexcept;
  SessionKeys* rtcp_keys(std::size_t k, Stream* s, std::uint64_t index) noexcept;
  bool id_encrypted(std::uint8_t id) const noexcept { return (encrypted_ids[id / 8] >> (id % 8)) & 1; }

  PacketResult count(PacketResult r) noexcept;
};

// RFC 3711 section 3.3.1: the index of a received (or sent) sequence number given the highest index
// so far. Negative when the guess would be ROC - 1 at ROC 0 (a packet from before the stream start).
std::int64_t estimate_index(bool started, std::uint64_t highest, std::uint32_t initial_roc,
                            std::uint16_t seq) noexcept;

// RFC 3711 section 4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), i the 48-bit SRTP
// index or the 31-bit SRTCP index.
inline void aes_cm_iv(std::uint8_t iv[16], const std::uint8_t* salt, std::uint32_t ssrc, std::uint64_t index) noexcept {
  for (int i = 0; i < 14; ++i) iv[i] = salt[i];
  iv[14] = iv[15] = 0;
  iv[4] ^= static_cast<std::uint8_t>(ssrc >> 24);
  iv[5] ^= static_cast<std::uint8_t>(ssrc >> 16);
  iv[6] ^= static_cast<std::uint8_t>(ssrc >> 8);
  iv[7] ^= static_cast<std::uint8_t>(ssrc);
  for (int i = 0; i < 6; ++i) iv[13 - i] ^= static_cast<std::uint8_t>(index >> (8 * i));
}

// RFC 6904: XOR the data of the selected header extension elements with `keystream`-derived bytes.
// Returns false when the extension block is malformed.
bool apply_header_encryption(const Context::Impl& ctx, SessionKeys& keys, std::span<const std::uint8_t, 16> iv,
                             std::uint8_t* ext, std::size_t ext_len, std::uint16_t profile) noexcept;

}  // namespace sotto::srtp
