#pragma once
// Small text helpers shared by the SDP parser, the attribute parsers and offer/answer (internal).
//
//   auto n = detail::parse_uint<std::uint16_t>("49170");     // 49170; nullopt on "", "4x", "70000"
//   auto f = detail::split_fields("IN  IP4 10.0.0.1");       // {"IN", "IP4", "10.0.0.1"}
//   detail::is_token("rtcp-mux");                            // true

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sotto::sdp::detail {

// 1*DIGIT that fits in T. No sign, no spaces.
template <class T>
std::optional<T> parse_uint(std::string_view s) noexcept {
  if (s.empty() || s.size() > 40) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    std::uint64_t d = static_cast<std::uint64_t>(c - '0');
    if (v > (std::numeric_limits<std::uint64_t>::max() - d) / 10) return std::nullopt;
    v = v * 10 + d;
  }
  if (v > std::numeric_limits<T>::max()) return std::nullopt;
  return static_cast<T>(v);
}

// Splits on runs of spaces (peers sometimes double them); no empty fields.
std::vector<std::string_view> split_fields(std::string_view s);

// token = 1*(token-char), RFC 4566 section 9: visible ASCII except the separators it excludes.
bool is_token(std::string_view s) noexcept;

// Quotes a value for an error message, shortened to 40 bytes with unprintable bytes escaped.
std::string quote(std::string_view s);

}  // namespace sotto::sdp::detail
