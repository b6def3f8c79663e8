#pragma once
// Test helpers for the SRTP engine: policies with deterministic keys and RTP/RTCP packet builders.
//
//   Policy p = test_policy(SuiteId::AEAD_AES_128_GCM);
//   std::vector<std::uint8_t> pkt = make_rtp(/*ssrc=*/1, /*seq=*/7, /*payload=*/160);
//   pkt.resize(pkt.size() + 64);   // room for the trailer

#include <cstdint>
#include <vector>

#include "core/srtp/policy.hpp"
#include "core/rtp/rtp_header.hpp"

namespace sotto::srtp::testing {

inline MasterKey test_key(const Suite& s, std::uint8_t seed, std::vector<std::uint8_t> mki = {}) {
  MasterKey k;
  k.key = SecureBytes(s.master_key_len);
  k.salt = SecureBytes(s.master_salt_len);
  for (std::size_t i = 0; i < k.key.size(); ++i) k.key[i] = static_cast<std::uint8_t>(seed + i * 7);
  for (std::size_t i = 0; i < k.salt.size(); ++i) k.salt[i] = static_cast<std::uint8_t>(seed * 3 + i);
  k.mki = std::move(mki);
  return k;
}

inline Policy test_policy(SuiteId id, std::uint8_t seed = 1) {
  Policy p;
  p.suite = id;
  p.keys.push_back(test_key(suite(id), seed));
  return p;
}

inline std::vector<std::uint8_t> make_rtp(std::uint32_t ssrc, std::uint16_t seq, std::size_t payload,
                                          std::uint8_t csrcs = 0, std::size_t ext_words = 0) {
  std::vector<std::uint8_t> p(12);
  p[0] = static_cast<std::uint8_t>(0x80 | (ext_words ? 0x10 : 0) | csrcs);
  p[1] = 0;  // PCMU
  rtp::store_be16(&p[2], seq);
  rtp::store_be32(&p[4], seq * 160u);
  rtp::store_be32(&p[8], ssrc);
  for (std::uint8_t i = 0; i < csrcs; ++i) {
    for (int b = 0; b < 4; ++b) p.push_back(static_cast<std::uint8_t>(0x40 + i));
  }
  if (ext_words) {
    p.push_back(0xBE);
    p.push_back(0xDE);
    p.push_back(0);
    p.push_back(static_cast<std::uint8_t>(ext_words));
    for (std::size_t i = 0; i < ext_words * 4; ++i) p.push_back(static_cast<std::uint8_t>(0xA0 + i));
  }
  for (std::size_t i = 0; i < payload; ++i) p.push_back(static_cast<std::uint8_t>(seq + i));
  return p;
}

// A receiver report (RFC 3550 6.4.2) with one report block, padded to `extra` more bytes of SDES-like data.
inline std::vector<std::uint8_t> make_rtcp(std::uint32_t ssrc, std::size_t extra = 24) {
  std::vector<std::uint8_t> p = {0x81, 201, 0, 7};
  p.resize(8);
  rtp::store_be32(&p[4], ssrc);
  for (std::size_t i = 0; i < extra; ++i) p.push_back(static_cast<std::uint8_t>(i * 13));
  return p;
}

}  // namespace sotto::srtp::testing
