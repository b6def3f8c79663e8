#pragma once
// Parsers for the value of each structured SDP line (the text after "x="), used by parse_sdp.
//
//   auto o = parse_origin_field("- 4858949 1 IN IP4 192.0.2.10");   // Origin
//   auto c = parse_connection_field("IN IP4 224.2.1.1/127/3");       // ttl 127, 3 addresses
//   auto m = parse_media_field("audio 49170 RTP/SAVP 0 8 101");      // MediaDescription (m= part)

#include <string_view>

#include "base/result.hpp"
#include "core/sdp/bandwidth.hpp"
#include "core/sdp/connection.hpp"
#include "core/sdp/media_description.hpp"
#include "core/sdp/origin.hpp"
#include "core/sdp/time_description.hpp"

namespace sotto::sdp {

Result<Origin> parse_origin_field(std::string_view value);
Result<Connection> parse_connection_field(std::string_view value);
Result<Bandwidth> parse_bandwidth_field(std::string_view value);
Result<TimeDescription> parse_time_field(std::string_view value);
// Fills media, port, port_count, proto and formats only.
Result<MediaDescription> parse_media_field(std::string_view value);

std::string format_connection(const Connection& c);

bool is_ipv4_literal(std::string_view s) noexcept;
bool is_ipv6_literal(std::string_view s) noexcept;

}  // namespace sotto::sdp
