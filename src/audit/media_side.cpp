// The media side of the audit: RTP streams by (source, destination, SSRC), matched to calls by the
// SDP addresses, with RFC 3550 statistics, payload byte statistics (is it ciphertext?), SRTP
// decryption with the keys found or given, clear RFC 4733 events and the audio for extraction.
// No allocation per packet except for audio kept on request.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "audit/analyzer_impl.hpp"
#include "core/rtp/rtcp_parse.hpp"
#include "core/rtp/rtp_header.hpp"
#include "core/sdes/to_policy.hpp"

namespace sotto::audit {
namespace {

constexpr std::int64_t kMaxAudioTicks = 8000LL * 60 * 60 * 4;  // 4 hours at 8 kHz
constexpr std::size_t kMaxStreams = 1'000'000;
// A capture may reorder packets (merged interfaces, retransmitting taps); 1024 packets is 20 s of 20 ms
// audio. Older packets count as replays. The window is shifted on every new packet, so its size is paid
// per packet: 32768 bits cost about 10% of an audit's time.
constexpr std::uint32_t kAuditReplayWindow = 1024;

const sdp::RtpMap* find_map(const DialogState* d, int sender, std::uint8_t pt) {
  if (!d) return nullptr;
  // Dynamic types are defined by the receiver's SDP (RFC 3264 5.1); look there first, then the sender's.
  for (int party : {1 - sender, sender}) {
    if (party < 0 || party > 1) continue;
    const auto& m = d->media[static_cast<std::size_t>(party)];
    if (!m) continue;
    for (const auto& r : m->rtpmaps) {
      if (r.payload_type == pt) return &r;
    }
  }
  return nullptr;
}

}  // namespace

std::optional<std::string> codec_name(const DialogState* d, int sender, std::uint8_t pt) {
  if (const auto* m = find_map(d, sender, pt)) return m->encoding + "/" + std::to_string(m->clock_rate);
  if (auto s = sdp::static_rtpmap(pt)) return s->encoding + "/" + std::to_string(s->clock_rate);
  return std::nullopt;
}

std::uint32_t codec_clock(const DialogState* d, int sender, std::uint8_t pt) {
  if (const auto* m = find_map(d, sender, pt)) return m->clock_rate ? m->clock_rate : 8000;
  if (auto s = sdp::static_rtpmap(pt)) return s->clock_rate ? s->clock_rate : 8000;
  return 8000;
}

void Analyzer::Impl::rtp(const IpEndpoint& src, const IpEndpoint& dst, std::span<const std::uint8_t> packet) {
  auto h = rtp::parse_rtp_header(packet);
  if (!h) return;
  StreamKey key{src, dst, h->ssrc};
  auto found = stream_by_key.find(key);
  if (found == stream_by_key.end() && streams.size() >= kMaxStreams) {
    ++untracked_rtp;  // bounded memory whatever the capture holds
    return;
  }
  auto [it, fresh] = found != stream_by_key.end() ? std::pair{found, false} : stream_by_key.try_emplace(key, streams.size());
  if (fresh) {
    streams.emplace_back();
    StreamState& n = streams.back();
    n.src = src;
    n.dst = dst;
    n.ssrc = h->ssrc;
    n.payload_type = h->payload_type;
    n.first_frame = frame_no;
    n.first_ns = now_ns;
  }
  StreamState& s = streams[it->second];
  if (s.generation != sdp_generation) resolve(s);
  ++s.packets;
  s.last_ns = now_ns;
  if (s.nsample_frames < s.sample_frames.size()) s.sample_frames[s.nsample_frames++] = frame_no;

  // RFC 3550 A.1: extended highest sequence number.
  if (!s.seq_init) {
    s.seq_init = true;
    s.max_seq = h->sequence;
    s.base_seq = h->sequence;
  } else {
    auto delta = static_cast<std::uint16_t>(h->sequence - s.max_seq);
    if (delta == 1) ++s.in_order;
    if (delta != 0 && delta < 0x8000) {
      if (h->sequence < s.max_seq) ++s.cycles;
      s.max_seq = h->sequence;
    }
  }
  // RFC 3550 A.8: interarrival jitter in timestamp units (only the main payload type).
  if (h->payload_type == s.payload_type) {
    double arrival = static_cast<double>(now_ns) * 1e-9 * s.clock_rate;
    auto transit = static_cast<std::int64_t>(arrival) - static_cast<std::int64_t>(h->timestamp);
    if (s.have_transit) {
      auto dd = static_cast<std::int32_t>(static_cast<std::uint32_t>(transit - s.prev_transit));
      s.jitter += (std::abs(static_cast<double>(dd)) - s.jitter) / 16.0;
    }
    s.prev_transit = transit;
    s.have_transit = true;
  }

  std::span<const std::uint8_t> payload = packet.subspan(h->header_len);
  if (h->padding && !payload.empty() && !s.ctx) {
    std::size_t pad = payload.back();
    if (pad <= payload.size()) payload = payload.first(payload.size() - pad);
  }
  // Byte statistics: every packet for the first 16 KiB of payload, then one packet in 16; the test
  // needs a few KiB, and counting every byte of a long call would dominate the audit's time.
  if (s.payload_bytes < 16384 || (s.packets & 15) == 0) {
    if (!s.hist && s.packets >= 2) s.hist = std::make_unique<std::array<std::uint64_t, 256>>();
    if (s.hist) {
      auto& hist = *s.hist;
      for (auto b : payload) ++hist[b];
      s.payload_bytes += payload.size();
    }
  }
  if (!s.many_sizes && h->payload_type == s.payload_type) {
    auto sz = static_cast<std::uint16_t>(payload.size());
    bool known = false;
    for (int i = 0; i < s.nsizes; ++i) known = known || s.sizes[static_cast<std::size_t>(i)] == sz;
    if (!known) {
      if (s.nsizes < static_cast<int>(s.sizes.size())) s.sizes[static_cast<std::size_t>(s.nsizes++)] = sz;
      else s.many_sizes = true;
    }
  }
  if (h->extension) {
    ++s.ext_packets;
    if (h->extension_profile == 0xBEDE) {
      // RFC 8285 one-byte elements: note which IDs appear.
      std::size_t at = h->extension_offset + 4, end = at + h->extension_len;
      while (at < end && at < packet.size()) {
        std::uint8_t b = packet[at];
        if (b == 0) {
          ++at;
          continue;
        }
        unsigned id = b >> 4;
        if (id == 15) break;
        s.ext_ids |= 1u << id;
        at += 2 + (b & 0x0Fu);
      }
    }
  }

  if (s.ctx) {
    decrypt_and_decode(s, packet, h->header_len);
  } else {
    take_payload(s, h->timestamp, h->payload_type, payload);
  }
}

void Analyzer::Impl::rtcp(const IpEndpoint& src, const IpEndpoint& dst, std::span<const std::uint8_t> packet) {
  auto m = media_index.find(dst);
  if (m == media_index.end()) m = media_index.find(src);
  if (m == media_index.end()) return;
  DialogState& d = dialogs[m->second.first];
  ++d.rtcp_packets;
  // SRTCP ends in an index (E flag + 31 bits) and a tag after the RTCP packets' lengths, so it does not
  // parse as a whole compound packet; RTCP sent in clear does (RFC 3550 6.1).
  auto c = rtp::parse_rtcp(packet);
  if (!c) return;
  if (d.clear_rtcp_frames.size() < 100) d.clear_rtcp_frames.push_back(frame_no);
  for (const auto& p : c->packets) {
    if (const auto* sd = std::get_if<rtp::SourceDescription>(&p)) {
      for (const auto& ch : sd->chunks) {
        for (const auto& item : ch.items) {
          if (item.type == 1 && d.rtcp_cnames.size() < 8) d.rtcp_cnames.insert(item.value.substr(0, 64));
        }
      }
    }
  }
}

void Analyzer::Impl::resolve(StreamState& s) {
  s.generation = sdp_generation;
  if (s.call == kNone) {
    if (auto m = media_index.find(s.dst); m != media_index.end()) {
      s.call = m->second.first;
      s.sender = 1 - m->second.second;
    } else if (auto n = media_index.find(s.src); n != media_index.end()) {
      s.call = n->second.first;
      s.sender = n->second.second;
    }
    if (s.call != kNone) s.clock_rate = codec_clock(&dialogs[s.call], s.sender, s.payload_type);
  }
  if (s.call != kNone) {
    for (const auto& m : dialogs[s.call].media) {
      if (m && m->telephone_event_pt) s.telephone_event_pt = *m->telephone_event_pt;
    }
  }
  if (s.ctx) return;
  const sdes::CryptoAttribute* key = nullptr;
  if (s.call != kNone) {
    const auto& chosen = dialogs[s.call].chosen[static_cast<std::size_t>(s.sender)];
    if (chosen) key = &*chosen;
  }
  if (key && key->suite) {
    auto policy = sdes::to_policy(*key);
    if (policy) {
      policy->replay_window = kAuditReplayWindow;
      auto ctx = srtp::Context::create(srtp::Direction::inbound, *policy);
      if (ctx) {
        s.ctx = std::make_unique<srtp::Context>(std::move(*ctx));
        s.suite = key->suite;
      }
    }
    return;
  }
  if (s.key_tried) return;
  s.key_tried = true;
  // --srtp-key: one for this SSRC first, else one without an SSRC.
  const SrtpKeyOption* pick = nullptr;
  for (const auto& k : options.srtp_keys) {
    if (k.ssrc && *k.ssrc == s.ssrc) {
      pick = &k;
      break;
    }
  }
  if (!pick) {
    for (const auto& k : options.srtp_keys) {
      if (!k.ssrc) {
        pick = &k;
        break;
      }
    }
  }
  if (!pick) return;
  srtp::Policy policy;
  policy.suite = pick->suite->id;
  srtp::MasterKey mk;
  auto all = pick->key_salt.span();
  mk.key = SecureBytes(all.first(pick->suite->master_key_len));
  mk.salt = SecureBytes(all.subspan(pick->suite->master_key_len));
  policy.keys.push_back(std::move(mk));
  policy.replay_window = kAuditReplayWindow;
  auto ctx = srtp::Context::create(srtp::Direction::inbound, policy);
  if (ctx) {
    s.ctx = std::make_unique<srtp::Context>(std::move(*ctx));
    s.suite = pick->suite;
  }
}

void Analyzer::Impl::decrypt_and_decode(StreamState& s, std::span<const std::uint8_t> packet, std::size_t) {
  if (packet.size() > scratch.size()) {
    ++s.auth_failures;
    return;
  }
  std::memcpy(scratch.data(), packet.data(), packet.size());
  auto r = s.ctx->unprotect_rtp(scratch, packet.size());
  if (!r) {
    if (r.error() == srtp::SrtpError::auth_failure || r.error() == srtp::SrtpError::unknown_mki) ++s.auth_failures;
    return;
  }
  ++s.decrypted_ok;
  std::span<const std::uint8_t> plain(scratch.data(), *r);
  auto h = rtp::parse_rtp_header(plain);
  if (!h) return;
  auto payload = plain.subspan(h->header_len);
  if (h->padding && !payload.empty()) {
    std::size_t pad = payload.back();
    if (pad <= payload.size()) payload = payload.first(payload.size() - pad);
  }
  take_payload(s, h->timestamp, h->payload_type, payload);
}

void Analyzer::Impl::take_payload(StreamState& s, std::uint32_t timestamp, std::uint8_t pt, std::span<const std::uint8_t> payload) {
  // RFC 4733 events in clear: the digits are readable.
  if (s.telephone_event_pt >= 0 && pt == s.telephone_event_pt) {
    ++s.dtmf_packets;
    if (payload.size() >= 4 && (!s.dtmf_seen_ts || timestamp != s.last_dtmf_ts)) {
      s.dtmf_seen_ts = true;
      s.last_dtmf_ts = timestamp;
      static constexpr char kDigits[] = "0123456789*#ABCD";
      if (payload[0] < 16 && s.dtmf_digits.size() < 64) s.dtmf_digits.push_back(kDigits[payload[0]]);
    }
    return;
  }
  if (!options.keep_audio || pt != s.payload_type) return;
  if (pt != 0 && pt != 8 && pt != 9) return;  // PCMU, PCMA, G.722: one byte per 8 kHz tick
  if (!s.ts_init) {
    s.ts_init = true;
    s.ts0 = timestamp;
    s.last_ts = timestamp;
    s.ext_last_ts = 0;
  }
  std::int64_t pos = s.ext_last_ts + static_cast<std::int32_t>(timestamp - s.last_ts);
  if (pos > s.ext_last_ts) {
    s.ext_last_ts = pos;
    s.last_ts = timestamp;
  }
  if (pos < 0 || pos + static_cast<std::int64_t>(payload.size()) > kMaxAudioTicks) return;
  auto at = static_cast<std::size_t>(pos);
  if (s.audio.size() < at + payload.size()) {
    s.audio.resize(at + payload.size(), 0);
    s.present.resize(at + payload.size(), 0);
  }
  std::memcpy(s.audio.data() + at, payload.data(), payload.size());
  std::memset(s.present.data() + at, 1, payload.size());
}

}  // namespace sotto::audit
