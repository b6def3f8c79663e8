#pragma once
// MediaDescription: one "m=" section with its i/c/b/k/a lines (RFC 4566 section 5.14).
//
//   const MediaDescription& m = sdp.media[0];
//   for (std::uint8_t pt : m.payload_types()) if (auto map = m.rtpmap(pt)) use(map->encoding);
//   std::vector<std::string_view> keys = m.crypto_values();   // raw a=crypto values for core/sdes

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/sdp/attribute.hpp"
#include "core/sdp/bandwidth.hpp"
#include "core/sdp/connection.hpp"
#include "core/sdp/direction.hpp"
#include "core/sdp/rtcp_attribute.hpp"
#include "core/sdp/rtpmap.hpp"

namespace sotto::sdp {

// media-field = %x6d "=" media SP port ["/" integer] SP proto 1*(SP fmt) CRLF   (RFC 4566 section 9)
struct MediaDescription {
  std::string media = "audio";                  // media = token: "audio", "video", "text", "application", ...
  std::uint16_t port = 0;                       // port = 1*DIGIT; 0 = stream rejected/disabled (RFC 3264 5.1)
  std::optional<std::uint16_t> port_count{};    // ["/" integer]: number of ports (layered encodings)
  std::string proto = "RTP/AVP";                // proto = token *("/" token): RTP/AVP, RTP/SAVP, RTP/SAVPF,
                                                //   UDP/TLS/RTP/SAVP, ...
  std::vector<std::string> formats{};           // fmt = token; RTP payload type numbers for RTP protos
  std::optional<std::string> information{};     // i= (RFC 4566 section 5.4) media title
  std::vector<Connection> connections{};        // c=* (section 5.7); empty = inherit the session's c=
  std::vector<Bandwidth> bandwidths{};          // b=* (section 5.8)
  std::optional<std::string> encryption_key{};  // k= (section 5.12, obsolete), kept as written
  std::vector<Attribute> attributes{};          // a=* in order, unknown ones kept byte-exact

  bool rejected() const noexcept { return port == 0; }
  // True for every "RTP/..." and ".../RTP/..." profile: formats are then payload type numbers.
  bool is_rtp() const noexcept;
  // The formats that are payload type numbers (0..127), in m= order.
  std::vector<std::uint8_t> payload_types() const;
  bool has_payload_type(std::uint8_t pt) const;

  // a=rtpmap for `pt`, else the RFC 3551 static assignment; nullopt for an unmapped dynamic type.
  std::optional<RtpMap> rtpmap(std::uint8_t pt) const;
  // The first payload type whose rtpmap names the same codec (encoding/rate/channels).
  std::optional<std::uint8_t> find_codec(const RtpMap& codec) const;
  std::optional<std::string> fmtp(std::uint8_t pt) const;  // the parameters of a=fmtp:<pt>
  std::optional<std::uint32_t> ptime() const;              // a=ptime:<ms> (RFC 4566 section 6)
  std::optional<std::uint32_t> maxptime() const;           // a=maxptime:<ms>
  std::optional<Direction> direction() const noexcept;     // explicit media-level direction only
  std::optional<RtcpAttribute> rtcp() const;               // a=rtcp (RFC 3605)
  bool rtcp_mux() const noexcept;                          // a=rtcp-mux (RFC 5761)
  std::optional<std::string_view> mid() const noexcept;    // a=mid (RFC 5888)
  // Raw values of every a=crypto line (RFC 4568), in order; parsed by core/sdes.
  std::vector<std::string_view> crypto_values() const;

  friend bool operator==(const MediaDescription&, const MediaDescription&) = default;
};

// a=ptime / a=maxptime value: integer milliseconds, a fractional part (".5") is accepted and dropped.
std::optional<std::uint32_t> parse_packet_time(std::string_view value) noexcept;

}  // namespace sotto::sdp
