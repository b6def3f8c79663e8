// Parsers and formatters for the typed attribute values: rtpmap, fmtp, rtcp; and the RFC 3551 table.
#include <array>

#include "core/sdp/fmtp.hpp"
#include "core/sdp/rtcp_attribute.hpp"
#include "core/sdp/rtpmap.hpp"
#include "core/sdp/text.hpp"

namespace sotto::sdp {
namespace {

struct StaticType {
  std::uint8_t pt;
  const char* encoding;
  std::uint32_t clock_rate;
  std::uint16_t channels;  // 0 = video (no channel parameter)
};

// RFC 3551 section 6, tables 4 and 5 (types still assigned; 1, 2, 19 are reserved).
constexpr std::array<StaticType, 24> kStatic{{
    {0, "PCMU", 8000, 1},   {3, "GSM", 8000, 1},     {4, "G723", 8000, 1},    {5, "DVI4", 8000, 1},
    {6, "DVI4", 16000, 1},  {7, "LPC", 8000, 1},     {8, "PCMA", 8000, 1},    {9, "G722", 8000, 1},
    {10, "L16", 44100, 2},  {11, "L16", 44100, 1},   {12, "QCELP", 8000, 1},  {13, "CN", 8000, 1},
    {14, "MPA", 90000, 0},  {15, "G728", 8000, 1},   {16, "DVI4", 11025, 1},  {17, "DVI4", 22050, 1},
    {18, "G729", 8000, 1},  {25, "CelB", 90000, 0},  {26, "JPEG", 90000, 0},  {28, "nv", 90000, 0},
    {31, "H261", 90000, 0}, {32, "MPV", 90000, 0},   {33, "MP2T", 90000, 0},  {34, "H263", 90000, 0},
}};

}  // namespace

bool same_codec(const RtpMap& a, const RtpMap& b) noexcept {
  return iequals(a.encoding, b.encoding) && a.clock_rate == b.clock_rate &&
         a.channel_count() == b.channel_count();
}

std::optional<RtpMap> static_rtpmap(std::uint8_t payload_type) {
  for (const auto& s : kStatic) {
    if (s.pt == payload_type) {
      RtpMap m{s.pt, s.encoding, s.clock_rate, std::nullopt};
      if (s.channels > 1) m.channels = s.channels;
      return m;
    }
  }
  return std::nullopt;
}

std::optional<std::uint8_t> static_payload_type(std::string_view encoding, std::uint32_t clock_rate,
                                                std::uint16_t channels) {
  for (const auto& s : kStatic) {
    std::uint16_t ch = s.channels == 0 ? 1 : s.channels;
    if (iequals(encoding, s.encoding) && clock_rate == s.clock_rate && channels == ch) return s.pt;
  }
  return std::nullopt;
}

Result<RtpMap> parse_rtpmap(std::string_view value) {
  auto sp = value.find(' ');
  if (sp == std::string_view::npos) {
    return fail(Errc::malformed_input, "a=rtpmap: expected '<payload type> <encoding>/<clock rate>', got " +
                                           detail::quote(value));
  }
  std::string_view pt_text = value.substr(0, sp);
  std::string_view rest = value.substr(sp + 1);
  while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
  while (!rest.empty() && rest.back() == ' ') rest.remove_suffix(1);  // trailing blanks seen in the wild
  auto pt = detail::parse_uint<std::uint8_t>(pt_text);
  if (!pt || *pt > 127) {
    return fail(Errc::malformed_input,
                "a=rtpmap: payload type " + detail::quote(pt_text) + " is not a number 0..127");
  }
  auto slash = rest.find('/');
  if (slash == std::string_view::npos || slash == 0) {
    return fail(Errc::malformed_input,
                "a=rtpmap: expected '<encoding>/<clock rate>' after the payload type, got " +
                    detail::quote(rest));
  }
  RtpMap m;
  m.payload_type = *pt;
  m.encoding = std::string(rest.substr(0, slash));
  if (!detail::is_token(m.encoding)) {
    return fail(Errc::malformed_input, "a=rtpmap: encoding name " + detail::quote(m.encoding) +
                                           " is not a token");
  }
  std::string_view after = rest.substr(slash + 1);
  auto slash2 = after.find('/');
  std::string_view rate_text = after.substr(0, slash2);
  auto rate = detail::parse_uint<std::uint32_t>(rate_text);
  if (!rate || *rate == 0) {
    return fail(Errc::malformed_input,
                "a=rtpmap: clock rate " + detail::quote(rate_text) + " is not a positive number");
  }
  m.clock_rate = *rate;
  if (slash2 != std::string_view::npos) {
    std::string_view ch_text = after.substr(slash2 + 1);
    auto ch = detail::parse_uint<std::uint16_t>(ch_text);
    if (!ch || *ch == 0) {
      return fail(Errc::malformed_input, "a=rtpmap: encoding parameters " + detail::quote(ch_text) +
                                             " are not a channel count 1..65535");
    }
    m.channels = *ch;
  }
  return m;
}

std::string format_rtpmap(const RtpMap& m) {
  std::string s = std::to_string(m.payload_type) + " " + m.encoding + "/" + std::to_string(m.clock_rate);
  if (m.channels) s += "/" + std::to_string(*m.channels);
  return s;
}

Result<Fmtp> parse_fmtp(std::string_view value) {
  auto sp = value.find(' ');
  std::string_view fmt = value.substr(0, sp);
  if (!detail::is_token(fmt)) {
    return fail(Errc::malformed_input, "a=fmtp: expected '<format> <parameters>', got " + detail::quote(value));
  }
  Fmtp f;
  f.format = std::string(fmt);
  if (sp != std::string_view::npos) f.parameters = std::string(value.substr(sp + 1));
  return f;
}

std::string format_fmtp(const Fmtp& f) {
  return f.parameters.empty() ? f.format : f.format + " " + f.parameters;
}

Result<RtcpAttribute> parse_rtcp_attribute(std::string_view value) {
  auto fields = detail::split_fields(value);
  if (fields.size() != 1 && fields.size() != 4) {
    return fail(Errc::malformed_input,
                "a=rtcp: expected '<port> [IN IP4|IP6 <address>]', got " + detail::quote(value));
  }
  auto port = detail::parse_uint<std::uint16_t>(fields[0]);
  if (!port) {
    return fail(Errc::malformed_input, "a=rtcp: port " + detail::quote(fields[0]) + " is not 0..65535");
  }
  RtcpAttribute r;
  r.port = *port;
  if (fields.size() == 4) {
    if (!detail::is_token(fields[1]) || !detail::is_token(fields[2])) {
      return fail(Errc::malformed_input, "a=rtcp: bad nettype/addrtype in " + detail::quote(value));
    }
    r.connection = Connection{std::string(fields[1]), std::string(fields[2]), std::string(fields[3]),
                              std::nullopt, std::nullopt};
  }
  return r;
}

std::string format_rtcp_attribute(const RtcpAttribute& r) {
  std::string s = std::to_string(r.port);
  if (r.connection) {
    s += " " + r.connection->network_type + " " + r.connection->address_type + " " + r.connection->address;
  }
  return s;
}

}  // namespace sotto::sdp
