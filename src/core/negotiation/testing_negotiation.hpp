#pragma once
// Test helpers for the negotiator (test-only header): capabilities, policies, offers as text, the
// wire (serialize + parse), and real SRTP packets through the negotiated policies.
//
//   auto offer = make_offer(testing::audio_caps(), testing::policy(SrtpMode::require), SignallingContext::tls());
//   auto wire = testing::wire(offer->sdp);                      // what the peer parses
//   EXPECT_TRUE(testing::media_flows(alice.tx, bob.rx));        // protect -> unprotect, 20 packets

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "core/negotiation/answerer.hpp"
#include "core/negotiation/media_security_policy.hpp"
#include "core/negotiation/offerer.hpp"
#include "core/sdes/testing_keys.hpp"
#include "core/sdp/sdp.hpp"
#include "core/srtp/context.hpp"
#include "core/srtp/testing_packets.hpp"

namespace sotto::negotiation::testing {

inline sdp::LocalCapabilities audio_caps(std::uint16_t port = 40000, std::string proto = "RTP/AVP",
                                         std::string address = "192.0.2.10") {
  sdp::LocalCapabilities caps;
  caps.session_id = "4858949";
  caps.address = std::move(address);
  sdp::MediaCapabilities m;
  m.port = port;
  m.protos = {std::move(proto)};
  m.codecs = {sdp::CodecCapability{"PCMU", 8000, {}, {}, {}},
              sdp::CodecCapability{"telephone-event", 8000, {}, {}, std::string("0-16")}};
  caps.media.push_back(m);
  return caps;
}

inline MediaSecurityPolicy policy(SrtpMode mode, OfferProfile profile = OfferProfile::savp,
                                  std::vector<srtp::SuiteId> suites = default_suites()) {
  MediaSecurityPolicy p;
  p.mode = mode;
  p.offer_profile = profile;
  p.suites = std::move(suites);
  return p;
}

inline SignallingContext udp_allowed() { return SignallingContext::udp(); }  // pair with allow_sdes_...

// What the other side sees: the SDP as text and parsed back.
inline sdp::SessionDescription wire(const sdp::SessionDescription& s) {
  auto parsed = sdp::parse_sdp(sdp::serialize(s));
  EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().message());
  return parsed ? *parsed : sdp::SessionDescription{};
}

inline sdp::SessionDescription parse(const std::string& text) {
  auto parsed = sdp::parse_sdp(text);
  EXPECT_TRUE(parsed) << (parsed ? "" : parsed.error().message());
  return parsed ? *parsed : sdp::SessionDescription{};
}

// An offer with one audio m-line (PCMU + telephone-event) and the given a=crypto values.
inline std::string offer_text(const std::string& proto, const std::vector<std::string>& crypto,
                              const std::string& extra_media_lines = "") {
  std::string s =
      "v=0\r\no=peer 1 1 IN IP4 192.0.2.20\r\ns=-\r\nc=IN IP4 192.0.2.20\r\nt=0 0\r\n"
      "m=audio 30000 " + proto + " 0 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/8000\r\n";
  for (const auto& c : crypto) s += "a=crypto:" + c + "\r\n";
  return s + extra_media_lines;
}

// "1 AES_CM_128_HMAC_SHA1_80 inline:<key of the suite's length>"
inline std::string crypto_line(std::uint32_t tag, srtp::SuiteId id, std::uint8_t first = 1, std::string tail = "") {
  const srtp::Suite& s = srtp::suite(id);
  return std::to_string(tag) + " " + std::string(s.name) + " inline:" +
         sdes::testing::b64_key(std::size_t{s.master_key_len} + s.master_salt_len, first) + tail;
}

inline const Answer* as_answer(const Result<AnswerOutcome>& r) {
  if (!r) return nullptr;
  return std::get_if<Answer>(&*r);
}
inline const Rejection* as_rejection(const Result<AnswerOutcome>& r) {
  if (!r) return nullptr;
  return std::get_if<Rejection>(&*r);
}

// `count` RTP packets (and one RTCP) protected with `tx` arrive intact through `rx`, starting at
// sequence number `first_seq`. Contexts are created here.
inline ::testing::AssertionResult media_flows(const srtp::Policy& tx, const srtp::Policy& rx, std::uint32_t ssrc = 0x1234,
                                              int count = 20, std::uint16_t first_seq = 1) {
  auto out = srtp::Context::create(srtp::Direction::outbound, tx, srtp::kNoKeyRegistry);
  if (!out) return ::testing::AssertionFailure() << "tx context: " << out.error().message();
  auto in = srtp::Context::create(srtp::Direction::inbound, rx);
  if (!in) return ::testing::AssertionFailure() << "rx context: " << in.error().message();
  for (int i = 0; i < count; ++i) {
    auto plain = srtp::testing::make_rtp(ssrc, static_cast<std::uint16_t>(first_seq + i), 160);
    auto buf = plain;
    buf.resize(plain.size() + out->max_trailer());
    auto n = out->protect_rtp(buf, plain.size());
    if (!n) return ::testing::AssertionFailure() << "protect failed at packet " << i;
    auto m = in->unprotect_rtp(buf, *n);
    if (!m) return ::testing::AssertionFailure() << "unprotect failed at packet " << i;
    if (*m != plain.size() || !std::equal(plain.begin(), plain.end(), buf.begin())) {
      return ::testing::AssertionFailure() << "packet " << i << " differs after the round trip";
    }
  }
  auto rtcp = srtp::testing::make_rtcp(ssrc);
  auto buf = rtcp;
  buf.resize(rtcp.size() + out->max_trailer());
  auto n = out->protect_rtcp(buf, rtcp.size());
  if (!n) return ::testing::AssertionFailure() << "protect_rtcp failed";
  auto m = in->unprotect_rtcp(buf, *n);
  if (!m || *m != rtcp.size()) return ::testing::AssertionFailure() << "unprotect_rtcp failed";
  return ::testing::AssertionSuccess();
}

// Base64 of every key in `attrs`, to check a text never contains one.
inline std::vector<std::string> key_texts(const std::vector<sdes::CryptoAttribute>& attrs) {
  std::vector<std::string> out;
  for (const auto& a : attrs) {
    for (const auto& k : a.keys) {
      std::string line = sdes::serialize(k);  // "inline:<b64>..."
      auto colon = line.find(':');
      auto bar = line.find('|');
      std::string b64 = line.substr(colon + 1, bar == std::string::npos ? std::string::npos : bar - colon - 1);
      out.push_back(sdes::testing::unpadded(b64));
    }
  }
  return out;
}

}  // namespace sotto::negotiation::testing
