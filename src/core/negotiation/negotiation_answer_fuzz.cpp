// Fuzz target: random SDP text as an offer to make_answer. The first byte picks the SRTP mode and the
// signalling; the rest is the offer. Properties: make_answer never fails (a bad offer is a Rejection,
// never an error or a crash); a Rejection's Warning is one well-formed header value; an Answer
// serializes to SDP that parses back, keeps every m-line, never leaves an RTP/SAVP stream or (mode
// require) any stream plain, carries exactly one a=crypto line per SRTP stream, and its Policies
// create Contexts that pass packets to what the offerer builds from the answer's a=crypto line.
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "core/negotiation/answerer.hpp"
#include "core/negotiation/detail.hpp"
#include "core/sdes/to_policy.hpp"
#include "core/sdp/sdp.hpp"
#include "core/srtp/context.hpp"

namespace {

using namespace sotto;
using namespace sotto::negotiation;

[[noreturn]] void die(const char* what, const std::string& detail) {
  std::fprintf(stderr, "negotiation_answer_fuzz: %s\n%s\n", what, detail.c_str());
  std::abort();
}

sdp::LocalCapabilities caps() {
  sdp::LocalCapabilities c;
  c.session_id = "1";
  c.address = "192.0.2.10";
  sdp::MediaCapabilities audio;
  audio.port = 40000;
  audio.protos = {"RTP/AVP", "RTP/AVPF"};
  audio.codecs = {{"PCMU", 8000, {}, {}, {}}, {"opus", 48000, std::uint16_t{2}, {}, {}},
                  {"telephone-event", 8000, {}, {}, std::string("0-16")}};
  c.media.push_back(audio);
  sdp::MediaCapabilities video = audio;
  video.media = "video";
  video.port = 40002;
  video.codecs = {{"H264", 90000, {}, {}, {}}, {"VP8", 90000, {}, {}, {}}};
  c.media.push_back(video);
  return c;
}

// The offerer's side of one SRTP stream: a packet protected with our tx opens with the policy the
// offerer derives from our a=crypto line.
void check_keys(const SecureMedia& m, std::string_view our_line) {
  auto tx = srtp::Context::create(srtp::Direction::outbound, m.tx, srtp::kNoKeyRegistry);
  if (!tx) die("tx policy refused by the engine", tx.error().message());
  auto rx = srtp::Context::create(srtp::Direction::inbound, m.rx);
  if (!rx) die("rx policy refused by the engine", rx.error().message());
  auto attr = sdes::parse_crypto_attribute(our_line);
  if (!attr) die("our a=crypto line does not parse", attr.error().message());
  if (attr->tag != m.tag || attr->suite == nullptr || attr->suite->name != m.suite) die("a=crypto line and SecureMedia differ", m.suite);
  auto peer_policy = sdes::to_policy(*attr);
  if (!peer_policy) die("the offerer could not use our a=crypto line", peer_policy.error().message());
  auto peer_rx = srtp::Context::create(srtp::Direction::inbound, *peer_policy);
  if (!peer_rx) die("offerer-side context refused", peer_rx.error().message());
  std::uint8_t pkt[12 + 20 + 64] = {0x80, 0, 0, 1, 0, 0, 0, 160, 0, 0, 0x12, 0x34};
  auto n = tx->protect_rtp(pkt, 32);
  if (!n) die("protect failed", m.suite);
  auto back = peer_rx->unprotect_rtp(pkt, *n);
  if (!back || *back != 32) die("the offerer cannot unprotect what we send", m.suite);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t config = data[0];
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  auto offer = sdp::parse_sdp(text);
  if (!offer) return 0;

  MediaSecurityPolicy policy;
  policy.mode = static_cast<SrtpMode>(config % 3);
  policy.allow_sdes_over_insecure_transport = (config & 0x10) != 0;
  if (config & 0x40) policy.suites = {srtp::SuiteId::AEAD_AES_128_GCM, srtp::SuiteId::AES_CM_128_HMAC_SHA1_32};
  SignallingContext sig = (config & 0x20) ? SignallingContext::tls() : SignallingContext::udp();

  auto out = make_answer(*offer, caps(), policy, sig);
  if (!out) die("make_answer failed on a parsed offer", out.error().message() + "\n" + std::string(text));

  if (const auto* r = std::get_if<Rejection>(&*out)) {
    if (r->status != 488 || r->warning.rfind("305 sotto \"", 0) != 0 || r->warning.back() != '"') {
      die("malformed Warning", r->warning);
    }
    if (r->warning.find_first_of("\r\n") != std::string::npos) die("Warning spans lines", r->warning);
    return 0;
  }
  const Answer& a = std::get<Answer>(*out);
  const std::string wire = sdp::serialize(a.sdp);
  auto back = sdp::parse_sdp(wire);
  if (!back) die("answer does not parse back", back.error().message() + "\n" + wire);
  if (!(*back == a.sdp)) die("answer changes through serialize/parse", wire);
  if (a.sdp.media.size() != offer->media.size() || a.media.size() != offer->media.size()) {
    die("answer m-line count differs from the offer", wire);
  }
  for (std::size_t i = 0; i < a.media.size(); ++i) {
    const SecureMedia& m = a.media[i];
    const auto lines = a.sdp.media[i].crypto_values();
    if (m.rejected) {
      if (!a.sdp.media[i].rejected()) die("rejected SecureMedia on an accepted m-line", wire);
      continue;
    }
    auto profile = detail::classify_proto(offer->media[i].proto);
    if (!m.srtp) {
      if (policy.mode == SrtpMode::require) die("plain stream in require mode", wire);
      if (profile && profile->secure) die("plain answer to an RTP/SAVP offer", wire);
      if (!lines.empty()) die("a=crypto on a plain stream", wire);
      continue;
    }
    if (policy.mode == SrtpMode::off) die("SRTP negotiated with SRTP off", wire);
    if (!sig.secure && !policy.allow_sdes_over_insecure_transport) die("SDES keys accepted over insecure signalling", wire);
    if (lines.size() != 1) die("SRTP stream without exactly one a=crypto line", wire);
    check_keys(m, lines.front());
  }
  return 0;
}
