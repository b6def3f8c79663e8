#pragma once
// MediaLeg: one call's media on the wire — an RTP and an RTCP UDP socket, the SRTP contexts of both
// directions, a MediaSession, and the WAV file played and recorded. The Asio edge of src/media.
//
//   auto leg = MediaLeg::open(io, clock, {.local_ip = "127.0.0.1"}).value();   // binds an even RTP port
//   leg->start(remote_rtp, remote_rtcp, tx_policy, rx_policy);              // nullopt policies: plain RTP
//   leg->update(new_rtp, new_rtcp, std::nullopt, peer_new_key, dir);        // re-INVITE: only rx re-keyed
//   ... io.run() ...;  leg->stop();  MediaSummary s = leg->summary();

#include <asio.hpp>
#include <memory>
#include <optional>
#include <string>

#include "base/result.hpp"
#include "core/srtp/context.hpp"
#include "core/sdp/negotiated_stream.hpp"
#include "core/srtp/key_registry.hpp"
#include "io/clock.hpp"
#include "io/endpoint.hpp"
#include "io/timer.hpp"
#include "io/udp_socket.hpp"
#include "media/media_session.hpp"
#include "media/wav_sink.hpp"
#include "media/wav_source.hpp"

namespace sotto::runtime {

struct MediaLegOptions {
  std::string local_ip = "127.0.0.1";
  std::uint16_t port_min = 20000;   // even RTP ports tried in [port_min, port_max), RTCP = RTP + 1
  std::uint16_t port_max = 30000;
  std::string play_wav{};           // empty: silence
  bool loop_play = true;
  std::string record_wav{};         // empty: not recorded
  media::MediaSessionConfig session{};
  // Where outbound master keys are claimed (srtp/key_registry.hpp); the process-wide one by default.
  srtp::KeyRegistry* outbound_keys = &srtp::KeyRegistry::process();
};

struct MediaSummary {
  media::MediaCounters media;
  srtp::Counters srtp_tx;
  srtp::Counters srtp_rx;
  std::uint64_t packets_lost = 0;
  double jitter_ms = 0;
  std::optional<std::chrono::microseconds> rtt;
  std::string suite;   // "RTP, unencrypted" when no SRTP
};

// Where and how to send, from the negotiated stream (core/sdp NegotiatedStream): the one place where
// the SDP's address text and codec name become an io::Endpoint and a G.711 law.
struct MediaTarget {
  io::Endpoint rtp;
  io::Endpoint rtcp;     // = rtp with rtcp-mux (RFC 5761)
  media::G711Law law = media::G711Law::mu_law;
  std::uint8_t event_payload_type = 101;  // RFC 4733, as the peer numbers it
};
// Fails (Errc::invalid_argument) naming the address or codec that cannot be used.
Result<MediaTarget> media_target(const sdp::NegotiatedStream& s);

class MediaLeg {
 public:
  // Binds the socket pair (errors name the address range) and opens the WAV files (errors name the
  // path and libsndfile's reason). Nothing is sent until start().
  static Result<std::unique_ptr<MediaLeg>> open(asio::io_context& io, const io::Clock& clock, MediaLegOptions options);
  ~MediaLeg();

  std::uint16_t rtp_port() const noexcept { return rtp_port_; }
  const std::string& local_ip() const noexcept { return options_.local_ip; }

  // Starts media: both policies (SRTP) or neither (plain RTP). Called again on a started leg it is
  // update() with both keys new.
  Status start(io::Endpoint remote_rtp, io::Endpoint remote_rtcp, std::optional<srtp::Policy> tx,
               std::optional<srtp::Policy> rx, sdp::Direction direction = sdp::Direction::sendrecv);
  // After a re-INVITE (RFC 3264 section 8): media goes to the new remote address and ports (8.3.1) in
  // the new direction. A policy given replaces that direction's SRTP context only, and the new context
  // continues the old one (srtp::Context::continue_from: RTP index and SRTCP index go on, the peer's
  // ROC is carried; RFC 3711 section 3.3.1), except a new peer key at a new address, whose context
  // starts at ROC 0 (RFC 4568 section 7.1.4); nullopt keeps the context, its indexes and replay state.
  // Fails, changing nothing, when a new outbound policy reuses a master key already used (the key
  // registry), or when SRTP would start or stop in mid-call.
  Status update(io::Endpoint remote_rtp, io::Endpoint remote_rtcp, std::optional<srtp::Policy> new_tx,
                std::optional<srtp::Policy> new_rx, sdp::Direction direction);
  // The negotiated codec and RFC 4733 payload type; used when start() creates the session (the first
  // time), not changed in mid-call.
  void set_format(media::G711Law law, std::uint8_t event_payload_type);
  Status send_digits(std::string_view digits);
  void set_direction(sdp::Direction d);
  // Sends the RTCP BYE, stops the timers, closes sockets and the recording.
  void stop();

  MediaSummary summary() const;
  // The local SSRC of our RTP stream (0 before start()).
  std::uint32_t ssrc() const noexcept { return session_ ? session_->ssrc() : 0; }
  const io::Endpoint& remote_rtp() const noexcept { return remote_rtp_; }

 private:
  MediaLeg(asio::io_context& io, const io::Clock& clock, MediaLegOptions options);
  void receive_rtp();
  void receive_rtcp();
  void pump();

  asio::io_context& io_;
  const io::Clock& clock_;
  MediaLegOptions options_;
  io::UdpSocket rtp_;    // io's one UDP wrapper, as for SIP over UDP
  io::UdpSocket rtcp_;
  std::uint16_t rtp_port_ = 0;
  io::Endpoint remote_rtp_;
  io::Endpoint remote_rtcp_;
  std::unique_ptr<srtp::Context> tx_;
  std::unique_ptr<srtp::Context> rx_;
  srtp::Counters retired_tx_;   // counters of contexts replaced by re-keying
  srtp::Counters retired_rx_;
  std::optional<media::MediaSession> session_;
  media::WavSource source_;
  std::optional<media::WavSink> sink_;
  io::Timer timer_;
  std::array<std::uint8_t, 2048> rtp_buf_{};
  std::array<std::uint8_t, 2048> rtcp_buf_{};
  std::string suite_name_ = "RTP, unencrypted";
  bool stopped_ = false;
  std::shared_ptr<int> alive_ = std::make_shared<int>(0);
};

}  // namespace sotto::runtime
