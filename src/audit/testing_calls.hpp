#pragma once
// Test helpers: synthetic calls as captured frames. SIP (INVITE/200/ACK/BYE, REGISTER with digest)
// with SDP offer/answer, RTP and SRTP streams of known audio, fed straight to an Analyzer or written
// as a pcap file.
//
//   CallSpec spec;  spec.offer_crypto = {"1 AES_CM_128_HMAC_SHA1_80 inline:" + key};
//   Capture cap;  add_call(cap, spec);
//   Report r = cap.analyse();

#include <cmath>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "audit/analyzer.hpp"
#include "core/netpkt/testing_frames.hpp"
#include "core/srtp/context.hpp"
#include "crypto/base64.hpp"
#include "media/g711.hpp"

extern "C" {
#include <spandsp/telephony.h>
#include <spandsp/g722.h>
}

namespace sotto::audit::testing {

using namespace netpkt::testing;
using netpkt::IpEndpoint;

inline constexpr std::int64_t kT0 = 1'750'000'000'000'000'000;

struct Capture {
  std::uint32_t link = netpkt::LinkType::raw;
  std::vector<TimedFrame> frames;
  void ip(std::int64_t t, Bytes packet) { frames.push_back({t, std::move(packet)}); }
  void udp(std::int64_t t, const IpEndpoint& s, const IpEndpoint& d, const Bytes& payload) { ip(t, ip_udp(s, d, payload)); }
  Report analyse(AuditOptions o = {}, std::vector<StreamAudio>* audio = nullptr) const {
    Analyzer a(std::move(o));
    std::uint64_t n = 0;
    for (const auto& f : frames) a.frame(++n, f.time_ns, link, f.bytes);
    Report r = a.finish(CaptureInfo{.file = "test", .frames = n});
    if (audio) *audio = a.take_audio();
    return r;
  }
};

// A test signal with structure (so a wrong lag or noise does not correlate): two tones, slow envelope.
inline std::vector<std::int16_t> test_signal(std::size_t n, int rate) {
  std::vector<std::int16_t> v(n);
  for (std::size_t i = 0; i < n; ++i) {
    double t = static_cast<double>(i) / rate;
    double env = 0.5 + 0.5 * std::sin(2 * M_PI * 1.3 * t);
    v[i] = static_cast<std::int16_t>(9000 * env * (std::sin(2 * M_PI * 440 * t) + 0.6 * std::sin(2 * M_PI * 1250 * t + 0.3)));
  }
  return v;
}

struct SrtpKey {
  srtp::SuiteId suite = srtp::SuiteId::AES_CM_128_HMAC_SHA1_80;
  std::vector<std::uint8_t> key_salt;  // master key + salt
  bool unencrypted = false, unauthenticated = false;
  std::string b64() const { return crypto::base64_encode(key_salt); }
};

inline SrtpKey make_key(srtp::SuiteId id, std::uint8_t first) {
  const auto& s = srtp::suite(id);
  SrtpKey k;
  k.suite = id;
  for (std::size_t i = 0; i < std::size_t{s.master_key_len} + s.master_salt_len; ++i) k.key_salt.push_back(static_cast<std::uint8_t>(first + i * 7));
  return k;
}

struct StreamSpec {
  std::uint32_t ssrc = 0x11223344;
  std::uint8_t pt = 0;
  std::uint16_t first_seq = 1000;
  std::uint32_t first_ts = 5000;
  std::size_t packets = 100;
  std::size_t samples_per_packet = 160;
  std::optional<SrtpKey> key{};
  std::vector<std::size_t> drop{};                          // packet indexes not sent
  std::vector<std::pair<std::size_t, std::size_t>> swap{};  // sent in each other's place
  bool plain_payload_under_srtp_label = false;             // fail-open peers: plain RTP although SRTP was agreed
  bool vbr = false;                                        // vary payload sizes
  std::optional<std::uint8_t> audio_level_ext{};             // add an RFC 6464 one-byte extension with this id
};

// RTP packets (protected when spec.key) carrying test_signal encoded per pt (0 PCMU, 8 PCMA, 9 G.722).
// Dropped packets come back empty (the caller skips them), so the timing of the others stays.
inline std::vector<Bytes> rtp_packets(const StreamSpec& spec, std::vector<std::int16_t>* source = nullptr) {
  int rate = spec.pt == 9 ? 16000 : 8000;
  std::size_t per = spec.pt == 9 ? spec.samples_per_packet * 2 : spec.samples_per_packet;
  auto signal = test_signal(per * spec.packets, rate);
  if (source) *source = signal;
  std::vector<std::uint8_t> encoded;
  if (spec.pt == 9) {
    encoded.resize(signal.size() / 2);
    g722_encode_state_t* st = g722_encode_init(nullptr, 64000, 0);
    g722_encode(st, encoded.data(), signal.data(), static_cast<int>(signal.size()));
    g722_encode_free(st);
  } else {
    encoded.resize(signal.size());
    for (std::size_t i = 0; i < signal.size(); ++i) encoded[i] = spec.pt == 8 ? media::alaw_encode(signal[i]) : media::ulaw_encode(signal[i]);
  }
  std::unique_ptr<srtp::Context> tx;
  if (spec.key) {
    srtp::Policy p;
    p.suite = spec.key->suite;
    const auto& su = srtp::suite(spec.key->suite);
    srtp::MasterKey mk;
    mk.key = SecureBytes(std::span<const std::uint8_t>(spec.key->key_salt).first(su.master_key_len));
    mk.salt = SecureBytes(std::span<const std::uint8_t>(spec.key->key_salt).subspan(su.master_key_len));
    p.keys.push_back(std::move(mk));
    p.encrypt_rtp = !spec.key->unencrypted;
    p.authenticate_rtp = !spec.key->unauthenticated;
    tx = std::make_unique<srtp::Context>(srtp::Context::create(srtp::Direction::outbound, p, srtp::kNoKeyRegistry).value());
  }
  std::vector<Bytes> out;
  std::size_t bytes_per = spec.samples_per_packet;
  for (std::size_t i = 0; i < spec.packets; ++i) {
    Bytes pkt = {0x80, spec.pt};
    auto seq = static_cast<std::uint16_t>(spec.first_seq + i);
    put16(pkt, seq);
    put32(pkt, static_cast<std::uint32_t>(spec.first_ts + i * spec.samples_per_packet));
    put32(pkt, spec.ssrc);
    if (spec.audio_level_ext) {
      pkt[0] |= 0x10;
      put16(pkt, 0xBEDE);
      put16(pkt, 1);
      pkt.push_back(static_cast<std::uint8_t>(*spec.audio_level_ext << 4));  // len-1 = 0: one byte
      pkt.push_back(static_cast<std::uint8_t>(0x80 | (i % 60)));
      pkt.push_back(0);
      pkt.push_back(0);
    }
    std::size_t n = bytes_per;
    if (spec.vbr) n = bytes_per - (i * 37 % 50);
    pkt.insert(pkt.end(), encoded.begin() + static_cast<std::ptrdiff_t>(i * bytes_per),
               encoded.begin() + static_cast<std::ptrdiff_t>(i * bytes_per + n));
    if (tx && !spec.plain_payload_under_srtp_label) {
      std::size_t len = pkt.size();
      pkt.resize(len + tx->max_trailer());
      auto m = tx->protect_rtp(pkt, len);
      pkt.resize(m.value());
    }
    out.push_back(std::move(pkt));
  }
  for (auto [x, y] : spec.swap) std::swap(out[x], out[y]);
  for (std::size_t d : spec.drop) out[d].clear();
  return out;
}

inline std::string sdp_body(const IpEndpoint& rtp, const std::string& proto, const std::vector<std::string>& crypto,
                            const std::string& extra = "", const std::string& fmts = "0 8 9 101") {
  std::string a = rtp.address.v6 ? "IP6" : "IP4";
  std::string host = netpkt::to_string(rtp.address);
  std::string s = "v=0\r\no=- 1 1 IN " + a + " " + host + "\r\ns=-\r\nc=IN " + a + " " + host + "\r\nt=0 0\r\nm=audio " +
                  std::to_string(rtp.port) + " " + proto + " " + fmts + "\r\na=rtpmap:101 telephone-event/8000\r\n";
  for (const auto& c : crypto) s += "a=crypto:" + c + "\r\n";
  return s + extra;
}

inline std::string crypto_line(int tag, const SrtpKey& k, const std::string& params = "") {
  return std::to_string(tag) + " " + std::string(srtp::suite(k.suite).name) + " inline:" + k.b64() + (params.empty() ? "" : " " + params);
}

struct CallSpec {
  std::string call_id = "call-1@test";
  IpEndpoint alice_sip = ep("10.0.0.1", 5060), bob_sip = ep("10.0.0.2", 5060);
  IpEndpoint alice_rtp = ep("10.0.0.1", 40000), bob_rtp = ep("10.0.0.2", 42000);
  std::string offer_proto = "RTP/AVP", answer_proto = "RTP/AVP";
  std::vector<std::string> offer_crypto, answer_crypto;
  std::string offer_extra, answer_extra;
  int final_status = 200;
  std::string invite_headers;  // extra header lines, each ending CRLF
  std::int64_t t0 = kT0;
  std::optional<StreamSpec> alice_stream, bob_stream;  // media after the 200 OK
};

inline std::string sip_request(const std::string& method, const CallSpec& c, int cseq, const std::string& body,
                               const std::string& extra = "") {
  std::string m = method + " sip:bob@10.0.0.2 SIP/2.0\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK" + method +
                  std::to_string(cseq) + "\r\nMax-Forwards: 70\r\nFrom: \"Alice Liddell\" <sip:+15551230001@10.0.0.1>;tag=at1\r\n"
                  "To: <sip:bob@10.0.0.2>" + std::string(method == "INVITE" ? "" : ";tag=bt1") + "\r\nCall-ID: " + c.call_id +
                  "\r\nCSeq: " + std::to_string(cseq) + " " + method + "\r\nContact: <sip:alice@10.0.0.1:5060>\r\nUser-Agent: TestPhone/1.2\r\n" + extra;
  if (!body.empty()) m += "Content-Type: application/sdp\r\n";
  return m + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

inline std::string sip_response(int status, const std::string& reason, const std::string& method, const CallSpec& c, int cseq,
                                const std::string& body) {
  std::string m = "SIP/2.0 " + std::to_string(status) + " " + reason + "\r\nVia: SIP/2.0/UDP 10.0.0.1:5060;branch=z9hG4bK" + method +
                  std::to_string(cseq) + "\r\nFrom: \"Alice Liddell\" <sip:+15551230001@10.0.0.1>;tag=at1\r\nTo: <sip:bob@10.0.0.2>;tag=bt1\r\nCall-ID: " +
                  c.call_id + "\r\nCSeq: " + std::to_string(cseq) + " " + method + "\r\nServer: TestServer/3\r\n";
  if (!body.empty()) m += "Content-Type: application/sdp\r\n";
  return m + "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
}

// INVITE (offer) / 200 (answer) / ACK, media interleaved 20 ms apart, BYE / 200.
inline void add_call(Capture& cap, const CallSpec& c, std::vector<std::int16_t>* alice_source = nullptr) {
  std::int64_t t = c.t0;
  cap.udp(t, c.alice_sip, c.bob_sip,
          bytes_of(sip_request("INVITE", c, 1, sdp_body(c.alice_rtp, c.offer_proto, c.offer_crypto, c.offer_extra), c.invite_headers)));
  t += 10'000'000;
  if (c.final_status != 200) {
    cap.udp(t, c.bob_sip, c.alice_sip, bytes_of(sip_response(c.final_status, "Busy Here", "INVITE", c, 1, "")));
    return;
  }
  cap.udp(t, c.bob_sip, c.alice_sip,
          bytes_of(sip_response(200, "OK", "INVITE", c, 1, sdp_body(c.bob_rtp, c.answer_proto, c.answer_crypto, c.answer_extra))));
  t += 10'000'000;
  cap.udp(t, c.alice_sip, c.bob_sip, bytes_of(sip_request("ACK", c, 1, "")));
  std::vector<Bytes> a, b;
  if (c.alice_stream) a = rtp_packets(*c.alice_stream, alice_source);
  if (c.bob_stream) b = rtp_packets(*c.bob_stream);
  for (std::size_t i = 0; i < std::max(a.size(), b.size()); ++i) {
    t += 20'000'000;
    if (i < a.size() && !a[i].empty()) cap.udp(t, c.alice_rtp, c.bob_rtp, a[i]);
    if (i < b.size() && !b[i].empty()) cap.udp(t + 1'000'000, c.bob_rtp, c.alice_rtp, b[i]);
  }
  t += 20'000'000;
  cap.udp(t, c.alice_sip, c.bob_sip, bytes_of(sip_request("BYE", c, 2, "")));
  cap.udp(t + 1'000'000, c.bob_sip, c.alice_sip, bytes_of(sip_response(200, "OK", "BYE", c, 2, "")));
}

}  // namespace sotto::audit::testing
