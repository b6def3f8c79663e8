#pragma once
// Local capabilities: what we can send/receive, the input to build_offer / build_answer (RFC 3264).
//
//   LocalCapabilities caps{.session_id = "4858949", .address = "192.0.2.10"};
//   caps.media.push_back({.port = 40000, .protos = {"RTP/SAVP"},
//                         .codecs = {{"PCMU", 8000}, {"telephone-event", 8000, {}, {}, "0-16"}}});

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/sdp/direction.hpp"

namespace sotto::sdp {

// One codec (an a=rtpmap we can use). telephone-event (RFC 4733) and CN (RFC 3389) are listed here too.
struct CodecCapability {
  std::string encoding{};                   // "PCMU", "PCMA", "G722", "opus", "telephone-event"
  std::uint32_t clock_rate = 8000;          // RTP clock rate, Hz
  std::optional<std::uint16_t> channels{};  // nullopt = 1 (written only when set)
  // Payload type to offer. nullopt = the RFC 3551 static number if there is one, else the first free
  // dynamic number 96..127. Ignored in answers: an answer keeps the offerer's numbers.
  std::optional<std::uint8_t> payload_type{};
  std::optional<std::string> fmtp{};  // a=fmtp parameters we send, e.g. "0-16"
};

// One stream we can run.
struct MediaCapabilities {
  std::string media = "audio";                 // m= media
  std::uint16_t port = 0;                      // our RTP port; 0 = offer the stream disabled
  std::vector<std::string> protos{"RTP/AVP"};  // protos[0] is offered; an offer with any of them is answered
  std::vector<CodecCapability> codecs{};       // preference order; offers list them in this order
  std::optional<std::uint32_t> ptime{};        // a=ptime, ms
  std::optional<std::uint32_t> maxptime{};     // a=maxptime, ms
  Direction direction = Direction::sendrecv;   // sendonly/inactive to put the stream on hold (RFC 3264 8.4)
  bool rtcp_mux = false;                       // offer a=rtcp-mux / accept it when offered (RFC 5761)
  std::optional<std::string> mid{};            // a=mid to offer (RFC 5888); answers echo the offer's
  std::optional<std::string> address{};        // media-level c= address when unlike the session's
};

// Everything the session level needs, plus the streams.
struct LocalCapabilities {
  std::string username = "-";         // o= username
  std::string session_id = "0";       // o= sess-id: pick once per session (e.g. a random number)
  std::uint64_t session_version = 0;  // o= sess-version of the first offer/answer
  std::string address_type = "IP4";   // "IP4" / "IP6" for o= and c=
  std::string address{};              // o= and session c= address, required
  std::string session_name = "-";     // s=
  std::vector<MediaCapabilities> media{};
};

}  // namespace sotto::sdp
