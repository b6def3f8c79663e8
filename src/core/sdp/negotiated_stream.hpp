#pragma once
// NegotiatedStream: the outcome of one m-line after an offer/answer exchange, from our point of view.
//
//   auto streams = apply_answer(our_offer, their_answer);   // core/sdp/offer_answer.hpp
//   const NegotiatedStream& s = streams->at(0);
//   if (!s.rejected && sends(s.direction)) send_rtp(s.remote_address, s.remote_port, s.codecs.front());

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/sdp/direction.hpp"
#include "core/sdp/rtpmap.hpp"

namespace sotto::sdp {

struct NegotiatedStream {
  std::size_t index = 0;                      // m-line index in both offer and answer
  bool rejected = false;                      // port 0 on either side: nothing below is meaningful
  std::string media{};                        // "audio"
  std::string proto{};                        // "RTP/SAVP"
  Direction direction = Direction::sendrecv;  // ours: sends() = we send, receives() = we receive
  // The answered codecs with the payload types we must send them with (the numbers the peer's SDP
  // uses, RFC 3264 section 5.1), answer order. codecs[0] is the primary codec; never empty unless rejected.
  std::vector<RtpMap> codecs{};
  std::optional<std::uint8_t> telephone_event_pt{};  // RFC 4733 events, if negotiated (send numbering)
  std::string remote_address{};                      // the peer's c= for this stream
  std::uint16_t remote_port = 0;
  std::uint16_t remote_rtcp_port = 0;           // a=rtcp, else remote_port when muxed, else remote_port + 1
  bool rtcp_mux = false;                        // both sides said a=rtcp-mux
  std::optional<std::uint32_t> remote_ptime{};  // the peer's a=ptime
};

// True for the formats that are not a media codec on their own: telephone-event, CN, red, rtx, ulpfec.
bool is_auxiliary_codec(const RtpMap& m) noexcept;
// The codec media is sent with: the first answered codec that is not auxiliary; nullptr if none.
const RtpMap* primary_codec(const NegotiatedStream& s) noexcept;

}  // namespace sotto::sdp
