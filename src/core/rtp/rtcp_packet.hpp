#pragma once
// The RTCP model (RFC 3550 section 6.4-6.7): one value type per packet type and the compound packet
// holding them. Plain, copyable, ==-comparable data; kept in one header because the types only make
// sense together (a compound is a vector of their variant).
//
//   CompoundRtcp c{.packets = {ReceiverReport{.ssrc = me, .reports = {block}}, sdes_cname(me, cname)}};
//   auto bytes = serialize_rtcp(c);                 // rtcp_serialize.hpp
//   auto back = parse_rtcp(bytes);                  // rtcp_parse.hpp

#include <array>
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

namespace sotto::rtp {

enum class RtcpType : std::uint8_t {
  sr = 200,    // sender report, section 6.4.1
  rr = 201,    // receiver report, section 6.4.2
  sdes = 202,  // source description, section 6.5
  bye = 203,   // section 6.6
  app = 204,   // section 6.7
};

// Section 6.4.1: one reception report block.
struct ReportBlock {
  std::uint32_t ssrc = 0;                  // SSRC_n, the source this block reports on
  std::uint8_t fraction_lost = 0;          // lost/expected since the last report, fixed point /256
  std::int32_t cumulative_lost = 0;        // 24-bit signed on the wire
  std::uint32_t extended_highest_seq = 0;  // cycles << 16 | highest sequence number
  std::uint32_t jitter = 0;                // interarrival jitter, timestamp units
  std::uint32_t lsr = 0;                   // middle 32 bits of the last SR's NTP timestamp
  std::uint32_t dlsr = 0;                  // delay since that SR, 1/65536 s
  friend bool operator==(const ReportBlock&, const ReportBlock&) = default;
};

struct SenderInfo {
  std::uint64_t ntp_timestamp = 0;  // 32.32 fixed point seconds since 1900
  std::uint32_t rtp_timestamp = 0;  // same instant on the RTP clock
  std::uint32_t packet_count = 0;
  std::uint32_t octet_count = 0;    // payload octets
  friend bool operator==(const SenderInfo&, const SenderInfo&) = default;
};

struct SenderReport {
  std::uint32_t ssrc = 0;
  SenderInfo info;
  std::vector<ReportBlock> reports;      // at most 31
  std::vector<std::uint8_t> extension;   // profile-specific, a multiple of 4 bytes
  friend bool operator==(const SenderReport&, const SenderReport&) = default;
};

struct ReceiverReport {
  std::uint32_t ssrc = 0;
  std::vector<ReportBlock> reports;      // at most 31
  std::vector<std::uint8_t> extension;
  friend bool operator==(const ReceiverReport&, const ReceiverReport&) = default;
};

// Section 6.5: item types; 0 ends a chunk's item list.
enum class SdesType : std::uint8_t { end = 0, cname, name, email, phone, loc, tool, note, priv };

struct SdesItem {
  std::uint8_t type = 1;  // SdesType; unknown types are kept as numbers
  std::string value;      // at most 255 bytes (UTF-8 on the wire, not checked)
  friend bool operator==(const SdesItem&, const SdesItem&) = default;
};

struct SdesChunk {
  std::uint32_t ssrc = 0;
  std::vector<SdesItem> items;
  friend bool operator==(const SdesChunk&, const SdesChunk&) = default;
};

struct SourceDescription {
  std::vector<SdesChunk> chunks;  // at most 31
  friend bool operator==(const SourceDescription&, const SourceDescription&) = default;
};

// Section 6.6.
struct Bye {
  std::vector<std::uint32_t> ssrcs;  // at most 31
  std::string reason;                // optional, at most 255 bytes
  friend bool operator==(const Bye&, const Bye&) = default;
};

// Section 6.7 (baresip sends a 16-byte APP "PING"/"PONG" as a keepalive).
struct App {
  std::uint8_t subtype = 0;           // 5 bits
  std::uint32_t ssrc = 0;
  std::array<char, 4> name{};         // four ASCII characters
  std::vector<std::uint8_t> data;     // a multiple of 4 bytes
  friend bool operator==(const App&, const App&) = default;
};

// Any other packet type (RTPFB 205, PSFB 206, XR 207, ...), kept as bytes after the 4-byte header.
struct UnknownRtcp {
  std::uint8_t packet_type = 0;
  std::uint8_t count = 0;             // the 5-bit RC/SC/FMT field
  std::vector<std::uint8_t> body;     // a multiple of 4 bytes
  friend bool operator==(const UnknownRtcp&, const UnknownRtcp&) = default;
};

using RtcpPacket = std::variant<SenderReport, ReceiverReport, SourceDescription, Bye, App, UnknownRtcp>;

// Section 6.1: packets stacked in one datagram.
struct CompoundRtcp {
  std::vector<RtcpPacket> packets;
  friend bool operator==(const CompoundRtcp&, const CompoundRtcp&) = default;
};

// An SDES packet with one chunk carrying CNAME (section 6.5.1).
inline SourceDescription sdes_cname(std::uint32_t ssrc, std::string cname) {
  return SourceDescription{.chunks = {SdesChunk{.ssrc = ssrc, .items = {SdesItem{.type = 1, .value = std::move(cname)}}}}};
}

}  // namespace sotto::rtp
