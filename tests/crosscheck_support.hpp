#pragma once
// Helpers shared by the libsrtp/EVP cross-check tests: deterministic keys, RTP and compound RTCP
// builders, and a readable description of where two protected packets first differ.
//
//   srtp::Policy p = xc::policy(SuiteId::AEAD_AES_128_GCM, /*seed=*/7);
//   auto pkt = xc::rtp_packet(0x1234, 65000, /*payload=*/160, /*csrcs=*/2, /*ext_words=*/1);
//   if (auto d = xc::first_difference(a, b)) ADD_FAILURE() << *d;

#include <cstdint>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/srtp/policy.hpp"
#include "core/srtp/suite.hpp"

namespace sotto::xc {

// Packets per RTP cross-check run: SOTTO_CROSSCHECK_PACKETS (ASan CI scales it down), default 132000
// (from seq 65000, the main SSRC's ROC goes 0 -> 2).
inline std::size_t packet_count() {
  if (const char* env = std::getenv("SOTTO_CROSSCHECK_PACKETS")) {
    char* end = nullptr;
    unsigned long v = std::strtoul(env, &end, 10);
    if (end != env && v >= 100) return v;
  }
  return 132000;
}

inline srtp::MasterKey master_key(const srtp::Suite& s, std::uint8_t seed, std::vector<std::uint8_t> mki = {}) {
  srtp::MasterKey k;
  k.key = SecureBytes(s.master_key_len);
  k.salt = SecureBytes(s.master_salt_len);
  for (std::size_t i = 0; i < k.key.size(); ++i) k.key[i] = static_cast<std::uint8_t>(seed * 31 + i * 7 + 1);
  for (std::size_t i = 0; i < k.salt.size(); ++i) k.salt[i] = static_cast<std::uint8_t>(seed * 17 + i * 3 + 5);
  k.mki = std::move(mki);
  return k;
}

inline srtp::Policy policy(srtp::SuiteId id, std::uint8_t seed) {
  srtp::Policy p;
  p.suite = id;
  p.keys.push_back(master_key(srtp::suite(id), seed));
  return p;
}

inline void put16(std::vector<std::uint8_t>& v, std::size_t at, std::uint16_t x) {
  v[at] = static_cast<std::uint8_t>(x >> 8);
  v[at + 1] = static_cast<std::uint8_t>(x);
}
inline void put32(std::vector<std::uint8_t>& v, std::size_t at, std::uint32_t x) {
  put16(v, at, static_cast<std::uint16_t>(x >> 16));
  put16(v, at + 2, static_cast<std::uint16_t>(x));
}
inline std::uint32_t get32(std::span<const std::uint8_t> v, std::size_t at) {
  return (std::uint32_t{v[at]} << 24) | (std::uint32_t{v[at + 1]} << 16) | (std::uint32_t{v[at + 2]} << 8) |
         v[at + 3];
}

// RTP (RFC 3550 5.1) with `csrcs` CSRCs and, when ext_words > 0, an RFC 8285 one-byte extension block.
inline std::vector<std::uint8_t> rtp_packet(std::uint32_t ssrc, std::uint16_t seq, std::size_t payload,
                                            std::uint8_t csrcs = 0, std::size_t ext_words = 0) {
  std::vector<std::uint8_t> p(12 + 4 * std::size_t{csrcs});
  p[0] = static_cast<std::uint8_t>(0x80 | (ext_words ? 0x10 : 0) | csrcs);
  p[1] = static_cast<std::uint8_t>(seq % 7 == 0 ? 0x80 | 111 : 111);  // marker on some, PT 111
  put16(p, 2, seq);
  put32(p, 4, seq * 960u + 12345u);
  put32(p, 8, ssrc);
  for (std::size_t i = 0; i < csrcs; ++i) put32(p, 12 + 4 * i, 0xC0000000u + static_cast<std::uint32_t>(i));
  if (ext_words) {
    std::size_t at = p.size();
    p.resize(at + 4 + 4 * ext_words, 0);
    put16(p, at, 0xBEDE);
    put16(p, at + 2, static_cast<std::uint16_t>(ext_words));
    p[at + 4] = 0x10;  // id 1, len 1 (one data byte), the rest padding
    p[at + 5] = static_cast<std::uint8_t>(seq);
  }
  for (std::size_t i = 0; i < payload; ++i) p.push_back(static_cast<std::uint8_t>(seq * 13 + i));
  return p;
}

// A compound RTCP packet: SR with `blocks` report blocks, then SDES with one CNAME chunk
// (RFC 3550 6.4.1 and 6.5). Sizes vary with blocks and cname_len.
inline std::vector<std::uint8_t> rtcp_compound(std::uint32_t ssrc, std::uint32_t n, std::uint8_t blocks,
                                               std::size_t cname_len) {
  std::vector<std::uint8_t> p(28 + 24 * std::size_t{blocks});
  p[0] = static_cast<std::uint8_t>(0x80 | blocks);
  p[1] = 200;
  put16(p, 2, static_cast<std::uint16_t>(p.size() / 4 - 1));
  put32(p, 4, ssrc);
  put32(p, 8, 0xE1000000u + n);     // NTP seconds
  put32(p, 12, n * 0x10000u);       // NTP fraction
  put32(p, 16, n * 960u);           // RTP timestamp
  put32(p, 20, n * 50u);            // sender's packet count
  put32(p, 24, n * 8000u);          // sender's octet count
  for (std::size_t b = 0; b < blocks; ++b) {
    put32(p, 28 + 24 * b, 0x5000 + static_cast<std::uint32_t>(b));
    p[32 + 24 * b] = static_cast<std::uint8_t>(n);  // fraction lost, then cumulative lost, ...
    put32(p, 36 + 24 * b, 65000 + n);
  }
  const std::size_t sdes_at = p.size();
  std::size_t chunk = 4 + 2 + cname_len + 1;
  chunk = (chunk + 3) / 4 * 4;
  p.resize(sdes_at + 4 + chunk, 0);
  p[sdes_at] = 0x81;
  p[sdes_at + 1] = 202;
  put16(p, sdes_at + 2, static_cast<std::uint16_t>((4 + chunk) / 4 - 1));
  put32(p, sdes_at + 4, ssrc);
  p[sdes_at + 8] = 1;  // CNAME
  p[sdes_at + 9] = static_cast<std::uint8_t>(cname_len);
  for (std::size_t i = 0; i < cname_len; ++i) p[sdes_at + 10 + i] = static_cast<std::uint8_t>('a' + (n + i) % 26);
  return p;
}

inline std::string hex_byte(std::uint8_t b) {
  const char* d = "0123456789abcdef";
  return std::string{"0x"} + d[b >> 4] + d[b & 15];
}

// nullopt when equal; else "length 182 vs 182, first difference at byte 12 (0x3a vs 0x3b)".
inline std::optional<std::string> first_difference(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  std::size_t n = std::min(a.size(), b.size());
  std::size_t i = 0;
  while (i < n && a[i] == b[i]) ++i;
  if (i == n && a.size() == b.size()) return std::nullopt;
  std::string s = "length " + std::to_string(a.size()) + " vs " + std::to_string(b.size());
  if (i < n) s += ", first difference at byte " + std::to_string(i) + " (" + hex_byte(a[i]) + " vs " + hex_byte(b[i]) + ")";
  else s += ", equal up to the shorter length";
  return s;
}

}  // namespace sotto::xc
