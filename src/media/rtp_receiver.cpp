#include "media/rtp_receiver.hpp"

#include <string>

#include "core/rtp/rtp_header.hpp"
#include "media/g711.hpp"

namespace sotto::media {

namespace {
constexpr std::size_t kMaxPayloadSamples = 1920;  // 240 ms of 8 kHz G.711
}

RtpReceiver::RtpReceiver(const RtpReceiverConfig& config)
    : config_(config),
      jitter_({.delay = config.jitter_delay, .clock_rate = config.clock_rate, .frame_samples = config.frame_samples}),
      events_(config.clock_rate),
      decoded_(kMaxPayloadSamples) {}

Status RtpReceiver::on_packet(Timestamp now, std::span<const std::uint8_t> packet) {
  ++counters_.packets;
  auto h = rtp::parse_rtp_header(packet);
  if (!h) {
    ++counters_.malformed;
    return fail(Errc::malformed_input, h.error() == rtp::HeaderError::bad_version
                                           ? "RTP: version is not 2"
                                           : "RTP: packet of " + std::to_string(packet.size()) +
                                                 " bytes shorter than its header");
  }
  std::size_t end = packet.size();
  if (h->padding) {
    // RFC 3550 section 5.1: the last octet counts the padding, itself included.
    const std::size_t pad = packet.back();
    if (pad == 0 || pad > end - h->header_len) {
      ++counters_.malformed;
      return fail(Errc::malformed_input, "RTP: padding count " + std::to_string(pad) + " exceeds the " +
                                             std::to_string(end - h->header_len) + " payload bytes");
    }
    end -= pad;
  }
  const auto payload = packet.subspan(h->header_len, end - h->header_len);
  const bool is_event = h->payload_type == config_.event_payload_type;
  const auto law = g711_law_of(h->payload_type);
  if (!is_event && !law) {
    ++counters_.unknown_payload_type;
    return fail(Errc::unsupported, "RTP: payload type " + std::to_string(h->payload_type) +
                                       " is neither G.711 nor telephone-event");
  }

  auto it = sources_.find(h->ssrc);
  if (it == sources_.end()) {
    if (sources_.size() >= config_.max_sources) {
      ++counters_.too_many_sources;
      return fail(Errc::limit_exceeded, "RTP: already tracking " + std::to_string(sources_.size()) +
                                            " SSRCs, dropping a packet from another");
    }
    it = sources_.emplace(h->ssrc, Source{SourceStats(h->ssrc, config_.clock_rate)}).first;
  }
  Source& src = it->second;
  const SeqOutcome seq = src.stats.on_packet(h->sequence, h->timestamp, now, /*count_jitter=*/!is_event);
  switch (seq) {
    case SeqOutcome::duplicate:
      ++counters_.duplicates;
      return fail(Errc::malformed_input, "RTP: duplicate sequence number " + std::to_string(h->sequence));
    case SeqOutcome::bad_jump:
      ++counters_.bad_jumps;
      return fail(Errc::malformed_input, "RTP: sequence number jumped to " + std::to_string(h->sequence) +
                                             "; waiting for the next packet to confirm");
    case SeqOutcome::probation:
      ++counters_.probation;
      break;
    case SeqOutcome::accepted:
      break;
  }
  src.heard_since_report = true;

  // Playout follows the most recent source (a new SSRC after a transfer or re-INVITE).
  if (playout_ssrc_ != h->ssrc) {
    if (playout_ssrc_) ++counters_.ssrc_changes;
    playout_ssrc_ = h->ssrc;
    jitter_.reset();
  }

  if (is_event) {
    auto ev = parse_telephone_event(payload);
    if (!ev) {
      ++counters_.malformed;
      return Unexpected(ev.error());
    }
    ++counters_.event_packets;
    events_.on_packet(now, h->timestamp, *ev);
    return {};
  }
  if (payload.size() > decoded_.size()) {
    ++counters_.malformed;
    return fail(Errc::limit_exceeded, "RTP: G.711 payload of " + std::to_string(payload.size()) +
                                          " bytes exceeds " + std::to_string(decoded_.size()));
  }
  const auto pcm = std::span<std::int16_t>(decoded_).first(payload.size());
  g711_decode(*law, payload, pcm);
  jitter_.insert(now, h->timestamp, pcm, h->marker);
  ++counters_.audio_packets;
  return {};
}

void RtpReceiver::on_srtp_failure(srtp::SrtpError error) noexcept {
  switch (error) {
    case srtp::SrtpError::auth_failure:
      ++counters_.srtp_auth_failures;
      break;
    case srtp::SrtpError::replay:
    case srtp::SrtpError::too_old:
      ++counters_.srtp_replays;
      break;
    default:
      ++counters_.srtp_other_failures;
      break;
  }
}

PullOutcome RtpReceiver::pull(Timestamp now, std::span<std::int16_t> out) { return jitter_.pull(now, out); }

void RtpReceiver::on_sender_report(std::uint32_t ssrc, std::uint64_t ntp_timestamp, Timestamp arrival) {
  auto it = sources_.find(ssrc);
  if (it == sources_.end()) {
    if (sources_.size() >= config_.max_sources) return;
    it = sources_.emplace(ssrc, Source{SourceStats(ssrc, config_.clock_rate)}).first;
  }
  it->second.stats.on_sender_report(ntp_timestamp, arrival);
}

std::vector<ReportBlock> RtpReceiver::make_report_blocks(Timestamp now) {
  std::vector<ReportBlock> blocks;
  for (auto& [ssrc, src] : sources_) {
    if (!src.heard_since_report || blocks.size() == 31) continue;
    src.heard_since_report = false;
    blocks.push_back(src.stats.make_report_block(now));
  }
  return blocks;
}

void RtpReceiver::on_bye(std::uint32_t ssrc) {
  sources_.erase(ssrc);
  if (playout_ssrc_ == ssrc) {
    playout_ssrc_.reset();
    jitter_.reset();
  }
}

const SourceStats* RtpReceiver::source(std::uint32_t ssrc) const {
  auto it = sources_.find(ssrc);
  return it == sources_.end() ? nullptr : &it->second.stats;
}

std::vector<std::uint32_t> RtpReceiver::sources() const {
  std::vector<std::uint32_t> out;
  for (const auto& [ssrc, src] : sources_) out.push_back(ssrc);
  return out;
}

}  // namespace sotto::media
