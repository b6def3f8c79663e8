// Fuzz target: datagrams into a relay whose legs have keys. The first byte picks each side's suite
// (or plain RTP) and rtcp-mux; then records of [flags][length][bytes]:
//   flags bit 0: side (a/b), bit 1: RTCP, bit 2: "genuine" (the bytes are a plaintext the sending peer
//   protects with its real key first), bits 4-7: which source address it comes from.
// Properties: never a crash or a write past the buffer; a forwarded packet fits its buffer; a genuine
// packet that the relay forwards is accepted by the receiving peer and decrypts to what was sent; a
// packet that is not genuine is never forwarded from an SRTP side.
// (Plain RTP sides are not checked end to end: they may repeat sequence numbers, which the receiving
// peer's replay window refuses.)
#include <cstdlib>
#include <cstring>
#include <optional>
#include <vector>

#include "core/relay/relay.hpp"
#include "core/sdes/crypto_attribute.hpp"
#include "core/sdes/to_policy.hpp"
#include "crypto/base64.hpp"

using namespace sotto;
using namespace sotto::relay;

namespace {

const Timestamp kNow = Timestamp{} + std::chrono::hours(1);

std::optional<srtp::SuiteId> pick(unsigned v) {
  switch (v % 4) {
    case 0: return std::nullopt;
    case 1: return srtp::SuiteId::AES_CM_128_HMAC_SHA1_80;
    case 2: return srtp::SuiteId::AEAD_AES_128_GCM;
    default: return srtp::SuiteId::AES_CM_128_HMAC_SHA1_32;
  }
}

sdes::CryptoAttribute key(srtp::SuiteId id, std::uint8_t seed) {
  const srtp::Suite& s = srtp::suite(id);
  std::vector<std::uint8_t> b(s.master_key_len + s.master_salt_len);
  for (std::size_t i = 0; i < b.size(); ++i) b[i] = static_cast<std::uint8_t>(seed * 31 + i);
  auto a = sdes::parse_crypto_attribute("1 " + std::string(s.name) + " inline:" + crypto::base64_encode(b));
  if (!a) std::abort();
  return *a;
}

struct Peer {
  LegMedia media;
  std::optional<srtp::Context> tx, rx;  // the peer's own contexts
};

Peer make_peer(std::optional<srtp::SuiteId> suite, std::uint8_t n, bool mux) {
  Peer p;
  p.media.remote_ip = "127.0.0." + std::to_string(n);
  p.media.remote_rtp_port = static_cast<std::uint16_t>(4000 + 2 * n);
  p.media.remote_rtcp_port = mux ? p.media.remote_rtp_port : static_cast<std::uint16_t>(p.media.remote_rtp_port + 1);
  p.media.rtcp_mux = mux;
  if (suite) {
    p.media.remote_key = key(*suite, static_cast<std::uint8_t>(10 * n));
    p.media.local_key = key(*suite, static_cast<std::uint8_t>(10 * n + 1));
    p.tx.emplace(srtp::Context::create(srtp::Direction::outbound, sdes::to_policy(*p.media.remote_key).value(),
                                       srtp::kNoKeyRegistry).value());
    p.rx.emplace(srtp::Context::create(srtp::Direction::inbound, sdes::to_policy(*p.media.local_key).value()).value());
  }
  return p;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size < 1) return 0;
  const std::uint8_t sel = data[0];
  Peer peers[2] = {make_peer(pick(sel), 1, (sel & 0x10) != 0), make_peer(pick(sel >> 2), 2, (sel & 0x20) != 0)};
  Relay relay(1, RelayOptions{.dead_after = std::chrono::seconds(60), .outbound_keys = srtp::kNoKeyRegistry});
  if (!relay.set_leg(kNow, Side::a, peers[0].media) || !relay.set_leg(kNow, Side::b, peers[1].media)) std::abort();

  std::size_t pos = 1;
  std::vector<std::uint8_t> buf;
  while (pos + 2 <= size) {
    const std::uint8_t flags = data[pos];
    const std::size_t len = std::min<std::size_t>(data[pos + 1], size - pos - 2);
    const std::uint8_t* bytes = data + pos + 2;
    pos += 2 + len;
    const Side side = (flags & 1) ? Side::b : Side::a;
    const bool rtcp = (flags & 2) != 0;
    bool genuine = (flags & 4) != 0;
    Peer& from = peers[static_cast<int>(side)];
    Peer& to = peers[1 - static_cast<int>(side)];
    buf.assign(bytes, bytes + len);
    std::vector<std::uint8_t> plain = buf;
    buf.resize(len + Relay::kTrailerRoom);
    std::size_t n = len;
    if (genuine && from.tx) {
      auto r = rtcp ? from.tx->protect_rtcp(buf, len) : from.tx->protect_rtp(buf, len);
      if (!r) genuine = false;
      else n = *r;
    }
    const auto src = netpkt::IpEndpoint::v4({127, 0, 0, static_cast<std::uint8_t>(flags >> 4)}, 4000);
    auto out = relay.handle_packet(kNow, side, src, rtcp, buf, n);
    if (!out) continue;
    if (out->len > buf.size() || out->to != other(side)) std::abort();
    if (from.tx && !genuine) {
      // Forged SRTP accepted: only possible if the input happens to be a valid packet under the key,
      // which a fuzzer cannot produce without the key.
      std::abort();
    }
    if (genuine && from.tx) {  // authenticated (so not a duplicate) and forwarded: the peer takes it
      std::vector<std::uint8_t> got(buf.begin(), buf.begin() + static_cast<std::ptrdiff_t>(out->len));
      std::size_t m = got.size();
      if (to.rx) {
        auto r = rtcp ? to.rx->unprotect_rtcp(got, got.size()) : to.rx->unprotect_rtp(got, got.size());
        if (!r) std::abort();
        m = *r;
      }
      if (m != plain.size() || std::memcmp(got.data(), plain.data(), plain.size()) != 0) std::abort();
    }
  }
  return 0;
}
