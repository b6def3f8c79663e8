#include "runtime/media_leg.hpp"

#include <algorithm>
#include <cctype>
#include <utility>

#include "core/srtp/successor.hpp"

namespace sotto::runtime {

Result<MediaTarget> media_target(const sdp::NegotiatedStream& s) {
  std::error_code ec;
  const auto addr = asio::ip::make_address(s.remote_address, ec);
  if (ec) return fail(Errc::invalid_argument, "unusable remote media address '" + s.remote_address + "'");
  MediaTarget t;
  t.rtp = io::Endpoint{addr, s.remote_port};
  t.rtcp = io::Endpoint{addr, s.rtcp_mux ? s.remote_port : s.remote_rtcp_port};
  const sdp::RtpMap* codec = sdp::primary_codec(s);
  if (codec == nullptr) return fail(Errc::invalid_argument, "no audio codec was negotiated");
  std::string name = codec->encoding;  // encoding names are case-insensitive (RFC 4855 section 3)
  for (char& c : name) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  if (name == "PCMA") t.law = media::G711Law::a_law;
  else if (name == "PCMU") t.law = media::G711Law::mu_law;
  else return fail(Errc::unsupported, "codec " + codec->encoding + " is not G.711");
  t.event_payload_type = s.telephone_event_pt.value_or(101);
  return t;
}

MediaLeg::MediaLeg(asio::io_context& io, const io::Clock& clock, MediaLegOptions options)
    : io_(io), clock_(clock), options_(std::move(options)), rtp_(io), rtcp_(io), timer_(io, clock) {}

MediaLeg::~MediaLeg() { stop(); }

Result<std::unique_ptr<MediaLeg>> MediaLeg::open(asio::io_context& io, const io::Clock& clock, MediaLegOptions options) {
  std::unique_ptr<MediaLeg> leg(new MediaLeg(io, clock, std::move(options)));
  const MediaLegOptions& o = leg->options_;
  std::error_code ec;
  const auto addr = asio::ip::make_address(o.local_ip, ec);
  if (ec) return fail(Errc::invalid_argument, "media address '" + o.local_ip + "': " + ec.message());
  // Even RTP port, RTCP on the next one (RFC 3550 section 11). Start at a pseudo-random even port so
  // concurrent phones on one host rarely collide.
  const unsigned span = (o.port_max - o.port_min) / 2;
  const unsigned first = span == 0 ? 0 : static_cast<unsigned>(clock.now().time_since_epoch().count() % span);
  std::string last_error = "empty port range";
  for (unsigned k = 0; k < span; ++k) {
    const auto port = static_cast<std::uint16_t>(o.port_min + 2 * ((first + k) % span));
    auto a = io::UdpSocket::bind(io, {addr, port}, "RTP socket");
    if (!a) {
      last_error = a.error().context;
      continue;
    }
    auto b = io::UdpSocket::bind(io, {addr, static_cast<std::uint16_t>(port + 1)}, "RTCP socket");
    if (!b) {
      last_error = b.error().context;
      continue;
    }
    leg->rtp_ = std::move(*a);
    leg->rtcp_ = std::move(*b);
    leg->rtp_port_ = port;
    break;
  }
  if (leg->rtp_port_ == 0) {
    return fail(Errc::io_error, "no free RTP/RTCP port pair on " + o.local_ip + " in " + std::to_string(o.port_min) +
                                    "-" + std::to_string(o.port_max) + " (last: " + last_error + ")");
  }
  if (!o.play_wav.empty()) {
    auto src = media::WavSource::open(o.play_wav, {o.loop_play, 8000});
    if (!src) return Unexpected(src.error());
    leg->source_ = std::move(*src);
  }
  if (!o.record_wav.empty()) {
    auto sink = media::WavSink::create(o.record_wav);
    if (!sink) return Unexpected(sink.error());
    leg->sink_.emplace(std::move(*sink));
  }
  return leg;
}

void MediaLeg::set_format(media::G711Law law, std::uint8_t event_payload_type) {
  options_.session.law = law;
  options_.session.event_payload_type = event_payload_type;
}

Status MediaLeg::start(io::Endpoint remote_rtp, io::Endpoint remote_rtcp, std::optional<srtp::Policy> tx,
                       std::optional<srtp::Policy> rx, sdp::Direction direction) {
  if (tx.has_value() != rx.has_value()) return fail(Errc::invalid_argument, "SRTP needs both directions or neither");
  if (session_) return update(remote_rtp, remote_rtcp, std::move(tx), std::move(rx), direction);
  std::unique_ptr<srtp::Context> new_tx, new_rx;
  if (tx) {
    auto r = srtp::Context::create(srtp::Direction::inbound, *rx);
    if (!r) return Unexpected(r.error());
    auto t = srtp::Context::create(srtp::Direction::outbound, *tx, options_.outbound_keys);
    if (!t) return Unexpected(t.error());
    new_tx = std::make_unique<srtp::Context>(std::move(*t));
    new_rx = std::make_unique<srtp::Context>(std::move(*r));
    suite_name_ = std::string(new_tx->suite().name);
  } else {
    suite_name_ = "RTP, unencrypted";
  }
  remote_rtp_ = remote_rtp;
  remote_rtcp_ = remote_rtcp;
  media::MediaSessionConfig cfg = options_.session;
  cfg.direction = direction;
  auto s = media::MediaSession::create(cfg, clock_.now(), new_tx.get(), new_rx.get());
  if (!s) return Unexpected(s.error());
  session_.emplace(std::move(*s));
  session_->set_source(&source_);
  if (sink_) session_->set_sink(&*sink_);
  tx_ = std::move(new_tx);
  rx_ = std::move(new_rx);
  receive_rtp();
  receive_rtcp();
  pump();
  return {};
}

Status MediaLeg::update(io::Endpoint remote_rtp, io::Endpoint remote_rtcp, std::optional<srtp::Policy> new_tx,
                        std::optional<srtp::Policy> new_rx, sdp::Direction direction) {
  if (!session_) return fail(Errc::invalid_state, "media not started");
  const bool secured = tx_ != nullptr;
  if (!secured && (new_tx || new_rx)) return fail(Errc::invalid_argument, "SRTP cannot start in mid-call (media is plain RTP)");
  // Build everything first: a refused policy changes nothing.
  std::unique_ptr<srtp::Context> tx, rx;
  if (new_rx) {
    // RFC 3711 section 3.3.1: after a re-key the ROC goes on, it is never reset. Except when the peer
    // moved (RFC 4568 section 7.1.4): a new address or port comes with a new key and a new crypto
    // context whose ROC starts at zero.
    auto r = srtp::successor(srtp::Direction::inbound, *new_rx, remote_rtp == remote_rtp_ ? rx_.get() : nullptr);
    if (!r) return Unexpected(r.error());
    rx = std::make_unique<srtp::Context>(std::move(*r));
  }
  if (new_tx) {  // last: claiming the key in the registry is what may fail
    // RFC 3711 3.3.1: the ROC, and with it the sequence, go on; so does the SRTCP index.
    auto t = srtp::successor(srtp::Direction::outbound, *new_tx, tx_.get(), options_.outbound_keys);
    if (!t) return Unexpected(t.error());
    tx = std::make_unique<srtp::Context>(std::move(*t));
  }
  if (tx) {
    suite_name_ = std::string(tx->suite().name);
    retired_tx_ += tx_->counters();
    tx_ = std::move(tx);
  }
  if (rx) {
    retired_rx_ += rx_->counters();
    rx_ = std::move(rx);
  }
  if (secured) session_->set_srtp(tx_.get(), rx_.get());
  remote_rtp_ = remote_rtp;   // RFC 3264 section 8.3.1: media follows a changed address or port
  remote_rtcp_ = remote_rtcp;
  session_->set_direction(direction);
  pump();
  return {};
}

Status MediaLeg::send_digits(std::string_view digits) {
  if (!session_) return fail(Errc::invalid_state, "media not started");
  Status st = session_->send_digits(digits);
  pump();
  return st;
}

void MediaLeg::set_direction(sdp::Direction d) {
  if (session_) session_->set_direction(d);
}

void MediaLeg::receive_rtp() {
  std::weak_ptr<int> alive = alive_;
  rtp_.async_receive(rtp_buf_, [this, alive](std::error_code ec, std::size_t n, const io::Endpoint&) {
    if (alive.expired() || ec == asio::error::operation_aborted || stopped_) return;
    if (!ec && session_) {
      // RFC 5761-style demultiplexing on the RTP port: RTCP packet types 192..223 (rtcp-mux peers).
      const bool is_rtcp = n >= 2 && rtp_buf_[1] >= 192 && rtp_buf_[1] <= 223;
      std::span<std::uint8_t> pkt(rtp_buf_.data(), n);
      (void)(is_rtcp ? session_->on_rtcp(clock_.now(), pkt) : session_->on_rtp(clock_.now(), pkt));
    }
    receive_rtp();
  });
}

void MediaLeg::receive_rtcp() {
  std::weak_ptr<int> alive = alive_;
  rtcp_.async_receive(rtcp_buf_, [this, alive](std::error_code ec, std::size_t n, const io::Endpoint&) {
    if (alive.expired() || ec == asio::error::operation_aborted || stopped_) return;
    if (!ec && session_) (void)session_->on_rtcp(clock_.now(), std::span<std::uint8_t>(rtcp_buf_.data(), n));
    receive_rtcp();
  });
}

void MediaLeg::pump() {
  if (!session_ || stopped_) return;
  const io::Timestamp now = clock_.now();
  while (auto t = session_->poll_transmit(now)) {
    auto& sock = t->kind == media::Transmit::Kind::rtp ? rtp_ : rtcp_;
    const auto& to = t->kind == media::Transmit::Kind::rtp ? remote_rtp_ : remote_rtcp_;
    (void)sock.send_to(to, t->bytes);  // UDP: a lost send is a lost packet
  }
  timer_.arm(session_->next_timeout(), [this](io::Timestamp) { pump(); });
}

void MediaLeg::stop() {
  if (stopped_) return;
  if (session_) {
    session_->close(clock_.now());
    while (auto t = session_->poll_transmit(clock_.now())) {
      if (t->kind == media::Transmit::Kind::rtcp) (void)rtcp_.send_to(remote_rtcp_, t->bytes);
    }
  }
  stopped_ = true;
  timer_.cancel();
  rtp_.close();
  rtcp_.close();
  sink_.reset();  // flushes the WAV header
}

MediaSummary MediaLeg::summary() const {
  MediaSummary s;
  s.suite = suite_name_;
  // Over the whole call: the contexts replaced by re-keying count too.
  s.srtp_tx = retired_tx_;
  s.srtp_rx = retired_rx_;
  if (tx_) s.srtp_tx += tx_->counters();
  if (rx_) s.srtp_rx += rx_->counters();
  if (session_) {
    s.media = session_->counters();
    s.rtt = session_->rtt();
    const auto& rcv = session_->receiver();
    if (auto ssrc = rcv.playout_ssrc()) {
      if (const media::SourceStats* st = rcv.source(*ssrc)) {
        s.packets_lost = static_cast<std::uint64_t>(std::max<std::int64_t>(0, st->lost()));
        s.jitter_ms = st->jitter_ms();
      }
    }
  }
  return s;
}

}  // namespace sotto::runtime
