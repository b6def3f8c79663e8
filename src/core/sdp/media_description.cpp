#include "core/sdp/media_description.hpp"

#include "core/sdp/attribute_list.hpp"
#include "core/sdp/fmtp.hpp"
#include "core/sdp/text.hpp"

namespace sotto::sdp {

std::optional<std::uint32_t> parse_packet_time(std::string_view value) noexcept {
  auto dot = value.find('.');
  std::string_view whole = value.substr(0, dot);
  if (dot != std::string_view::npos) {
    std::string_view frac = value.substr(dot + 1);
    if (frac.empty() || !detail::parse_uint<std::uint64_t>(frac)) return std::nullopt;
  }
  return detail::parse_uint<std::uint32_t>(whole);
}

bool MediaDescription::is_rtp() const noexcept {
  std::string_view p = proto;
  return p.starts_with("RTP/") || p.find("/RTP/") != std::string_view::npos;
}

std::vector<std::uint8_t> MediaDescription::payload_types() const {
  std::vector<std::uint8_t> out;
  for (const auto& f : formats) {
    auto pt = detail::parse_uint<std::uint8_t>(f);
    if (pt && *pt <= 127) out.push_back(*pt);
  }
  return out;
}

bool MediaDescription::has_payload_type(std::uint8_t pt) const {
  for (auto p : payload_types()) {
    if (p == pt) return true;
  }
  return false;
}

std::optional<RtpMap> MediaDescription::rtpmap(std::uint8_t pt) const {
  for (const auto& a : attributes) {
    if (a.name != "rtpmap" || !a.value) continue;
    auto m = parse_rtpmap(*a.value);
    if (m && m->payload_type == pt) return *m;
  }
  return static_rtpmap(pt);
}

std::optional<std::uint8_t> MediaDescription::find_codec(const RtpMap& codec) const {
  for (auto pt : payload_types()) {
    auto m = rtpmap(pt);
    if (m && same_codec(*m, codec)) return pt;
  }
  return std::nullopt;
}

std::optional<std::string> MediaDescription::fmtp(std::uint8_t pt) const {
  std::string want = std::to_string(pt);
  for (const auto& a : attributes) {
    if (a.name != "fmtp" || !a.value) continue;
    auto f = parse_fmtp(*a.value);
    if (f && f->format == want) return f->parameters;
  }
  return std::nullopt;
}

std::optional<std::uint32_t> MediaDescription::ptime() const {
  const Attribute* a = find_attribute(attributes, "ptime");
  if (!a || !a->value) return std::nullopt;
  return parse_packet_time(*a->value);
}

std::optional<std::uint32_t> MediaDescription::maxptime() const {
  const Attribute* a = find_attribute(attributes, "maxptime");
  if (!a || !a->value) return std::nullopt;
  return parse_packet_time(*a->value);
}

std::optional<Direction> MediaDescription::direction() const noexcept {
  return direction_attribute(attributes);
}

std::optional<RtcpAttribute> MediaDescription::rtcp() const {
  const Attribute* a = find_attribute(attributes, "rtcp");
  if (!a || !a->value) return std::nullopt;
  auto r = parse_rtcp_attribute(*a->value);
  if (!r) return std::nullopt;
  return *r;
}

bool MediaDescription::rtcp_mux() const noexcept { return has_attribute(attributes, "rtcp-mux"); }

std::optional<std::string_view> MediaDescription::mid() const noexcept {
  const Attribute* a = find_attribute(attributes, "mid");
  if (!a || !a->value) return std::nullopt;
  return std::string_view(*a->value);
}

std::vector<std::string_view> MediaDescription::crypto_values() const {
  return attribute_values(attributes, "crypto");
}

}  // namespace sotto::sdp
