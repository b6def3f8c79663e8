// MediaSession, RTCP half: building our SR/RR + SDES (+ BYE) compound and digesting the peer's.
#include <string>

#include "media/media_session.hpp"
#include "media/rtcp_parse.hpp"
#include "media/rtcp_serialize.hpp"

namespace sotto::media {

CompoundRtcp MediaSession::build_report(Timestamp now, bool with_bye) {
  CompoundRtcp c;
  auto blocks = receiver_.make_report_blocks(now);
  // RFC 3550 section 6.4: SR if we sent RTP since the previous report, RR otherwise.
  if (sender_.packets_sent() != packets_at_last_report_) {
    packets_at_last_report_ = sender_.packets_sent();
    SenderReport sr;
    sr.ssrc = ssrc();
    sr.info = {.ntp_timestamp = ntp_.at(now),
               .rtp_timestamp = rtp_timestamp_at(now),
               .packet_count = sender_.packets_sent(),
               .octet_count = sender_.octets_sent()};
    sr.reports = std::move(blocks);
    c.packets.emplace_back(std::move(sr));
  } else {
    ReceiverReport rr;
    rr.ssrc = ssrc();
    rr.reports = std::move(blocks);
    c.packets.emplace_back(std::move(rr));
  }
  // Section 6.1: every compound carries SDES CNAME.
  c.packets.emplace_back(sdes_cname(ssrc(), cname_));
  if (with_bye) {
    Bye bye;
    bye.ssrcs = {ssrc()};
    c.packets.emplace_back(std::move(bye));
  }
  return c;
}

void MediaSession::send_report(Timestamp now, bool with_bye) {
  Slot* slot = push_slot();
  if (!slot) return;
  const std::size_t room = outbound_ ? outbound_->max_trailer() : 0;
  auto n = serialize_rtcp(build_report(now, with_bye), std::span(slot->bytes).first(kMaxPacket - room));
  std::size_t len = n ? *n : 0;
  if (len > 0 && outbound_) {
    auto p = outbound_->protect_rtcp(slot->bytes, len);
    if (p) {
      len = *p;
    } else {
      ++counters_.protect_failures;
      len = 0;
    }
  }
  rtcp_.on_sent(now);
  if (len == 0) {
    --queued_;
    return;
  }
  slot->kind = Transmit::Kind::rtcp;
  slot->len = len;
  ++counters_.rtcp_sent;
}

void MediaSession::close(Timestamp now) {
  if (closed_) return;
  closed_ = true;
  send_report(now, /*with_bye=*/true);
}

Status MediaSession::on_rtcp(Timestamp now, std::span<std::uint8_t> packet) {
  ++counters_.rtcp_received;
  std::size_t len = packet.size();
  if (inbound_) {
    auto r = inbound_->unprotect_rtcp(packet, len);
    if (!r) {
      ++counters_.srtcp_failures;
      return fail(Errc::malformed_input, std::string("SRTCP: ") + std::string(srtp::to_string(r.error())));
    }
    len = *r;
  }
  auto c = parse_rtcp(packet.first(len));
  if (!c) {
    ++counters_.rtcp_malformed;
    return Unexpected(c.error());
  }
  ++counters_.rtcp_accepted;
  handle_rtcp(now, *c);
  return {};
}

void MediaSession::on_report_block(Timestamp now, const ReportBlock& rb) {
  if (rb.ssrc != ssrc()) return;  // about another source (not ours)
  remote_report_ = rb;
  // Section 6.4.1: RTT = A - LSR - DLSR.
  if (auto rtt = round_trip_time(ntp_.middle32(now), rb.lsr, rb.dlsr)) {
    rtt_ = *rtt;
    events_.push_back(RttMeasured{*rtt});
  }
}

void MediaSession::handle_rtcp(Timestamp now, const CompoundRtcp& c) {
  for (const RtcpPacket& p : c.packets) {
    if (const auto* sr = std::get_if<SenderReport>(&p)) {
      receiver_.on_sender_report(sr->ssrc, sr->info.ntp_timestamp, now);
      for (const auto& rb : sr->reports) on_report_block(now, rb);
    } else if (const auto* rr = std::get_if<ReceiverReport>(&p)) {
      for (const auto& rb : rr->reports) on_report_block(now, rb);
    } else if (const auto* sdes = std::get_if<SourceDescription>(&p)) {
      for (const auto& chunk : sdes->chunks) {
        for (const auto& item : chunk.items) {
          if (item.type == static_cast<std::uint8_t>(SdesType::cname)) remote_cname_ = item.value;
        }
      }
    } else if (const auto* bye = std::get_if<Bye>(&p)) {
      for (std::uint32_t s : bye->ssrcs) {
        receiver_.on_bye(s);
        ++counters_.byes_received;
        events_.push_back(ByeReceived{s, bye->reason});
      }
    } else if (std::holds_alternative<App>(p)) {
      ++counters_.apps_received;
    }
  }
}

}  // namespace sotto::media
