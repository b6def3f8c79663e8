#pragma once
// Internal state of the Analyzer, shared by its source files (not part of the API).

#include <array>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "audit/analyzer.hpp"
#include "core/netpkt/decoder.hpp"
#include "core/netpkt/ip_endpoint.hpp"
#include "core/netpkt/tcp_direction.hpp"
#include "core/sdes/crypto_attribute.hpp"
#include "core/sdp/rtpmap.hpp"
#include "core/sip/sip_message.hpp"
#include "core/sip/stream_framer.hpp"
#include "core/srtp/context.hpp"

#ifdef SOTTO_AUDIT_TLS
#include "core/tls/tls_stream.hpp"
#endif

namespace sotto::audit {

using netpkt::IpEndpoint;
inline constexpr std::size_t kNone = static_cast<std::size_t>(-1);

// One audio m= section as one party described it (where it receives, and with which keys).
struct SdpMedia {
  IpEndpoint rtp, rtcp;
  std::string proto;
  bool savp = false;  // RTP/SAVP, RTP/SAVPF, UDP/TLS/RTP/SAVP...
  std::vector<sdes::CryptoAttribute> cryptos;
  std::vector<sdp::RtpMap> rtpmaps;
  std::optional<std::uint8_t> telephone_event_pt;
  std::optional<std::uint8_t> audio_level_id;  // a=extmap ssrc-audio-level (RFC 6464)
  bool audio_level_encrypted = false;          // RFC 6904 a=extmap ...encrypt ssrc-audio-level
  std::uint64_t frame = 0;
};

struct SdpEvent {
  int party = 0;  // 0 caller, 1 callee
  std::uint64_t frame = 0;
  bool has_audio = false;
  SdpMedia media;
};

struct DialogState {
  std::string call_id;
  std::string transport;  // of the first message
  std::size_t tls_conn = kNone;
  bool invite = false;
  std::string first_method;
  std::optional<std::string> from, to, reg_user, contact;
  std::string caller_tag;
  std::int64_t start_ns = 0, end_ns = 0;
  std::optional<int> invite_status, last_status;
  bool cancel_seen = false;
  std::vector<MessageRecord> messages;
  // What cleartext signalling exposed.
  std::set<std::string> users, display_names, user_agents;
  std::vector<std::uint64_t> cleartext_frames;
  std::vector<std::uint64_t> digest_frames;
  std::set<std::string> digest_algorithms, digest_qops;
  bool digest_md5_no_qop = false;
  std::vector<std::uint64_t> sdes_exposed_frames;
  // Offer/answer.
  std::vector<SdpEvent> sdps;
  std::array<std::optional<SdpMedia>, 2> media;                 // latest per party
  std::array<std::optional<sdes::CryptoAttribute>, 2> chosen;   // each party's sending key
  std::array<std::uint64_t, 2> chosen_frame{};
  // RTCP seen for the call's media addresses; compound RTCP that parses whole was sent in clear.
  std::uint64_t rtcp_packets = 0;
  std::vector<std::uint64_t> clear_rtcp_frames;
  std::set<std::string> rtcp_cnames;
};

struct StreamState {
  IpEndpoint src, dst;
  std::uint32_t ssrc = 0;
  std::size_t call = kNone;
  int sender = -1;  // party index in the call
  unsigned generation = ~0u;
  std::uint8_t payload_type = 0;
  std::uint64_t packets = 0;
  std::uint64_t first_frame = 0;
  std::array<std::uint64_t, 5> sample_frames{};  // first few, as evidence
  std::size_t nsample_frames = 0;
  // RFC 3550 A.1 / A.8 statistics.
  bool seq_init = false;
  std::uint16_t max_seq = 0;
  std::uint32_t cycles = 0, base_seq = 0;
  std::uint64_t in_order = 0;
  std::int64_t first_ns = 0, last_ns = 0;
  double jitter = 0;  // timestamp units
  std::int64_t prev_transit = 0;
  bool have_transit = false;
  std::uint32_t clock_rate = 8000;
  // Payload statistics (wire bytes).
  // Allocated from the second packet on: a capture of random UDP would otherwise pay 2 KiB per datagram.
  std::unique_ptr<std::array<std::uint64_t, 256>> hist;
  std::uint64_t payload_bytes = 0;
  std::array<std::uint16_t, 4> sizes{};
  int nsizes = 0;
  bool many_sizes = false;
  std::uint64_t ext_packets = 0;
  std::uint32_t ext_ids = 0;  // bit n: one-byte extension element id n seen
  // RFC 4733 events read in clear.
  int telephone_event_pt = -1;  // from the call's SDP
  std::uint64_t dtmf_packets = 0;
  std::string dtmf_digits;
  std::uint32_t last_dtmf_ts = 0;
  bool dtmf_seen_ts = false;
  // SRTP.
  std::unique_ptr<srtp::Context> ctx;
  const srtp::Suite* suite = nullptr;
  bool key_tried = false;
  std::uint64_t auth_failures = 0, decrypted_ok = 0;
  // Audio (keep_audio): one encoded byte per 8 kHz RTP clock tick for PCMU/PCMA/G.722.
  bool ts_init = false;
  std::uint32_t ts0 = 0, last_ts = 0;
  std::int64_t ext_last_ts = 0;
  std::vector<std::uint8_t> audio;
  std::vector<std::uint8_t> present;
};

struct TcpConn {
  IpEndpoint client, server;
  bool decided = false, tls = false;
  std::array<netpkt::TcpDirection, 2> dir;   // 0: client to server
  std::array<sip::StreamFramer, 2> framer;
  std::array<bool, 2> failed{};
  std::uint64_t first_frame = 0;
  std::size_t tls_index = kNone;
#ifdef SOTTO_AUDIT_TLS
  std::unique_ptr<tls::TlsStream> tls_stream;
#endif
};

struct EndpointHashPair {
  std::size_t operator()(const std::pair<IpEndpoint, IpEndpoint>& p) const noexcept {
    netpkt::IpEndpointHash h;
    return h(p.first) * 31 + h(p.second);
  }
};
struct StreamKey {
  IpEndpoint src, dst;
  std::uint32_t ssrc = 0;
  friend bool operator==(const StreamKey&, const StreamKey&) = default;
};
struct StreamKeyHash {
  std::size_t operator()(const StreamKey& k) const noexcept {
    netpkt::IpEndpointHash h;
    return (h(k.src) * 31 + h(k.dst)) * 31 + k.ssrc;
  }
};

struct Analyzer::Impl {
  AuditOptions options;
  netpkt::Decoder decoder;
  std::uint64_t undecodable = 0;
  std::optional<std::string> first_decode_error;
  std::uint64_t frame_no = 0;
  std::int64_t now_ns = 0;

  std::vector<DialogState> dialogs;
  std::unordered_map<std::string, std::size_t> dialog_by_id;
  // SDP receive addresses -> (dialog, party).
  std::unordered_map<IpEndpoint, std::pair<std::size_t, int>, netpkt::IpEndpointHash> media_index;
  unsigned sdp_generation = 0;

  std::vector<StreamState> streams;
  std::uint64_t untracked_rtp = 0;  // RTP-like packets past the stream limit
  std::unordered_map<StreamKey, std::size_t, StreamKeyHash> stream_by_key;
  std::array<std::uint8_t, 4096> scratch{};  // SRTP unprotect works on a copy here

  std::unordered_map<std::pair<IpEndpoint, IpEndpoint>, TcpConn, EndpointHashPair> tcp;
  std::vector<TlsRecord> tls_records;       // filled at finish
  std::vector<TcpConn*> tls_conns;          // in order of appearance

  std::vector<StreamAudio> audio_out;

  void frame(std::uint64_t number, std::int64_t time_ns, std::uint32_t link_type, std::span<const std::uint8_t> bytes);
  void udp(const IpEndpoint& src, const IpEndpoint& dst, std::span<const std::uint8_t> payload);
  void tcp_segment(const netpkt::Packet& p);
  void stream_bytes(TcpConn& c, int d, std::span<const std::uint8_t> bytes, bool plaintext_of_tls);
  // SIP (sip_side.cpp)
  void sip(std::string_view text, const IpEndpoint& src, const IpEndpoint& dst, const std::string& transport,
           std::size_t tls_index, bool stream_framed);
  void sdp_body(DialogState& d, std::size_t index, int party, const std::string& body, bool cleartext);
  // Media (media_side.cpp)
  void rtp(const IpEndpoint& src, const IpEndpoint& dst, std::span<const std::uint8_t> payload);
  void rtcp(const IpEndpoint& src, const IpEndpoint& dst, std::span<const std::uint8_t> payload);
  void resolve(StreamState& s);
  void decrypt_and_decode(StreamState& s, std::span<const std::uint8_t> packet, std::size_t header_len);
  void take_payload(StreamState& s, std::uint32_t timestamp, std::uint8_t pt, std::span<const std::uint8_t> payload);
  // Verdicts (verdicts.cpp)
  Report finish(CaptureInfo capture);
};

// Helpers shared by the files.
bool looks_like_sip(std::span<const std::uint8_t> p) noexcept;
std::optional<std::string> codec_name(const DialogState* d, int sender, std::uint8_t pt);
std::uint32_t codec_clock(const DialogState* d, int sender, std::uint8_t pt);
std::string iso_time(std::int64_t ns);

}  // namespace sotto::audit
